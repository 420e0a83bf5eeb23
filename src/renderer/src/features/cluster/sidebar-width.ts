/** The tree's width in pixels: at least what a host row with its status needs, at most 560. */
export const SIDEBAR_WIDTH = { min: 240, default: 300, max: 560 } as const
const STORAGE_KEY = 'hyperdesk.sidebarWidth'

/** A width within bounds, leaving the main pane at least 480 px of a window `windowWidth` wide. */
export function clampSidebarWidth(width: number, windowWidth: number): number {
  const max = Math.max(SIDEBAR_WIDTH.min, Math.min(SIDEBAR_WIDTH.max, windowWidth - 480))
  return Math.round(
    Math.min(max, Math.max(SIDEBAR_WIDTH.min, Number.isFinite(width) ? width : SIDEBAR_WIDTH.default)),
  )
}

export function savedSidebarWidth(): number {
  const saved = Number(localStorage.getItem(STORAGE_KEY))
  return saved > 0 ? clampSidebarWidth(saved, window.innerWidth) : SIDEBAR_WIDTH.default
}

export function saveSidebarWidth(width: number): void {
  localStorage.setItem(STORAGE_KEY, String(width))
}
