import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

const root = path.join(import.meta.dirname, '../../packages/sdk')
const sources = (readdirSync(path.join(root, 'src'), { recursive: true }) as string[]).filter((f) => f.endsWith('.ts'))

describe('the SDK package stays light and browser-safe', () => {
  it('has standardwebhooks as its only runtime dependency', () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'))
    expect(pkg).toMatchObject({ name: '@reelay/sdk', type: 'module' })
    expect(Object.keys(pkg.dependencies)).toEqual(['standardwebhooks'])
  })

  it('imports only its own files and standardwebhooks at load time (node: only inside download-to-file)', () => {
    for (const file of sources) {
      const text = readFileSync(path.join(root, 'src', file), 'utf8')
      for (const [, spec] of text.matchAll(/^(?:import|export)\s[^'"]*from\s+'([^']+)'/gm)) {
        expect(spec!.startsWith('.') || spec === 'standardwebhooks', `${file} imports ${spec}`).toBe(true)
      }
    }
  })
})
