import type { CanonicalParams, ImageParams, JobType, VideoParams } from '../../domain/params.js'
import type { MediaKind } from '../../media/mime.js'

/** The canonical fields that take media, and the kind each must be. */
export const SINGLE_SLOTS = { firstFrameUrl: 'image', lastFrameUrl: 'image' } as const
export const LIST_SLOTS = { referenceImageUrls: 'image', referenceVideoUrls: 'video', referenceAudioUrls: 'audio' } as const
export type Slot = keyof typeof SINGLE_SLOTS | keyof typeof LIST_SLOTS
const KIND_LIST: Record<MediaKind, keyof typeof LIST_SLOTS> = { image: 'referenceImageUrls', video: 'referenceVideoUrls', audio: 'referenceAudioUrls' }

/** One reference of a request: where it sits, its URL, and the kind it must be (`any`: decided by its bytes). */
export interface ReferenceItem {
  /** The canonical field as validation names it: `firstFrameUrl`, `referenceImageUrls[2]`, `referenceMediaUrls[0]`. */
  field: string
  url: string
  want: MediaKind | 'any'
}

/** Every reference in validated parameters, in request order. */
export function referenceItems(type: JobType, params: CanonicalParams): ReferenceItem[] {
  const out: ReferenceItem[] = []
  if (type === 'video') {
    const p = params as VideoParams
    for (const slot of Object.keys(SINGLE_SLOTS) as (keyof typeof SINGLE_SLOTS)[]) {
      const url = p[slot]
      if (url) out.push({ field: slot, url, want: SINGLE_SLOTS[slot] })
    }
    for (const slot of Object.keys(LIST_SLOTS) as (keyof typeof LIST_SLOTS)[]) {
      p[slot].forEach((url, i) => out.push({ field: `${slot}[${i}]`, url, want: LIST_SLOTS[slot] }))
    }
    ;(p.referenceMediaUrls ?? []).forEach((url, i) => out.push({ field: `referenceMediaUrls[${i}]`, url, want: 'any' }))
  } else {
    ;(params as ImageParams).referenceImageUrls.forEach((url, i) => out.push({ field: `referenceImageUrls[${i}]`, url, want: 'image' }))
  }
  return out
}

/** `referenceImageUrls[2]` → { slot, index: 2 }; `firstFrameUrl` → index 0. */
export function slotOf(field: string): { slot: string; index: number } {
  const m = /^([A-Za-z]+)\[(\d+)\]$/.exec(field)
  return m ? { slot: m[1]!, index: Number(m[2]) } : { slot: field, index: 0 }
}

/**
 * Sorts kind-less references (`referenceMediaUrls`) into the per-kind lists, after the
 * references a request named by kind. Returns the new input lists and the field names that
 * make a later error about `referenceImageUrls[k]` name the client's own item.
 */
export function sortMedia(params: VideoParams, kinds: MediaKind[], fields: Partial<Record<string, string>>, name: (field: string) => string) {
  const lists = { referenceImageUrls: [...params.referenceImageUrls], referenceVideoUrls: [...params.referenceVideoUrls], referenceAudioUrls: [...params.referenceAudioUrls] }
  const more: Record<string, string> = {}
  const moved: Record<string, string> = {}
  ;(params.referenceMediaUrls ?? []).forEach((url, i) => {
    const list = KIND_LIST[kinds[i]!]
    const to = `${list}[${lists[list].length}]`
    more[to] = name(`referenceMediaUrls[${i}]`)
    moved[`referenceMediaUrls[${i}]`] = to
    lists[list].push(url)
  })
  return { lists, fields: { ...fields, ...more }, moved }
}
