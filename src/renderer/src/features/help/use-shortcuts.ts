import { useEffect } from 'react'
import type { Api } from '../../api/client'
import { useAppStore } from '../../store'
import { shortcutOf } from './shortcuts'

/**
 * The app's shortcuts on the whole window: Ctrl/Cmd+K opens the jump box, F5 refreshes the hosts
 * and VMs (instead of reloading the page), ? opens the help sheet. A console that has the keyboard
 * keeps every key (its guest gets them), and a key already handled (a dialog's Escape) is left alone.
 */
export function useShortcuts(api: Api): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent): void => {
      if (event.defaultPrevented) return
      const target = event.target instanceof HTMLElement ? event.target : null
      if (target?.closest('.terminal-screen, .vnc-screen')) return
      const inField = !!target?.closest('input, textarea, select, [contenteditable="true"]')
      // Not {...event}: a KeyboardEvent's fields are getters on its prototype, which a spread drops.
      const { key, ctrlKey, metaKey, altKey } = event
      const action = shortcutOf({ key, ctrlKey, metaKey, altKey, inField })
      if (!action) return
      event.preventDefault()
      const store = useAppStore.getState()
      if (action === 'jump') store.openOverlay('jump')
      else if (action === 'help') store.openOverlay('help')
      else
        api.call('inventory.refresh', {}).catch(() => {
          // The refresh's own errors reach the hosts' status; a key press has nothing more to say.
        })
    }
    window.addEventListener('keydown', onKeyDown)
    return () => window.removeEventListener('keydown', onKeyDown)
  }, [api])
}
