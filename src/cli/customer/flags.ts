import { statSync } from 'node:fs'
import { Option, type Command } from 'commander'
import { CliFailure, EXIT } from './failure.js'
import type { ImageCreateParams, VideoCreateParams } from '#sdk'

const collect = (v: string, prev: string[] = []) => [...prev, v]

export interface VideoFlags {
  model?: string
  duration?: string
  resolution?: string
  ratio?: string
  image?: string | undefined
  endImage?: string
  refImage?: string[]
  refVideo?: string[]
  audio?: string[]
  silent?: boolean
  seed?: string
  cameraFixed?: boolean
  webhook?: string
  promptMode?: string
}

export interface ImageFlags {
  model?: string
  resolution?: string
  ratio?: string
  quality?: string
  n?: string
  format?: string
  image?: string[]
  seed?: string
  webhook?: string
  promptMode?: string
}

const PROMPT_MODE = new Option('--prompt-mode <mode>', 'raw, translate or enhance (rewrites the prompt for the model)').choices(['raw', 'translate', 'enhance'])

/** The request flags of `reelay video` and `reelay quote video`. */
export function videoOptions(cmd: Command): Command {
  return cmd
    .option('--model <id>', 'seedance-2.0-fast (default), seedance-2.0, seedance-2.0-mini, seedance-2.5, seedance-1.5-pro')
    .option('--duration <seconds>', 'clip length, e.g. 5 (4–15 on Seedance 2.0)')
    .option('--resolution <res>', '480p, 720p (default) or 1080p')
    .option('--ratio <ratio>', '16:9 (default), 9:16, 1:1, 4:3, 3:4, 21:9 or adaptive')
    .option('--image <file|url>', 'start frame: a local file (uploaded) or an https URL')
    .option('--end-image <url>', 'last frame (https URL)')
    .option('--ref-image <url>', 'reference image (https URL; repeatable, ≤ 9)', collect)
    .option('--ref-video <url>', 'reference video (https URL; repeatable, ≤ 3)', collect)
    .option('--audio <url>', 'reference audio (https URL; repeatable, ≤ 3; needs an image or video)', collect)
    .option('--silent', 'no generated audio track')
    .option('--seed <n>', 'seed, -1..4294967295')
    .option('--camera-fixed', 'lock the camera')
    .option('--webhook <url>', 'notify this https URL when the job ends')
    .addOption(PROMPT_MODE)
}

/** The request flags of `reelay image` and `reelay quote image`. */
export function imageOptions(cmd: Command): Command {
  return cmd
    .option('--model <id>', 'gpt-image-2 (default) or nano-banana-pro')
    .option('--resolution <res>', '1K (default), 2K or 4K')
    .option('--ratio <ratio>', '1:1, 16:9, 9:16, 4:3, 3:2, … or auto')
    .option('--quality <q>', 'low (default), medium or high')
    .option('-n, --n <count>', 'images, 1–4')
    .option('--format <fmt>', 'png (default) or jpeg')
    .option('--image <file|url>', 'reference image: a local file (uploaded) or an https URL; repeatable', collect)
    .option('--seed <n>', 'seed, -1..4294967295')
    .option('--webhook <url>', 'notify this https URL when the job ends')
    .addOption(PROMPT_MODE)
}

export const isUrl = (v: string) => /^https?:\/\//i.test(v)

/** A local reference: it must be a readable file (checked before anything is sent). */
export function localFile(path: string, flag: string): string {
  let ok = false
  try {
    ok = statSync(path).isFile()
  } catch {
    ok = false
  }
  if (!ok) throw new CliFailure(`${flag} ${path}: no such file (give a local file or an https URL)`, EXIT.badInput, 'invalid_request', flag)
  return path
}

export function intFlag(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined
  if (!/^-?\d+$/.test(v.trim())) throw new CliFailure(`${flag} must be a whole number (got ${v})`, EXIT.badInput, 'invalid_request', flag)
  return Number(v)
}

/** A whole-number flag, or its default when absent. */
export function intFlagOr(v: string | undefined, flag: string, dflt: number): number {
  if (v === undefined) return dflt
  if (!/^\d+$/.test(v.trim()) || Number(v) < 1) throw new CliFailure(`${flag} must be a whole number ≥ 1 (got ${v})`, EXIT.badInput, 'invalid_request', flag)
  return Number(v)
}

const VIDEO_TIERS: Record<string, string> = { '480p': 'SMALL', '720p': 'MEDIUM', '1080p': 'LARGE' }
const IMAGE_TIERS: Record<string, string> = { '1k': 'SMALL', '2k': 'MEDIUM', '4k': 'LARGE' }

/** `--ratio` and `--resolution` → the native `size` (`16:9_MEDIUM`). */
function size(ratio: string | undefined, resolution: string | undefined, tiers: Record<string, string>, defaultRatio: string): string | undefined {
  if (resolution === undefined) return ratio
  const tier = tiers[resolution.toLowerCase()]
  if (!tier) throw new CliFailure(`--resolution must be one of ${Object.keys(tiers).join(', ')} (got ${resolution})`, EXIT.badInput, 'invalid_request', '--resolution')
  return `${ratio ?? defaultRatio}_${tier}`
}

const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T

/** The native `POST /v1/videos/generate` body for the flags (URL references only). */
export function videoBody(prompt: string, f: VideoFlags): VideoCreateParams {
  return defined({
    prompt,
    model: f.model,
    duration: intFlag(f.duration, '--duration'),
    size: size(f.ratio, f.resolution, VIDEO_TIERS, '16:9'),
    referenceImage: f.image,
    endImage: f.endImage,
    referenceImages: f.refImage,
    referenceVideos: f.refVideo,
    referenceAudios: f.audio,
    motionHasAudio: f.silent ? false : undefined,
    seed: intFlag(f.seed, '--seed'),
    cameraFixed: f.cameraFixed,
    webhookUrl: f.webhook,
    promptMode: f.promptMode as VideoCreateParams['promptMode'],
  }) as VideoCreateParams
}

/** The native `POST /v1/images/generate` body for the flags (URL references only). */
export function imageBody(prompt: string, f: ImageFlags): ImageCreateParams {
  const refs = f.image ?? []
  return defined({
    prompt,
    model: f.model,
    size: size(f.ratio, f.resolution, IMAGE_TIERS, '1:1'),
    quality: f.quality?.toUpperCase(),
    n: intFlag(f.n, '--n'),
    format: f.format,
    referenceImages: refs.length ? refs : undefined,
    seed: intFlag(f.seed, '--seed'),
    webhookUrl: f.webhook,
    promptMode: f.promptMode as ImageCreateParams['promptMode'],
  }) as ImageCreateParams
}
