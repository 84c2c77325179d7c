/** An instant as ISO 8601 (the native and open dialects), `null` staying `null`. */
export function isoTime(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString()
}

/** An instant as whole Unix seconds, rounded down (OpenAI's `created_at`), `null` staying `null`. */
export function unixSeconds(ms: number | null): number | null {
  return ms === null ? null : Math.floor(ms / 1000)
}
