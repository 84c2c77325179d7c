import { rename, rm } from 'node:fs/promises'
import { runFfmpeg } from './run-ffmpeg.js'

/** Lanczos-resizes a video to exactly width×height as H.264, copying any audio untouched. */
export async function upscaleVideo(inPath: string, outPath: string, width: number, height: number, signal?: AbortSignal): Promise<void> {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 2 || height < 2 || width % 2 || height % 2) {
    throw new RangeError(`upscale size must be even integers, got ${width}x${height}`)
  }
  const part = `${outPath}.part`
  const args = [
    '-y', '-i', inPath,
    '-map', '0:v:0', '-map', '0:a:0?',
    // setsar=1: the target size is the display size, not a stretched storage size.
    '-vf', `scale=${width}:${height}:flags=lanczos,setsar=1,format=yuv420p`,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '20',
    '-c:a', 'copy',
    '-map_metadata', '-1', '-movflags', '+faststart', '-f', 'mp4', part,
  ]
  try {
    // 4K x264 runs well under realtime on small hosts; allow plenty before calling it stuck.
    await runFfmpeg(args, { signal, timeoutMs: 30 * 60_000 })
    await rename(part, outPath)
  } catch (err) {
    await rm(part, { force: true })
    throw err
  }
}
