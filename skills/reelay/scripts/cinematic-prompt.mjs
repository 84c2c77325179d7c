#!/usr/bin/env node
// Turns a casual request into a structured cinematic shot: subject, action, camera, lighting,
// style, duration, ratio, and the one prompt string the model gets. The agent fills in what it
// understood (--subject, --camera, …); the rest comes from the request's own words, then from
// defaults that suit a short generated clip. Prints the spec as JSON.
//
//   node cinematic-prompt.mjs "a cat chasing leaves, vertical, 8 seconds" [--camera "low tracking shot"] …
import { parseArgs } from 'node:util'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    subject: { type: 'string' },
    action: { type: 'string' },
    camera: { type: 'string' },
    lighting: { type: 'string' },
    style: { type: 'string' },
    duration: { type: 'string' },
    ratio: { type: 'string' },
    kind: { type: 'string' },
  },
})
const request = positionals.join(' ').trim()
if (!request && !values.subject) {
  console.error('usage: cinematic-prompt.mjs "<what the user asked for>" [--subject --action --camera --lighting --style --duration --ratio --kind video|image]')
  process.exit(2)
}
const text = request.toLowerCase()

// Words about the frame, not the scene: they set the ratio and are dropped from the subject.
const RATIOS = [
  [/\b(vertical|portrait|tiktok|reels?|shorts|stories|9:16)\b/, '9:16'],
  [/\b(square|1:1)\b/, '1:1'],
  [/\b(ultra-?wide|anamorphic|21:9)\b/, '21:9'],
  [/\b(4:3)\b/, '4:3'],
  [/\b(widescreen|landscape|16:9)\b/, '16:9'],
]
const CAMERAS = [
  [/\bdrone|aerial|bird'?s[- ]eye\b/, 'aerial drone shot, slow forward glide'],
  [/\bclose[- ]?up|macro\b/, 'macro close-up, shallow depth of field'],
  [/\btracking|follow(ing)?\b/, 'smooth tracking shot alongside the subject'],
  [/\borbit|360|around\b/, 'slow orbit around the subject'],
  [/\bhandheld|documentary\b/, 'handheld camera, natural sway'],
  [/\bwide|establishing|landscape\b/, 'wide establishing shot, slow push-in'],
]
const LIGHTS = [
  [/\bsunset|golden hour|dusk\b/, 'warm golden-hour light, long soft shadows'],
  [/\bsunrise|dawn|morning\b/, 'soft early-morning light, light haze'],
  [/\bnight|neon|city lights\b/, 'night, neon reflections on wet surfaces'],
  [/\brain(y)?|storm|fog(gy)?|mist\b/, 'overcast diffused light, moody atmosphere'],
  [/\bstudio|product\b/, 'clean three-point studio lighting'],
  [/\bcandle|fire(light)?\b/, 'flickering warm firelight'],
]
const STYLES = [
  [/\banime|cartoon|animated\b/, 'anime style, clean line art, vivid colours'],
  [/\b(pixar|3d|cgi)\b/, 'stylised 3D animation, soft global illumination'],
  [/\bvintage|retro|film|70s|80s|90s\b/, 'vintage 35mm film, grain, muted colours'],
  [/\bdocumentary|realistic|real\b/, 'photorealistic documentary look'],
  [/\bnoir\b/, 'black-and-white film noir, high contrast'],
]
const pick = (table, fallback) => table.find(([re]) => re.test(text))?.[1] ?? fallback

const seconds = /\b(\d{1,2})\s*(?:s|sec|secs|seconds?)\b/.exec(text)?.[1]
const kind = values.kind ?? (/\b(photo|picture|image|poster|illustration|still)\b/.test(text) && !/\b(video|clip|shot|film)\b/.test(text) ? 'image' : 'video')

// The scene itself: the request without the frame words, split at its first verb-like "-ing" word.
const scene = request
  .replace(/\b(?:make|create|generate|render|give me|i want|please)\b\s*(?:a|an|me)?\s*/gi, '')
  .replace(/\b(?:\d{1,2}\s*(?:s|sec|secs|seconds?)|vertical|portrait|square|widescreen|landscape|tiktok|reels?|shorts|ultra-?wide|\d+:\d+)\b\s*(?:video|clip)?/gi, '')
  .replace(/\b(?:[\w-]+\s+)?(?:video|clip|short film|shot)\s+(?:of|about|with)\s+/gi, '')
  .replace(/^\s*(?:(?:a|an)\s+)?(?:(?:poster|photo|picture|image|illustration|still)\s*)*(?:of|about|with|showing)\s+/i, '')
  .replace(/^\s*(?:of|about|with|showing)\s+/i, '')
  .replace(/[\s,;.]+$/g, '')
  .replace(/^[\s,;.]+/g, '')
  .replace(/\s{2,}/g, ' ')
const verb = /\b(\w+ing)\b/.exec(scene)
const subject = values.subject ?? (verb ? scene.slice(0, verb.index).trim() : scene) ?? 'the subject'
const action = values.action ?? (verb ? scene.slice(verb.index).trim() : kind === 'video' ? 'in slow, natural motion' : '')

const spec = {
  kind,
  subject: subject || scene,
  action,
  camera: values.camera ?? pick(CAMERAS, kind === 'image' ? 'eye-level, 50mm lens' : 'slow cinematic dolly-in'),
  lighting: values.lighting ?? pick(LIGHTS, 'soft natural light'),
  style: values.style ?? pick(STYLES, 'cinematic, shallow depth of field, rich colour grade'),
  duration: Number(values.duration ?? seconds ?? 5),
  ratio: values.ratio ?? pick(RATIOS, '16:9'),
}
const lead = `${spec.subject} ${spec.action}`.replace(/\s+/g, ' ').trim()
spec.prompt = `${lead.charAt(0).toUpperCase()}${lead.slice(1)}. Camera: ${spec.camera}. Lighting: ${spec.lighting}. Style: ${spec.style}.`
console.log(JSON.stringify(spec, null, 2))
