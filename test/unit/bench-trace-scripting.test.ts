import { describe, expect, it } from 'vitest'
import { perKeystroke, scriptingTasks, sum, type TraceEvent } from '../../bench/trace-scripting'

const thread = { pid: 7, tid: 7 }
/** A complete event on the page's main thread: start and wall duration in ms, thread time as given. */
const x = (name: string, startMs: number, wallMs: number, threadMs = wallMs, type?: string): TraceEvent => ({
  name,
  ph: 'X',
  ...thread,
  ts: startMs * 1000,
  dur: wallMs * 1000,
  tdur: threadMs * 1000,
  ...(type ? { args: { data: { type } } } : {}),
})

describe("the trace's scripting time, counted as DevTools' Performance panel does", () => {
  it('counts each Scripting event once, by self time, across nested events and microtasks', () => {
    const tasks = scriptingTasks(
      [
        // A timer: its callback, then the promise callbacks it queued, in the same task.
        x('RunTask', 0, 12),
        x('TimerFire', 1, 10),
        x('FunctionCall', 1.5, 4),
        x('V8.StackGuard', 2, 1), // not categorised by DevTools: stays with the FunctionCall
        x('RunMicrotasks', 6, 4.5),
        // The next task: an event handler that forces a layout (Rendering, not Scripting).
        x('RunTask', 20, 10),
        x('EventDispatch', 21, 8, 6, 'keydown'),
        x('FunctionCall', 21.5, 7, 5),
        x('Layout', 23, 3, 2),
        // Another thread's script is not the page's.
        { ...x('FunctionCall', 22, 50), tid: 8 },
      ],
      thread,
    )
    expect(tasks.map((task) => task.ts / 1000)).toEqual([0, 20])
    // TimerFire 10 ms, all of it Scripting (FunctionCall 4, RunMicrotasks 4.5, its own 1.5).
    expect(tasks[0]!.wallMs).toBeCloseTo(10)
    // EventDispatch 8 ms less the 3 ms layout; thread time likewise (6 less 2).
    expect(tasks[1]!.wallMs).toBeCloseTo(5)
    expect(tasks[1]!.threadMs).toBeCloseTo(4)
    expect(tasks[1]!.keydown).toBe(true)
    expect(sum(tasks).wallMs).toBeCloseTo(15)
  })

  it('counts a script that is a task of its own (no RunTask around it) and a GC', () => {
    const tasks = scriptingTasks([x('FireAnimationFrame', 0, 5, 3), x('MinorGC', 10, 2)], thread)
    expect(tasks).toHaveLength(2)
    expect(sum(tasks)).toEqual({ wallMs: 7, threadMs: 5 })
  })

  it('splits the tasks at each keydown, one group per keystroke', () => {
    const tasks = scriptingTasks(
      [
        x('TimerFire', 0, 1),
        x('EventDispatch', 10, 2, 2, 'keydown'),
        x('FireAnimationFrame', 15, 3),
        x('EventDispatch', 30, 1, 1, 'keydown'),
      ],
      thread,
    )
    expect(perKeystroke(tasks).map((group) => sum(group).wallMs)).toEqual([5, 1])
  })
})
