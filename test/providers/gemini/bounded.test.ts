import { describe, expect, it } from 'vitest'
import { runBounded } from '../../../src/providers/gemini/bounded.js'

function deferred() {
  let resolve!: (v: string) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<string>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

const flush = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve()
}

describe('runBounded', () => {
  it('starts at most `limit` calls and the next one only when a slot frees', async () => {
    const calls = Array.from({ length: 4 }, deferred)
    const started: number[] = []
    const all = runBounded(4, 2, (i) => {
      started.push(i)
      return calls[i]!.promise
    })
    expect(started).toEqual([0, 1])
    calls[1]!.resolve('b')
    await flush()
    expect(started).toEqual([0, 1, 2])
    calls[0]!.resolve('a')
    calls[2]!.resolve('c')
    await flush()
    calls[3]!.resolve('d')
    await expect(all).resolves.toEqual(['a', 'b', 'c', 'd'])
  })

  it('starts nothing new after a failure and rejects with the first error', async () => {
    const calls = Array.from({ length: 5 }, deferred)
    const started: number[] = []
    const all = runBounded(5, 2, (i) => {
      started.push(i)
      return calls[i]!.promise
    })
    calls[0]!.reject(new Error('first'))
    await flush()
    calls[1]!.reject(new Error('second'))
    await expect(all).rejects.toThrow('first')
    expect(started).toEqual([0, 1])
  })
})
