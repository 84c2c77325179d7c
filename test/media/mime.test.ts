import { describe, expect, it } from 'vitest'
import { detectMedia, extensionOf, imageMimeOf, mimeOfName } from '../../src/media/mime.js'

describe('media types', () => {
  it('reads the type from the bytes, never a name', async () => {
    expect(await detectMedia(Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'))).toMatchObject({ mime: 'image/png', kind: 'image' })
    expect(await detectMedia(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toMatchObject({ mime: 'image/jpeg', ext: 'jpg' })
    expect(await detectMedia(Buffer.from('\0\0\0\x20ftypisom\0\0\x02\0', 'latin1'))).toMatchObject({ mime: 'video/mp4', kind: 'video' })
    expect(await detectMedia(Buffer.from('RIFF\0\0\0\0WEBPVP8 ', 'latin1'))).toMatchObject({ mime: 'image/webp' })
    expect(await detectMedia(Buffer.from('RIFF\x24\x08\0\0WAVEfmt ', 'latin1'))).toMatchObject({ mime: 'audio/wav', kind: 'audio' })
    expect(await detectMedia(Buffer.from('hello world!'))).toBeNull()
    // A known type that is not media (gzip) is not a media file.
    expect(await detectMedia(Buffer.from('1f8b0800000000000003', 'hex'))).toBeNull()
  })

  it('tells images apart from other media', async () => {
    expect(await imageMimeOf(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg')
    expect(await imageMimeOf(Buffer.from('RIFF\x24\x08\0\0WAVEfmt ', 'latin1'))).toBeUndefined()
  })

  it('names stored files with the common extension and reads types back from names', () => {
    expect(['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'video/mp4', 'video/quicktime', 'video/webm'].map(extensionOf)).toEqual(['jpg', 'png', 'webp', 'gif', 'mp4', 'mov', 'webm'])
    expect(extensionOf('image/png; charset=binary')).toBe('png')
    expect(extensionOf('application/x-unknown-thing')).toBeUndefined()
    expect(['results/job_x/0.mp4', 'a.mov', 'jpg', 'uploads/u.webm'].map(mimeOfName)).toEqual(['video/mp4', 'video/quicktime', 'image/jpeg', 'video/webm'])
    expect(mimeOfName('file.nothing-known')).toBeUndefined()
  })
})
