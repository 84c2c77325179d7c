import { rename, rm } from 'node:fs/promises'
import { runFfmpeg } from '../../media/run-ffmpeg.js'
import { buildVideoGraph } from './render-video.js'

/** A stored reference written to a local file for ffmpeg. */
export interface LocalInput {
  kind: 'image' | 'video' | 'audio'
  path: string
}

export interface RenderFromInputsOptions {
  prompt: string
  seed: number
  width: number
  height: number
  durationSec: number
  audio: boolean
  /** Image-to-video: the start frame, and the end frame when there is one. */
  firstFrame?: string
  lastFrame?: string
  /** Media-to-video: images and videos shown in turn; the first audio is the soundtrack. */
  references?: LocalInput[]
  outPath: string
}

const FPS = 24
const f3 = (n: number): string => n.toFixed(3)

/** Scales and crops a picture to fill the frame, as a model framing a reference would. */
const fill = (W: number, H: number) => `scale=${W}:${H}:force_original_aspect_ratio=increase,crop=${W}:${H},setsar=1,fps=${FPS},format=yuv420p`

/**
 * A still held for `sec` at the output rate. The picture is decoded and scaled once and its frame
 * repeated (`-loop 1` on the input decodes and scales it again for every frame, which was half
 * the CPU of an image-to-video render).
 */
const still = (W: number, H: number, sec: number) =>
  `scale=${W}:${H}:force_original_aspect_ratio=increase,crop=${W}:${H},setsar=1,format=yuv420p,loop=loop=${Math.max(Math.round(sec * FPS) - 1, 0)}:size=1:start=0,setpts=N/${FPS}/TB`

/**
 * The studio's video from its inputs. Image-to-video cross-fades from the start frame to the end
 * frame (or, with only a start frame, into the prompt's own motion), so the first frame is the
 * given image and the last is the end frame. Media-to-video shows each reference image or video
 * in turn and plays the reference audio under it.
 */
export async function renderFromInputs(opts: RenderFromInputsOptions): Promise<void> {
  const { width: W, height: H, durationSec: D } = opts
  const args: string[] = ['-y']
  const graph: string[] = []
  let audioOut: string | null = null
  let n = 0
  const input = (...a: string[]) => {
    args.push(...a)
    return n++
  }
  // The prompt's own picture and tone. Their sources never end, so only the branches used are
  // kept: an unused one would be pulled forever.
  const generated = buildVideoGraph({ prompt: opts.prompt, seed: opts.seed, width: W, height: H, durationSec: D, audio: true, fps: FPS }).split(';')
  const tone = generated.filter((p) => p.endsWith('[aout]'))
  const picture = generated.filter((p) => !p.endsWith('[aout]'))
  const sound = (opts.references ?? []).find((r) => r.kind === 'audio')
  if (opts.audio && !(sound && !opts.firstFrame)) {
    graph.push(...tone)
    audioOut = '[aout]'
  }

  if (opts.firstFrame) {
    const a = input('-i', opts.firstFrame)
    graph.push(`[${a}:v]${still(W, H, D)}[start]`)
    if (opts.lastFrame) {
      const b = input('-i', opts.lastFrame)
      graph.push(`[${b}:v]${still(W, H, D)}[end]`)
    } else graph.push(...picture, '[vout]null[end]')
    // The end fades in over the start (a per-frame alpha, far cheaper than a per-pixel blend
    // expression), fully opaque by the last frame at D - 1/fps.
    const span = f3(Math.max(D - 1 / FPS, 1 / FPS))
    graph.push(`[end]format=yuva420p,fade=t=in:st=0:d=${span}:alpha=1[endfade]`, `[start][endfade]overlay=shortest=1:format=yuv420,format=yuv420p,trim=duration=${D}[v]`)
  } else {
    const refs = opts.references ?? []
    const visual = refs.filter((r) => r.kind !== 'audio')
    const seg = f3(D / Math.max(visual.length, 1))
    const labels = visual.map((r, i) => {
      const k = r.kind === 'image' ? input('-i', r.path) : input('-stream_loop', '-1', '-t', seg, '-i', r.path)
      graph.push(`[${k}:v]${r.kind === 'image' ? still(W, H, Number(seg)) : fill(W, H)},trim=duration=${seg},setpts=PTS-STARTPTS[m${i}]`)
      return `[m${i}]`
    })
    graph.push(`${labels.join('')}concat=n=${labels.length}:v=1:a=0[v]`)
    if (sound) {
      const k = input('-stream_loop', '-1', '-i', sound.path)
      graph.push(`[${k}:a]aresample=48000,aformat=channel_layouts=stereo,apad[snd]`)
      audioOut = '[snd]'
    }
  }

  const part = `${opts.outPath}.part`
  args.push(
    '-filter_complex', graph.join(';'),
    '-map', '[v]', ...(audioOut ? ['-map', audioOut] : []),
    '-t', String(D), '-r', String(FPS),
    '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '23', '-pix_fmt', 'yuv420p', '-threads', '4',
    ...(audioOut ? ['-c:a', 'aac', '-b:a', '128k', '-ar', '48000', '-ac', '2'] : []),
    '-fflags', '+bitexact', '-flags:v', '+bitexact', '-flags:a', '+bitexact', '-map_metadata', '-1',
    '-movflags', '+faststart', '-f', 'mp4', part,
  )
  try {
    await runFfmpeg(args, { timeoutMs: 60_000 + D * 30_000 })
    await rename(part, opts.outPath)
  } catch (err) {
    await rm(part, { force: true })
    throw err
  }
}

/** A reference picture as RGB24 at exactly width×height (filled and cropped), for image-to-image. */
export async function referencePixels(file: string, width: number, height: number): Promise<Buffer> {
  const { stdout } = await runFfmpeg(
    ['-i', file, '-frames:v', '1', '-vf', `scale=${width}:${height}:force_original_aspect_ratio=increase,crop=${width}:${height}`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
    { captureStdout: true, timeoutMs: 60_000, maxStdoutBytes: width * height * 3 + 1024 },
  )
  if (stdout.length !== width * height * 3) throw new Error('could not decode the reference image')
  return stdout
}
