import { describe, expect, it } from 'vitest'
import { familiesToSniff, sniffMedia } from '../../src/net/media-sniff.js'

const hex = (s: string) => Buffer.from(s.replace(/ /g, ''), 'hex')
const ascii = (s: string) => Buffer.from(s, 'latin1')

describe('sniffMedia', () => {
  it.each([
    ['png', hex('89504e470d0a1a0a0000000d49484452'), ['image']],
    ['jpeg', hex('ffd8ffe000104a464946000101000001'), ['image']],
    ['gif', ascii('GIF89a\x01\x00\x01\x00\x00\x00\x00\x00\x00\x00'), ['image']],
    ['webp', ascii('RIFF\x00\x00\x00\x00WEBPVP8 '), ['image']],
    ['avif', ascii('\x00\x00\x00\x1cftypavif\x00\x00\x00\x00'), ['image']],
    ['mp4', ascii('\x00\x00\x00\x18ftypisom\x00\x00\x02\x00'), ['video', 'audio']],
    ['webm', hex('1a45dfa39f4286810142f7810142f281'), ['video', 'audio']],
    ['ogg', ascii('OggS\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00'), ['video', 'audio']],
    ['wav', ascii('RIFF\x24\x08\x00\x00WAVEfmt '), ['audio']],
    ['mp3 id3', ascii('ID3\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00'), ['audio']],
    ['mp3 frame', hex('fffb9064' + '00'.repeat(12)), ['audio']],
    ['html', ascii('<!doctype html><html>'), []],
    ['gzip', hex('1f8b0800000000000003'), []],
    ['empty', Buffer.alloc(0), []],
  ] as const)('%s', (_name, bytes, families) => {
    expect(sniffMedia(bytes).sort()).toEqual([...families].sort())
  })
})

describe('familiesToSniff', () => {
  it('maps declared types to the families their bytes must match', () => {
    expect(familiesToSniff('image/png')).toEqual(['image'])
    expect(familiesToSniff('video/mp4')).toEqual(['video'])
    expect(familiesToSniff('audio/mpeg')).toEqual(['audio'])
    expect(familiesToSniff('application/octet-stream')).toEqual(['image', 'video', 'audio'])
    expect(familiesToSniff('application/json')).toBeNull()
  })
})
