import { useCallback, useLayoutEffect, useRef, type RefObject } from 'react'

/** What the scroller shows, in rows of a fixed height: the first row at its top, and its height. */
export interface Shown {
  first: number
  height: number
}

/** The rows to write for what the scroller shows: `start` included, `end` excluded. */
export interface RowRange {
  start: number
  end: number
}

/**
 * The rows of a fixed-height list that are on screen, plus `overscan` beyond each edge: the tree's
 * rows all have one height, so the window is arithmetic.
 */
export function rowRange(shown: Shown, count: number, rowHeight: number, overscan: number): RowRange {
  const onScreen = Math.ceil(shown.height / rowHeight) + 1
  // Fewer rows than before (a filter): the browser pulls the scroll back to the end of the list.
  const first = Math.min(shown.first, Math.max(0, count - onScreen))
  return { start: Math.max(0, first - overscan), end: Math.min(count, first + onScreen + overscan) }
}

export interface RowWindow {
  /** Scrolls the least that shows row `index` whole (nothing when it is already). */
  scrollToIndex(index: number): void
  /** Writes the rows on screen again, without a render (a filter keystroke: ClusterTree's field). */
  rewrite(): void
}

/**
 * Writes the rows on screen (`write`, given what the scroller shows) after each render, before the
 * frame is painted, and again whenever the scroller scrolls or resizes, without React: the rows are
 * written outside React (tree-row-dom.ts), so a React render for a scroll, or for the scroller's
 * first height report, was only overhead (~1 ms of the window's first paint with 900 VMs). (A
 * general virtualizer measured every row of the list again whenever their count changed — each
 * filter keystroke, each inventory update — and rendered the tree again at each scroll event.) The
 * scroller's height comes from a ResizeObserver, never read during a render or an effect (that would
 * force a layout of the whole window in the middle of the first paint). Until its first report,
 * which comes after the first layout and before that frame is painted, the list shows its first few
 * rows; the report writes the others at once, so the first paint builds the rows on screen and no
 * more.
 */
export function useRowWindow(
  scroller: RefObject<HTMLElement | null>,
  rowHeight: number,
  write: (shown: Shown) => void,
): RowWindow {
  const shown = useRef<Shown>({ first: 0, height: 0 })
  // The latest render's writer: a scroll or a resize writes what that render holds.
  const latest = useRef(write)
  useLayoutEffect(() => {
    latest.current = write
    write(shown.current)
  })
  // Observed from the commit on, so the first report comes before the first paint.
  useLayoutEffect(() => {
    const element = scroller.current
    if (!element) return undefined
    const update = () => {
      const first = Math.floor(element.scrollTop / rowHeight)
      const height = element.clientHeight
      if (shown.current.first === first && shown.current.height === height) return
      shown.current = { first, height }
      latest.current(shown.current)
    }
    const observer = new ResizeObserver(update)
    observer.observe(element)
    element.addEventListener('scroll', update, { passive: true })
    return () => {
      observer.disconnect()
      element.removeEventListener('scroll', update)
    }
  }, [scroller, rowHeight])
  const scrollToIndex = useCallback(
    (index: number) => {
      const element = scroller.current
      if (!element) return
      const top = index * rowHeight
      if (top < element.scrollTop) element.scrollTop = top
      else if (top + rowHeight > element.scrollTop + element.clientHeight)
        element.scrollTop = top + rowHeight - element.clientHeight
    },
    [scroller, rowHeight],
  )
  const rewrite = useCallback(() => latest.current(shown.current), [])
  return { scrollToIndex, rewrite }
}

/**
 * Slots for the rows on screen, from the previous screen's (`previous`: row key → slot). A row
 * still on screen keeps its slot, so it is not written again; a row that comes takes the slot of a
 * row that went, so tree-row-dom.ts rewrites that row's few attributes and texts in place instead of
 * removing one row's elements and building another's (a filter keystroke that changes the whole
 * screen, a scroll by a row). A new slot is the smallest one free.
 */
export function assignSlots(
  previous: ReadonlyMap<string, number>,
  keys: readonly string[],
): Map<string, number> {
  const next = new Map<string, number>()
  // Indexed by slot (a screen holds a few dozen): at each write, a filter keystroke's among them.
  const used: boolean[] = []
  for (const key of keys) {
    const slot = previous.get(key)
    if (slot !== undefined && !next.has(key)) {
      next.set(key, slot)
      used[slot] = true
    }
  }
  const freed: number[] = []
  for (const slot of previous.values()) if (!used[slot]) freed.push(slot)
  freed.sort((a, b) => a - b)
  let reused = 0
  let fresh = 0
  for (const key of keys) {
    if (next.has(key)) continue
    let slot: number
    if (reused < freed.length) slot = freed[reused++]!
    else {
      while (used[fresh]) fresh++
      slot = fresh++
    }
    next.set(key, slot)
    used[slot] = true
  }
  return next
}
