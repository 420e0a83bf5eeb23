import { useEffect, useId, useRef, useState, type ReactNode } from 'react'
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'
import { ApiError, type ApiErrorData } from '../../../../shared/errors'
import { useErrorMessage } from '../../components/GuardMessage'
import { formatClock, formatNumber } from '../../format'

export const SAMPLE_EVERY_MS = 2000
const KEEP_SAMPLES = 90

/** One point of the two graphs, from two consecutive samples. */
export interface LivePoint {
  /** Seconds since the epoch. */
  at: number
  cpuPercent: number
  memory: number | null
}

export interface LiveChartsSpec<S> {
  /** One sample (one exec on the host). */
  sample(): Promise<S>
  point(previous: S, current: S): LivePoint
  cpuTitle: string
  memoryTitle: string
  memoryUnit: string
  /** The memory axis' top (e.g. the host's total); else it follows the data. */
  memoryMax?: number
}

/**
 * Live CPU and memory graphs (uPlot), sampled every 2 s while mounted; shared by the VM and host views.
 * Restarts when `deps` change (another VM or host).
 */
export function useLiveCharts<S>(spec: LiveChartsSpec<S>, deps: readonly unknown[]) {
  const cpuRef = useRef<HTMLDivElement>(null)
  const memoryRef = useRef<HTMLDivElement>(null)
  const [error, setError] = useState<ApiErrorData | null>(null)
  const [latest, setLatest] = useState<LivePoint | null>(null)
  // uPlot draws nothing for a single point: the graphs show from the second one (third sample).
  const [points, setPoints] = useState(0)

  useEffect(() => {
    const times: number[] = []
    const cpu: number[] = []
    const memory: Array<number | null> = []
    let previous: S | undefined
    const textColor =
      getComputedStyle(document.documentElement).getPropertyValue('--text').trim() || '#1d2330'
    const options = (title: string, unit: string, max?: number): uPlot.Options => ({
      width: 420,
      height: 140,
      title,
      legend: { show: false },
      // Always the last three minutes (one sample would otherwise stretch the axis over years), up to
      // now while there is no point yet (uPlot then has no newest and would show 1970's midnight).
      scales: {
        x: {
          time: true,
          range: (_u, _min, newest) => {
            const end = times.length > 0 ? newest : Date.now() / 1000
            return [end - (KEEP_SAMPLES * SAMPLE_EVERY_MS) / 1000, end]
          },
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
          // In the UI's language, not the browser's ("07:51", not "7:51 AM" in French).
          values: (_u, ticks) => ticks.map((tick) => formatClock(tick * 1000, false)),
        },
        {
          stroke: textColor,
          size: 64,
          values: (_u, ticks) => ticks.map((tick) => `${formatNumber(tick)}${unit}`),
        },
      ],
      series: [{}, { stroke: 'rgb(47, 111, 219)', width: 2, fill: 'rgba(47, 111, 219, 0.12)' }],
    })
    const cpuPlot = new uPlot(options(spec.cpuTitle, '%', 100), [[], []], cpuRef.current as HTMLElement)
    const memoryPlot = new uPlot(
      options(spec.memoryTitle, spec.memoryUnit, spec.memoryMax),
      [[], []],
      memoryRef.current as HTMLElement,
    )
    let stopped = false

    async function sample(): Promise<void> {
      try {
        const current = await spec.sample()
        if (stopped) return
        setError(null)
        if (previous !== undefined) {
          const point = spec.point(previous, current)
          times.push(point.at)
          cpu.push(point.cpuPercent)
          memory.push(point.memory)
          if (times.length > KEEP_SAMPLES) [times, cpu, memory].forEach((series) => series.shift())
          cpuPlot.setData([times, cpu])
          memoryPlot.setData([times, memory])
          setLatest(point)
          setPoints(times.length)
        }
        previous = current
      } catch (caught) {
        if (!stopped) setError(ApiError.from(caught).toData())
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
    // The spec is rebuilt on every render; deps say when it really changed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps)

  return { cpuRef, memoryRef, error, latest, points }
}

/** The two graphs under a heading, with the latest figures beside it. */
export function LiveGraphs<S>(props: {
  spec: LiveChartsSpec<S>
  deps: readonly unknown[]
  testId: string
  title: string
  summary(latest: LivePoint): ReactNode
}) {
  const { cpuRef, memoryRef, error, latest, points } = useLiveCharts(props.spec, props.deps)
  const errorMessage = useErrorMessage()
  // The graphs are canvases: each is an image named by its title and described by the latest figures.
  const latestId = useId()
  const described = latest ? latestId : undefined
  return (
    <section className="vm-graphs" data-testid={props.testId} data-points={points}>
      <h2>
        {props.title}
        {latest && (
          <span className="muted small" id={latestId} data-testid={`${props.testId}-latest`}>
            {' '}
            · {props.summary(latest)}
          </span>
        )}
      </h2>
      {error && <p className="error">{errorMessage(error)}</p>}
      <div className="graphs">
        <div ref={cpuRef} role="img" aria-label={props.spec.cpuTitle} aria-describedby={described} />
        <div ref={memoryRef} role="img" aria-label={props.spec.memoryTitle} aria-describedby={described} />
      </div>
    </section>
  )
}
