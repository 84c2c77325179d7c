/** The driver's error code (better-sqlite3 and pg both set `code`), or ''. */
export const codeOf = (err: unknown): string => {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : ''
}
