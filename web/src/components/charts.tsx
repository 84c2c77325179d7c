import { useEffect, useRef } from 'react'
import 'uplot/dist/uPlot.min.css'
import { useI18n } from '../i18n/i18n'

/** Credits per day as bars (uPlot, fetched with the page that shows it). */
export function SpendByDayChart({ days, label }: { days: Array<{ day: string; credits: number }>; label: string }) {
  const box = useRef<HTMLDivElement>(null)
  const { formatNumber } = useI18n()
  useEffect(() => {
    const el = box.current
    if (!el || days.length === 0) return
    let plot: { destroy(): void; setSize(s: { width: number; height: number }): void } | null = null
    let cancelled = false
    const observer = new ResizeObserver(() => plot?.setSize({ width: el.clientWidth, height: 220 }))
    void import('uplot').then(({ default: UPlot }) => {
      if (cancelled) return
      const xs = days.map((d) => Date.parse(`${d.day}T00:00:00Z`) / 1000)
      const ys = days.map((d) => d.credits)
      plot = new UPlot(
        {
          width: el.clientWidth || 600,
          height: 220,
          legend: { show: false },
          scales: { x: { time: true } },
          axes: [{}, { values: (_u, vals) => vals.map((v) => formatNumber(v)) }],
          series: [{}, { label, stroke: '#4338ca', fill: 'rgba(67,56,202,0.25)', paths: UPlot.paths.bars!({ size: [0.7, 40] }), points: { show: false } }],
        },
        [xs, ys],
        el,
      )
      observer.observe(el)
    })
    return () => {
      cancelled = true
      observer.disconnect()
      plot?.destroy()
    }
  }, [days, label, formatNumber])
  return <div ref={box} className="chart" role="img" aria-label={label} />
}

/** Credits by model as labelled horizontal bars; plain HTML, so it reads out as a list. */
export function SpendByModelBars({ models }: { models: Array<{ model: string; credits: number; jobs: number }> }) {
  const { formatNumber } = useI18n()
  const max = Math.max(1, ...models.map((m) => m.credits))
  return (
    <ul className="bars" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
      {models.map((m) => (
        <li key={m.model} className="bar-row">
          <span className="ellipsis" title={m.model}>
            {m.model}
          </span>
          <span className="bar" style={{ width: `${(m.credits / max) * 100}%` }} />
          <span className="num">{formatNumber(m.credits)}</span>
        </li>
      ))}
    </ul>
  )
}
