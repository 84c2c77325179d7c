import { rename, rm } from 'node:fs/promises'
import { runFfmpeg } from '../../media/run-ffmpeg.js'
import { hex, hsv, seededRandom } from './render-seed.js'

export interface RenderVideoOptions {
  prompt: string
  seed: number
  width: number
  height: number
  durationSec: number
  /** Default 24. */
  fps?: number
  audio: boolean
  outPath: string
  signal?: AbortSignal
}

const f3 = (n: number): string => n.toFixed(3)

/**
 * A lavfi graph built only from filters present in ffmpeg 4.x and later (the bundled static build
 * is a 2018 snapshot, which lacks `gradients`): a tiny animated `geq` plasma scaled up to the
 * frame, with translucent boxes drifting over it.
 */
export function buildVideoGraph(opts: Pick<RenderVideoOptions, 'prompt' | 'seed' | 'width' | 'height' | 'durationSec' | 'audio'> & { fps: number }): string {
  const { width: W, height: H, fps } = opts
  const rnd = seededRandom('video', opts.prompt, opts.seed)
  const hue = rnd()
  const c1 = hsv(hue, 0.6 + rnd() * 0.35, 0.6 + rnd() * 0.35)
  const c2 = hsv((hue + 0.2 + rnd() * 0.3) % 1, 0.5 + rnd() * 0.5, 0.45 + rnd() * 0.5)
  const c3 = hsv((hue + 0.5 + rnd() * 0.3) % 1, 0.5 + rnd() * 0.5, 0.5 + rnd() * 0.5)
  // Two travelling waves: k mixes c1→c2, j blends in c3.
  const k = `(0.5+0.5*sin(2*PI*(X/W*${f3(0.5 + rnd() * 1.5)}+Y/H*${f3(0.5 + rnd() * 1.5)})+T*${f3(0.4 + rnd() * 1.2)}+${f3(rnd() * 6.28)}))`
  const j = `(0.4+0.4*sin(2*PI*(X/W*${f3(rnd() * 2)}-Y/H*${f3(rnd() * 2)})-T*${f3(0.3 + rnd())}+${f3(rnd() * 6.28)}))`
  const chan = (i: 0 | 1 | 2): string => `'(${c1[i]}+${c2[i] - c1[i]}*${k})*(1-${j})+${c3[i]}*${j}'`
  // The waves span at most two cycles a frame, so 24×24 samples draw them as smoothly as more
  // would once scaled up; `geq` evaluates its expressions per sample, and at 48×48 it was a
  // quarter of a 720p render's CPU.
  const parts = [`nullsrc=s=24x24:r=${fps},format=gbrp,geq=r=${chan(0)}:g=${chan(1)}:b=${chan(2)},scale=${W}:${H}:flags=bicubic,format=yuv420p[bg]`]

  let last = 'bg'
  const boxes = 2 + Math.floor(rnd() * 3)
  for (let i = 0; i < boxes; i++) {
    const bw = Math.max(2, Math.round((W * (0.08 + rnd() * 0.2)) / 2) * 2)
    const bh = Math.max(2, Math.round((H * (0.08 + rnd() * 0.25)) / 2) * 2)
    const colour = hsv((hue + rnd()) % 1, 0.4 + rnd() * 0.6, 0.5 + rnd() * 0.5)
    const alpha = f3(0.45 + rnd() * 0.4)
    const x = `'(W-w)*(0.5+0.5*sin(t*${f3(0.3 + rnd() * 1.5)}+${f3(rnd() * 6.28)}))'`
    const y = `'(H-h)*(0.5+0.5*sin(t*${f3(0.3 + rnd() * 1.5)}+${f3(rnd() * 6.28)}))'`
    parts.push(`color=c=${hex(colour)}@${alpha}:s=${bw}x${bh}:r=${fps},format=yuva420p[b${i}]`)
    parts.push(`[${last}][b${i}]overlay=x=${x}:y=${y}:format=yuv420[v${i}]`)
    last = `v${i}`
  }
  parts.push(`[${last}]null[vout]`)

  if (opts.audio) {
    // A hashed chord with a slow tremolo; left/right detuned slightly.
    const f1 = 110 * 2 ** (Math.floor(rnd() * 24) / 12)
    const f2 = f1 * 1.5
    const lfo = f3(0.25 + rnd() * 1.5)
    const ch = (detune: number): string =>
      `0.25*sin(2*PI*${f3(f1 + detune)}*t)*(0.6+0.4*sin(2*PI*${lfo}*t))+0.12*sin(2*PI*${f3(f2)}*t)`
    parts.push(`aevalsrc=exprs='${ch(0)}|${ch(0.7)}':s=48000[aout]`)
  }
  return parts.join(';')
}

/** Renders a deterministic H.264 MP4 (AAC audio when asked) of exactly width×height, fps and duration. */
export async function renderVideo(opts: RenderVideoOptions): Promise<void> {
  const fps = opts.fps ?? 24
  const { width, height, durationSec } = opts
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 2 || height < 2 || width % 2 || height % 2) {
    throw new RangeError(`video size must be even integers, got ${width}x${height}`)
  }
  if (!(durationSec > 0) || !Number.isFinite(durationSec)) throw new RangeError(`invalid duration ${durationSec}`)
  if (!(fps > 0) || !Number.isFinite(fps)) throw new RangeError(`invalid fps ${fps}`)

  const graph = buildVideoGraph({ ...opts, fps })
  // Write beside the target and rename, so a reader never sees a half-written file.
  const part = `${opts.outPath}.part`
  const args = [
    '-y', '-filter_complex', graph,
    '-map', '[vout]', ...(opts.audio ? ['-map', '[aout]'] : []),
    '-t', String(durationSec), '-r', String(fps),
    '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '23', '-pix_fmt', 'yuv420p',
    // x264 output depends on its thread count; pin it so bytes do not depend on the host's cores.
    '-threads', '4',
    ...(opts.audio ? ['-c:a', 'aac', '-b:a', '128k', '-ar', '48000', '-ac', '2'] : []),
    '-fflags', '+bitexact', '-flags:v', '+bitexact', '-flags:a', '+bitexact', '-map_metadata', '-1',
    '-movflags', '+faststart', '-f', 'mp4', part,
  ]
  // Generous: ~5x realtime of 1080p on two slow cores is still well inside this.
  const timeoutMs = 60_000 + durationSec * 30_000
  try {
    await runFfmpeg(args, { signal: opts.signal, timeoutMs })
    await rename(part, opts.outPath)
  } catch (err) {
    await rm(part, { force: true })
    throw err
  }
}
