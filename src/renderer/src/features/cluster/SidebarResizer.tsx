import { useEffect, useState, type KeyboardEvent, type PointerEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { clampSidebarWidth, savedSidebarWidth, saveSidebarWidth, SIDEBAR_WIDTH } from './sidebar-width'

/**
 * The handle between the tree and the main pane: drag it, or focus it and use the arrow keys (Home
 * and End for the narrowest and widest). The width is remembered (localStorage) and applied as the
 * --sidebar-width variable on the layout.
 */
export function SidebarResizer() {
  const { t } = useTranslation()
  const [width, setWidth] = useState(savedSidebarWidth)

  useEffect(() => {
    document.documentElement.style.setProperty('--sidebar-width', `${width}px`)
    saveSidebarWidth(width)
  }, [width])

  function onPointerDown(event: PointerEvent<HTMLDivElement>): void {
    event.preventDefault()
    const handle = event.currentTarget
    handle.setPointerCapture(event.pointerId)
    const move = (moved: globalThis.PointerEvent): void =>
      setWidth(clampSidebarWidth(moved.clientX, window.innerWidth))
    const up = (): void => {
      handle.removeEventListener('pointermove', move)
      handle.removeEventListener('pointerup', up)
    }
    handle.addEventListener('pointermove', move)
    handle.addEventListener('pointerup', up)
  }

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>): void {
    const step = event.shiftKey ? 50 : 10
    const next =
      event.key === 'ArrowLeft'
        ? width - step
        : event.key === 'ArrowRight'
          ? width + step
          : event.key === 'Home'
            ? SIDEBAR_WIDTH.min
            : event.key === 'End'
              ? SIDEBAR_WIDTH.max
              : null
    if (next === null) return
    event.preventDefault()
    setWidth(clampSidebarWidth(next, window.innerWidth))
  }

  return (
    // A focusable separator is a widget (WAI-ARIA window splitter pattern): it takes the arrow keys.
    // eslint-disable-next-line jsx-a11y/no-noninteractive-element-interactions
    <div
      className="sidebar-resizer"
      role="separator"
      aria-orientation="vertical"
      aria-label={t('sidebarResize')}
      aria-valuenow={width}
      aria-valuemin={SIDEBAR_WIDTH.min}
      aria-valuemax={SIDEBAR_WIDTH.max}
      // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
      tabIndex={0}
      onPointerDown={onPointerDown}
      onKeyDown={onKeyDown}
      data-testid="sidebar-resizer"
    />
  )
}
