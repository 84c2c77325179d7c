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
  // The SDK is built first, so one newer than dist/main.js is newer than its own build too.
  for (const dir of ['src', 'packages/sdk/src']) {
    for (const f of readdirSync(path.join(root, dir), { recursive: true })) {
      if (statSync(path.join(root, dir, f)).mtimeMs > builtAt) return false
    }
  }
  return true
}

if (buildIsCurrent()) {
  await import(built)
} else {
  const { register } = await import('tsx/esm/api')
  // Its `paths` point `#sdk` (the customer CLI's client) at the SDK's source, whatever the cwd.
  register({ tsconfig: path.join(root, 'tsconfig.json') })
  await import('../src/main.ts')
}
