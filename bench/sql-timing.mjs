// Preload for a server the bench starts (`node --import ./bench/sql-timing.mjs …`): sums the wall
// time spent inside better-sqlite3 per statement (synchronous calls, so event-loop time too) and
// writes the table to $BENCH_SQL_TIMES as JSON when the process exits. Bench only.
import { writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'

const out = process.env.BENCH_SQL_TIMES
if (out) {
  const SQLite = createRequire(import.meta.url)('better-sqlite3')
  const probe = new SQLite(':memory:')
  const proto = Object.getPrototypeOf(probe.prepare('select 1'))
  probe.close()
  const times = new Map()
  for (const m of ['run', 'all', 'get', 'iterate']) {
    const orig = proto[m]
    proto[m] = function (...args) {
      const t = performance.now()
      try {
        return orig.apply(this, args)
      } finally {
        const e = times.get(this.source) ?? { calls: 0, ms: 0 }
        e.calls++
        e.ms += performance.now() - t
        times.set(this.source, e)
      }
    }
  }
  // A bench that times one window only clears what set-up ran: process.emit('benchSqlReset').
  process.on('benchSqlReset', () => times.clear())
  process.on('exit', () => {
    const rows = [...times].map(([sql, v]) => ({ sql: sql.replace(/\s+/g, ' ').slice(0, 140), calls: v.calls, usPerCall: Math.round((v.ms * 1000) / v.calls), totalMs: Math.round(v.ms) }))
    writeFileSync(
      out,
      JSON.stringify(
        rows.sort((a, b) => b.totalMs - a.totalMs),
        null,
        1,
      ),
    )
  })
}
