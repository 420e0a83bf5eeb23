import type { Browser, Page } from 'playwright-core'

/**
 * Scripting time read from a Performance trace (the CDP Tracing domain), counted the way DevTools'
 * Performance panel counts its "Scripting" category: each event on the page's main thread has a
 * self time (its duration less its children's), and the self time of the events DevTools files under
 * Scripting is summed. The event names and their categories are DevTools' own, from
 * ChromeDevTools/devtools-frontend: front_end/panels/timeline/utils/EntryStyles.ts (maybeInitSylesMap:
 * which event is Scripting, Rendering, Painting, Loading or System) and
 * front_end/models/trace/types/TraceEvents.ts (the names; isJSInvocationEvent counts any event named v8… or V8…
 * event as a JavaScript entry). Events DevTools does not categorise are transparent: their time stays
 * with the categorised event around them, so nothing is counted twice (a FunctionCall inside a
 * TimerFire, a RunMicrotasks after it in the same task, a forced Layout inside a script counted as
 * Rendering, not Scripting, as DevTools does).
 *
 * Both clocks are kept: `wallMs` (the events' `dur`, what DevTools' pie shows) and `threadMs` (their
 * `tdur`, CPU time of the renderer's main thread). The bench reports thread time: see render.bench.ts.
 */

/** One event of a JSON trace (the fields read here). */
export interface TraceEvent {
  name: string
  cat?: string
  ph: string
  pid: number
  tid: number
  ts: number
  dur?: number
  tdur?: number
  args?: { data?: { type?: string } } & Record<string, unknown>
}

/**
 * The trace categories: those DevTools records (TimelineController) that carry the events counted
 * here, without the stack and sampling ones (each JS sample and captured stack would cost the page
 * being measured).
 */
export const TRACE_CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'v8.execute',
  'v8',
  'cppgc',
]

/** DevTools' Scripting events (EntryStyles.ts), by trace name. */
const SCRIPTING = new Set([
  'RunMicrotasks',
  'FunctionCall',
  'EvaluateScript',
  'v8.evaluateModule',
  'EventDispatch',
  'TimerFire',
  'TimerInstall',
  'TimerRemove',
  'FireAnimationFrame',
  'RequestAnimationFrame',
  'CancelAnimationFrame',
  'FireIdleCallback',
  'RequestIdleCallback',
  'CancelIdleCallback',
  'XHRReadyStateChange',
  'XHRLoad',
  'v8.compile',
  'V8.CompileCode',
  'V8.CompileModule',
  'V8.OptimizeCode',
  'v8.produceCache',
  'v8.produceModuleCache',
  'v8.deserializeOnBackground',
  'v8.parseOnBackgroundParsing',
  'GCEvent',
  'MajorGC',
  'MinorGC',
  'BlinkGC.AtomicPhase',
  'CppGC.IncrementalSweep',
  'TimeStamp',
  'ConsoleTime',
  'UserTiming',
  'WebSocketCreate',
  'WebSocketSendHandshakeRequest',
  'WebSocketReceiveHandshakeResponse',
  'WebSocketDestroy',
  'WebSocketSend',
  'WebSocketReceive',
  'EmbedderCallback',
  'SchedulePostTaskCallback',
  'RunPostTaskCallback',
  'AbortPostTaskCallback',
  'V8.Execute',
  'V8Console::runTask',
])

/** DevTools' events of the other categories (Rendering, Painting, Loading, Messaging, System). */
const NOT_SCRIPTING = new Set([
  'RunTask',
  'Program',
  'Animation',
  'HitTest',
  'ScheduleStyleRecalculation',
  'UpdateLayoutTree',
  'InvalidateLayout',
  'Layerize',
  'Layout',
  'PaintSetup',
  'PaintImage',
  'UpdateLayer',
  'UpdateLayerTree',
  'Paint',
  'PrePaint',
  'RasterTask',
  'ScrollLayer',
  'Commit',
  'CompositeLayers',
  'ComputeIntersections',
  'ParseHTML',
  'ParseAuthorStyleSheet',
  'Decode Image',
  'HandlePostMessage',
  'SchedulePostMessage',
  'v8.parseOnBackground',
  'V8.FinalizeDeserialization',
])

function isScripting(name: string): boolean {
  if (SCRIPTING.has(name)) return true
  if (NOT_SCRIPTING.has(name)) return false
  return name.startsWith('v8') || name.startsWith('V8')
}

function categorised(name: string): boolean {
  return SCRIPTING.has(name) || NOT_SCRIPTING.has(name) || name.startsWith('v8') || name.startsWith('V8')
}

/** A task of the main thread (a categorised event with none around it) and its scripting. */
export interface ScriptingTask {
  /** Trace clock, µs. */
  ts: number
  /** When it began, ms after the trace's start mark (set by traceScripting). */
  atMs?: number
  /** Scripting self time in the task, thread clock (`tdur`). */
  threadMs: number
  /** The same on the wall clock (`dur`). */
  wallMs: number
  /** The task dispatched a keydown (a keystroke starts here). */
  keydown: boolean
}

/**
 * The main thread's tasks from `events` (complete events of thread `pid`/`tid`), each with the
 * scripting self time of the events it holds.
 */
export function scriptingTasks(
  events: readonly TraceEvent[],
  thread: { pid: number; tid: number },
): ScriptingTask[] {
  const mine = events
    .filter((e) => e.ph === 'X' && e.pid === thread.pid && e.tid === thread.tid && categorised(e.name))
    .sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0))
  const tasks: ScriptingTask[] = []
  const stack: { end: number; event: TraceEvent; childWall: number; childThread: number }[] = []
  const close = (until: number) => {
    while (stack.length && stack.at(-1)!.end <= until) {
      const done = stack.pop()!
      const task = tasks.at(-1)!
      if (isScripting(done.event.name)) {
        task.wallMs += Math.max(0, (done.event.dur ?? 0) - done.childWall) / 1000
        task.threadMs += Math.max(0, (done.event.tdur ?? 0) - done.childThread) / 1000
      }
      const parent = stack.at(-1)
      if (parent) {
        parent.childWall += done.event.dur ?? 0
        parent.childThread += done.event.tdur ?? 0
      }
    }
  }
  for (const event of mine) {
    close(event.ts)
    if (stack.length === 0) tasks.push({ ts: event.ts, threadMs: 0, wallMs: 0, keydown: false })
    if (event.name === 'EventDispatch' && event.args?.data?.type === 'keydown') tasks.at(-1)!.keydown = true
    stack.push({ end: event.ts + (event.dur ?? 0), event, childWall: 0, childThread: 0 })
  }
  close(Infinity)
  return tasks
}

export const sum = (tasks: readonly ScriptingTask[]) => ({
  threadMs: tasks.reduce((total, task) => total + task.threadMs, 0),
  wallMs: tasks.reduce((total, task) => total + task.wallMs, 0),
})

/** The tasks split at each keydown: one group per keystroke (what ran before the first is dropped). */
export function perKeystroke(tasks: readonly ScriptingTask[]): ScriptingTask[][] {
  const groups: ScriptingTask[][] = []
  for (const task of tasks) {
    if (task.keydown) groups.push([])
    groups.at(-1)?.push(task)
  }
  return groups
}

const MARK = 'hyperdesk-bench-trace-start'

/**
 * Traces `work` and returns the tasks of `page`'s main thread that ran after the trace's start mark:
 * a console.timeStamp the page runs first (it names the thread; its own task, DevTools' evaluation,
 * is not the page's work and is left out).
 */
export async function traceScripting(
  browser: Browser,
  page: Page,
  work: () => Promise<void>,
): Promise<ScriptingTask[]> {
  await browser.startTracing(page, { categories: TRACE_CATEGORIES })
  let buffer: Buffer
  try {
    await page.evaluate((mark) => console.timeStamp(mark), MARK)
    await work()
  } finally {
    buffer = await browser.stopTracing()
  }
  const parsed = JSON.parse(buffer.toString('utf8')) as { traceEvents?: TraceEvent[] } | TraceEvent[]
  const events = Array.isArray(parsed) ? parsed : (parsed.traceEvents ?? [])
  const mark = events.find(
    (e) => e.name === 'TimeStamp' && (e.args?.data as { message?: string } | undefined)?.message === MARK,
  )
  if (!mark) throw new Error(`The trace has no ${MARK} mark: the page's main thread is not found`)
  return scriptingTasks(events, mark)
    .filter((task) => task.ts > mark.ts)
    .map((task) => ({ ...task, atMs: (task.ts - mark.ts) / 1000 }))
}
