/**
 * Runs `count` calls, at most `limit` at a time, in index order. After the first failure no
 * new call starts (each one is billed); the calls in flight finish and the first error wins.
 */
export async function runBounded<T>(count: number, limit: number, call: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array<T>(count)
  let next = 0
  let failed: { err: unknown } | undefined
  async function lane(): Promise<void> {
    while (!failed && next < count) {
      const i = next++
      try {
        results[i] = await call(i)
      } catch (err) {
        failed ??= { err }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, count) }, lane))
  if (failed) throw failed.err
  return results
}
