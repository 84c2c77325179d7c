import type { PNG } from 'pngjs'
import { runFfmpeg } from '../../media/run-ffmpeg.js'
import { hsv, seededRandom } from './render-seed.js'

export interface RenderImageOptions {
  prompt: string
  seed: number
  width: number
  height: number
  format: 'png' | 'jpeg'
  index?: number
  /** Image-to-image: the reference as RGB24 at width×height; the result is a restyling of it. */
  reference?: Buffer
}

const MAX_SIDE = 16_384

/** Deterministic RGB24 picture: a 3-stop gradient, soft bands, and translucent discs. */
export function drawPicture(prompt: string, seed: number, index: number, width: number, height: number): Buffer {
  const rnd = seededRandom('image', prompt, seed, index)
  const hue = rnd()
  const stops = [hsv(hue, 0.55 + rnd() * 0.4, 0.55 + rnd() * 0.4), hsv((hue + 0.15 + rnd() * 0.35) % 1, 0.5 + rnd() * 0.5, 0.45 + rnd() * 0.5), hsv((hue + 0.5 + rnd() * 0.3) % 1, 0.4 + rnd() * 0.5, 0.35 + rnd() * 0.6)]

  // Gradient colours in a lookup table so the per-pixel work is an index and a multiply.
  const LUT = 1024
  const lut = new Uint8Array(LUT * 3)
  for (let i = 0; i < LUT; i++) {
    const t = (i / (LUT - 1)) * 2
    const [from, to] = t < 1 ? [stops[0]!, stops[1]!] : [stops[1]!, stops[2]!]
    const f = t < 1 ? t : t - 1
    for (let c = 0; c < 3; c++) lut[i * 3 + c] = Math.round(from[c]! + (to[c]! - from[c]!) * f)
  }
  // Band brightness, as a multiplier ×256.
  const WAVE = 4096
  const amp = 0.08 + rnd() * 0.14
  const wave = new Uint16Array(WAVE)
  for (let i = 0; i < WAVE; i++) wave[i] = Math.round(256 * (1 + amp * Math.sin((2 * Math.PI * i) / WAVE)))

  const ga = rnd() * 2 * Math.PI
  const gcos = Math.cos(ga) / (Math.abs(Math.cos(ga)) + Math.abs(Math.sin(ga)))
  const gsin = Math.sin(ga) / (Math.abs(Math.cos(ga)) + Math.abs(Math.sin(ga)))
  const ba = rnd() * 2 * Math.PI
  const bands = 2 + rnd() * 6
  const bphase = rnd()
  const bcos = (Math.cos(ba) * bands) / width
  const bsin = (Math.sin(ba) * bands) / height

  const buf = Buffer.allocUnsafe(width * height * 3)
  const dtx = (gcos / width) * (LUT - 1)
  for (let y = 0; y < height; y++) {
    // t runs 0..1 across the frame along the gradient direction.
    let t = ((0.5 - 0.5 * gcos) + (y / height - 0.5) * gsin) * (LUT - 1)
    let s = (bphase + y * bsin) * WAVE
    const dsx = bcos * WAVE
    let p = y * width * 3
    for (let x = 0; x < width; x++, t += dtx, s += dsx, p += 3) {
      const li = (t < 0 ? 0 : t > LUT - 1 ? LUT - 1 : t | 0) * 3
      const m = wave[(s | 0) & (WAVE - 1)]! // two's complement: a positive modulo
      const r = (lut[li]! * m) >> 8
      const g = (lut[li + 1]! * m) >> 8
      const b = (lut[li + 2]! * m) >> 8
      buf[p] = r > 255 ? 255 : r
      buf[p + 1] = g > 255 ? 255 : g
      buf[p + 2] = b > 255 ? 255 : b
    }
  }

  // Discs: blend row spans, so cost is proportional to covered area.
  const discs = 3 + Math.floor(rnd() * 5)
  const minSide = Math.min(width, height)
  for (let d = 0; d < discs; d++) {
    const cx = rnd() * width
    const cy = rnd() * height
    const r = (0.05 + rnd() * 0.25) * minSide
    const [cr, cg, cb] = hsv((hue + rnd()) % 1, 0.3 + rnd() * 0.7, 0.4 + rnd() * 0.6)
    const a = Math.round((0.3 + rnd() * 0.5) * 256)
    const ia = 256 - a
    const y0 = Math.max(0, Math.ceil(cy - r))
    const y1 = Math.min(height - 1, Math.floor(cy + r))
    for (let y = y0; y <= y1; y++) {
      const half = Math.sqrt(Math.max(0, r * r - (y - cy) * (y - cy)))
      const x0 = Math.max(0, Math.ceil(cx - half))
      const x1 = Math.min(width - 1, Math.floor(cx + half))
      for (let x = x0, p = (y * width + x0) * 3; x <= x1; x++, p += 3) {
        buf[p] = (buf[p]! * ia + cr * a) >> 8
        buf[p + 1] = (buf[p + 1]! * ia + cg * a) >> 8
        buf[p + 2] = (buf[p + 2]! * ia + cb * a) >> 8
      }
    }
  }
  return buf
}

export async function renderImage(opts: RenderImageOptions): Promise<Buffer> {
  const { width, height } = opts
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE) {
    throw new RangeError(`invalid image size ${width}x${height}`)
  }
  const rgb = drawPicture(opts.prompt, opts.seed, opts.index ?? 0, width, height)
  if (opts.reference) {
    if (opts.reference.length !== rgb.length) throw new RangeError('reference pixels do not match the image size')
    // Mostly the reference, tinted and patterned by the prompt's picture: recognisably a transform of it.
    for (let i = 0; i < rgb.length; i++) rgb[i] = (opts.reference[i]! * 179 + rgb[i]! * 77) >> 8
  }
  if (opts.format === 'png') {
    // pngjs only reads width/height/data; an RGB24 buffer avoids a 4-byte RGBA copy.
    // A fixed filter and level 6 keep 4K encodes to about a second (defaults try all 5 filters at level 9).
    const png = { width, height, data: rgb } as unknown as PNG
    // Loaded on the first render: a server that never renders does not hold it.
    const { PNG: encoder } = await import('pngjs')
    return encoder.sync.write(png, { colorType: 2, inputColorType: 2, inputHasAlpha: false, filterType: 1, deflateLevel: 6 })
  }
  // bitexact drops the encoder-version comment, so bytes depend only on pixels (and the ffmpeg build).
  const { stdout } = await runFfmpeg(
    ['-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-i', 'pipe:0', '-frames:v', '1', '-c:v', 'mjpeg', '-q:v', '3', '-pix_fmt', 'yuvj420p', '-fflags', '+bitexact', '-flags', '+bitexact', '-f', 'image2pipe', 'pipe:1'],
    { input: rgb, captureStdout: true, timeoutMs: 120_000 },
  )
  if (stdout.length < 4 || stdout[0] !== 0xff || stdout[1] !== 0xd8) throw new Error('ffmpeg produced no JPEG')
  return stdout
}
