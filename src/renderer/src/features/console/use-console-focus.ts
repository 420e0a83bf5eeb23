import { useEffect, type RefObject } from 'react'
import type { Api } from '../../api/client'

/**
 * While a console's own input (xterm's textarea, noVNC's canvas) has the keyboard, Electron's menu
 * accelerators must not take its keys. The screen's wrapper is not a control itself: it only hears
 * the focus of what the library put inside it (focusin/focusout bubble, focus/blur do not).
 */
export function useConsoleFocus(
  screen: RefObject<HTMLElement | null>,
  api: Pick<Api, 'setConsoleFocus'>,
): void {
  useEffect(() => {
    const element = screen.current
    if (!element) return
    const onIn = (): void => api.setConsoleFocus(true)
    const onOut = (): void => api.setConsoleFocus(false)
    element.addEventListener('focusin', onIn)
    element.addEventListener('focusout', onOut)
    return () => {
      element.removeEventListener('focusin', onIn)
      element.removeEventListener('focusout', onOut)
    }
  }, [screen, api])
}
