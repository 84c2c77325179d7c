/** Page sizes for every cursor list: 1–100, 20 unless asked. */
export function pageLimit(limit: number | undefined): number {
  return Math.min(Math.max(limit ?? 20, 1), 100)
}

/** One page of rows ordered by `key` descending, fetched as limit + 1: the cursor is the last key shown. */
export function pageOf<T>(rows: T[], limit: number, key: (row: T) => string): { data: T[]; nextCursor: string | null } {
  const data = rows.slice(0, limit)
  const last = data.at(-1)
  return { data, nextCursor: rows.length > limit && last !== undefined ? key(last) : null }
}

/** A case-insensitive `like` pattern for a search box; `%` and `_` typed there match nothing special. */
export function containsPattern(q: string): string {
  return `%${q.toLowerCase().replace(/[\\%_]/g, '')}%`
}
