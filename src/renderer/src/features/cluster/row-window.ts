import { useCallback, useEffect, useState, type RefObject } from 'react'

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
 * a render (that would force a layout of the whole window in the middle of the first paint); until
 * its first report, the window's height stands in.
 */
export function useRowWindow(
  scroller: RefObject<HTMLElement | null>,
  count: number,
  rowHeight: number,
  overscan: number,
): RowWindow {
  const [shown, setShown] = useState<Shown>(() => ({ first: 0, height: window.innerHeight }))
  useEffect(() => {
    const element = scroller.current
    if (!element) return undefined
    // Same values, same object: React then skips the render.
    const update = () =>
      setShown((previous) => {
        const first = Math.floor(element.scrollTop / rowHeight)
        const height = element.clientHeight
        return previous.first === first && previous.height === height ? previous : { first, height }
      })
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
