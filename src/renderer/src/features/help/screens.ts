import { registerScreen } from '../../screens/registry'

/** Presses a key on the window, as the user does (use-shortcuts.ts listens there). */
function press(init: KeyboardEventInit): void {
  window.dispatchEvent(new KeyboardEvent('keydown', { bubbles: true, cancelable: true, ...init }))
}

registerScreen({
  id: 'help',
  about: 'The help sheet: the keyboard shortcuts and About (version, links, where the log is), opened with ?',
  ready: '[data-testid="help-sheet"] [data-testid="help-shortcuts"]',
  async open(app) {
    app.select({ kind: 'config' })
    press({ key: '?' })
  },
  async close(app) {
    await app.click('[data-testid="help-close"]')
  },
})

registerScreen({
  id: 'jump',
  about: 'The Ctrl/Cmd+K jump box, listing the hosts and VMs that match what is typed (nothing typed: all)',
  ready: '[data-testid="jump-dialog"] [role="option"]',
  async open(app) {
    if (app.state().vms.length === 0) return 'no VM is known: the jump box would list hosts only'
    press({ key: 'k', ctrlKey: true })
  },
  async close(app) {
    await app.click('[data-testid="jump-close"]')
  },
})
