import { useCallback, useLayoutEffect, useState, type RefObject } from 'react'
import { flushSync } from 'react-dom'

/** What the scroller shows, in rows of a fixed height: the first row at its top, and its height. */
interface Shown {
  first: number
  height: number
}

export interface RowWindow {
  /** The rows to render, `start` included, `end` excluded. */
  start: number
  end: number
  /** The height of all the rows, for the scroller's inner block. */
  totalHeight: number
  /** Scrolls the least that shows row `index` whole (nothing when it is already). */
  scrollToIndex(index: number): void
}

/**
 * The rows of a fixed-height list that are on screen, plus `overscan` beyond each edge: the tree's
 * rows all have one height, so the window is arithmetic. (A general virtualizer measured every row
 * of the list again whenever their count changed — each filter keystroke, each inventory update —
 * and rendered the tree again at each scroll event; this renders again only when the first row on
 * screen or the height changes.) The scroller's height comes from a ResizeObserver, never read during
 * a render (that would force a layout of the whole window in the middle of the first paint). Until
 * its first report, which comes after the first layout and before that frame is painted, the list
 * shows its first few rows; that report is rendered at once (no frame is painted with those only),
 * so the first paint builds the rows on screen and no more (the window's height, which stood in
 * before, built a quarter more rows and removed them at once).
 */
export function useRowWindow(
  scroller: RefObject<HTMLElement | null>,
  count: number,
  rowHeight: number,
  overscan: number,
): RowWindow {
  const [shown, setShown] = useState<Shown>({ first: 0, height: 0 })
  // Observed from the commit on, so the first report comes before the first paint.
  useLayoutEffect(() => {
    const element = scroller.current
    if (!element) return undefined
    // Same values, same object: React then skips the render.
    const update = () =>
      setShown((previous) => {
        const first = Math.floor(element.scrollTop / rowHeight)
        const height = element.clientHeight
        return previous.first === first && previous.height === height ? previous : { first, height }
      })
    const observer = new ResizeObserver(() => flushSync(update))
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
  const onScreen = Math.ceil(shown.height / rowHeight) + 1
  // Fewer rows than before (a filter): the browser pulls the scroll back to the end of the list.
  const first = Math.min(shown.first, Math.max(0, count - onScreen))
  return {
    start: Math.max(0, first - overscan),
    end: Math.min(count, first + onScreen + overscan),
    totalHeight: count * rowHeight,
    scrollToIndex,
  }
}

/**
 * React keys for the rows on screen, from the previous screen's (`previous`: row key → slot). A row
 * still on screen keeps its slot, so it is not rendered again; a row that comes takes the slot of a
 * row that went, so React rewrites that row's few attributes and texts in place instead of removing
 * one row's elements and building another's (a filter keystroke that changes the whole screen, a
 * scroll by a row). A new slot is the smallest one free.
 */
export function assignSlots(
  previous: ReadonlyMap<string, number>,
  keys: readonly string[],
): Map<string, number> {
  const next = new Map<string, number>()
  const used = new Set<number>()
  for (const key of keys) {
    const slot = previous.get(key)
    if (slot !== undefined && !next.has(key)) {
      next.set(key, slot)
      used.add(slot)
    }
  }
  const freed = [...previous.values()].filter((slot) => !used.has(slot)).sort((a, b) => a - b)
  let fresh = 0
  for (const key of keys) {
    if (next.has(key)) continue
    let slot = freed.shift()
    if (slot === undefined) {
      while (used.has(fresh)) fresh++
      slot = fresh++
    }
    next.set(key, slot)
    used.add(slot)
  }
  return next
}
