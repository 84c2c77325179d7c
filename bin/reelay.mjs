#!/usr/bin/env node
// Runs the build in dist/, made once by `npm ci` (the `prepare` script). A checkout whose src/
// changed since that build (development) runs the TypeScript through tsx instead, so a stale
// build never answers for newer source.
import { readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')
const built = path.join(root, 'dist/main.js')

function buildIsCurrent() {
  let builtAt
  try {
    builtAt = statSync(built).mtimeMs
  } catch {
    return false
  }
  const src = path.join(root, 'src')
  for (const f of readdirSync(src, { recursive: true })) {
    if (statSync(path.join(src, f)).mtimeMs > builtAt) return false
  }
  return true
}

if (buildIsCurrent()) {
  await import(built)
} else {
  const { register } = await import('tsx/esm/api')
  register()
  await import('../src/main.ts')
}
