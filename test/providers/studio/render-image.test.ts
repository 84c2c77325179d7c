import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { PNG } from 'pngjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { probeMedia } from '../../../src/media/probe.js'
import { renderImage } from '../../../src/providers/studio/render-image.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'reelay-image-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const base = { prompt: 'a lighthouse at dusk', seed: 42, width: 640, height: 360 }

describe('renderImage', () => {
  it('renders a PNG of the exact size', async () => {
    const bytes = await renderImage({ ...base, format: 'png' })
    const file = path.join(dir, 'a.png')
    await writeFile(file, bytes)
    const info = await probeMedia(file)
    expect(info).toMatchObject({ mime: 'image/png', width: 640, height: 360, durationSec: null, hasAudio: false, videoCodec: 'png', bytes: bytes.length })
    // Visibly varied: plenty of distinct colours, not a flat fill.
    const { data } = PNG.sync.read(bytes)
    const colours = new Set<number>()
    for (let i = 0; i < data.length; i += 4 * 97) colours.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!)
    expect(colours.size).toBeGreaterThan(200)
  })

  it('renders a JPEG of the exact size', async () => {
    const bytes = await renderImage({ ...base, format: 'jpeg' })
    const file = path.join(dir, 'a.jpg')
    await writeFile(file, bytes)
    expect(await probeMedia(file)).toMatchObject({ mime: 'image/jpeg', width: 640, height: 360, videoCodec: 'mjpeg' })
  })

  it('handles odd sizes', async () => {
    const bytes = await renderImage({ ...base, width: 33, height: 17, format: 'jpeg' })
    const file = path.join(dir, 'odd.jpg')
    await writeFile(file, bytes)
    expect(await probeMedia(file)).toMatchObject({ width: 33, height: 17 })
    expect(PNG.sync.read(await renderImage({ ...base, width: 1, height: 1, format: 'png' }))).toMatchObject({ width: 1, height: 1 })
  })

  it.each(['png', 'jpeg'] as const)('%s: same inputs → same bytes; seed, index or prompt change them', async (format) => {
    const a = await renderImage({ ...base, format })
    const b = await renderImage({ ...base, format })
    expect(a.equals(b)).toBe(true)
    const others = await Promise.all([
      renderImage({ ...base, seed: 43, format }),
      renderImage({ ...base, index: 1, format }),
      renderImage({ ...base, prompt: 'a lighthouse at dawn', format }),
    ])
    for (const o of others) expect(o.equals(a)).toBe(false)
  })

  it('rejects impossible sizes', async () => {
    await expect(renderImage({ ...base, width: 0, format: 'png' })).rejects.toThrow(RangeError)
    await expect(renderImage({ ...base, width: 10.5, format: 'png' })).rejects.toThrow(RangeError)
  })
})
