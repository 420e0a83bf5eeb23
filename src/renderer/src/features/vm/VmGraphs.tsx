import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'
import type { VmStats } from '../../../../shared/inventory'
import { ApiError } from '../../../../shared/errors'
import { useApi } from '../../api/context'

const SAMPLE_EVERY_MS = 2000
const KEEP_SAMPLES = 90

/** CPU use from two samples: guest CPU time over wall time, per vCPU, in percent. */
export function cpuPercent(previous: VmStats, current: VmStats): number {
  const elapsedNs = (current.at - previous.at) * 1e6
  if (elapsedNs <= 0) return 0
  return Math.max(
    0,
    Math.min(100, ((current.cpuTimeNs - previous.cpuTimeNs) / elapsedNs / current.vcpus) * 100),
  )
}

/** Live CPU and memory of a running VM, sampled every 2 s while the view is open (uPlot). */
export function VmGraphs({ uuid, host }: { uuid: string; host: string }) {
  const { t } = useTranslation()
  const api = useApi()
  const cpuRef = useRef<HTMLDivElement>(null)
  const memoryRef = useRef<HTMLDivElement>(null)
  const [error, setError] = useState<string | null>(null)
  const [latest, setLatest] = useState<{ cpu: number; memoryMiB: number | undefined } | null>(null)

  useEffect(() => {
    const times: number[] = []
    const cpu: number[] = []
    const memory: Array<number | null> = []
    let previous: VmStats | undefined
    const textColor =
      getComputedStyle(document.documentElement).getPropertyValue('--text').trim() || '#1d2330'
    const options = (title: string, unit: string, max?: number): uPlot.Options => ({
      width: 420,
      height: 140,
      title,
      legend: { show: false },
      // Always the last three minutes (one sample would otherwise stretch the axis over years).
      scales: {
        x: {
          time: true,
          range: (_u, _min, newest) => [newest - (KEEP_SAMPLES * SAMPLE_EVERY_MS) / 1000, newest],
        },
        y:
          max === undefined
            ? { range: (_u, _min, top) => [0, Math.max(10, top * 1.2)] }
            : { range: [0, max] },
      },
      // Axis text follows the theme (uPlot draws on a canvas, outside CSS).
      axes: [
        {
          stroke: textColor,
          space: 70,
          values: (_u, ticks) =>
            ticks.map((tick) =>
              new Date(tick * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }),
            ),
        },
        { stroke: textColor, size: 64, values: (_u, ticks) => ticks.map((tick) => `${tick}${unit}`) },
      ],
      series: [{}, { stroke: 'rgb(47, 111, 219)', width: 2, fill: 'rgba(47, 111, 219, 0.12)' }],
    })
    const cpuPlot = new uPlot(options(t('graphs.cpu'), '%', 100), [[], []], cpuRef.current as HTMLElement)
    const memoryPlot = new uPlot(
      options(t('graphs.memory'), ' MiB'),
      [[], []],
      memoryRef.current as HTMLElement,
    )
    let stopped = false

    async function sample(): Promise<void> {
      try {
        const stats = await api.call('vm.stats', { uuid, host })
        if (stopped) return
        setError(null)
        if (previous) {
          times.push(stats.at / 1000)
          cpu.push(cpuPercent(previous, stats))
          memory.push(stats.rssKiB !== undefined ? Math.round(stats.rssKiB / 1024) : null)
          if (times.length > KEEP_SAMPLES) [times, cpu, memory].forEach((series) => series.shift())
          cpuPlot.setData([times, cpu])
          memoryPlot.setData([times, memory])
          setLatest({ cpu: cpu.at(-1) ?? 0, memoryMiB: memory.at(-1) ?? undefined })
        }
        previous = stats
      } catch (caught) {
        if (!stopped) setError(ApiError.from(caught).message)
      }
    }
    void sample()
    const timer = setInterval(() => void sample(), SAMPLE_EVERY_MS)
    return () => {
      stopped = true
      clearInterval(timer)
      cpuPlot.destroy()
      memoryPlot.destroy()
    }
  }, [api, uuid, host, t])

  return (
    <section className="vm-graphs" data-testid="vm-graphs">
      <h2>
        {t('graphs.title', { host })}
        {latest && (
          <span className="muted small" data-testid="vm-graphs-latest">
            {' '}
            · CPU {latest.cpu.toFixed(0)}% {latest.memoryMiB !== undefined && <>· {latest.memoryMiB} MiB</>}
          </span>
        )}
      </h2>
      {error && <p className="error">{error}</p>}
      <div className="graphs">
        <div ref={cpuRef} />
        <div ref={memoryRef} />
      </div>
    </section>
  )
}
