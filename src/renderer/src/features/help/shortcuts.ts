/**
 * The app's own keyboard shortcuts, as the help sheet lists them (the keys are what is printed on the
 * keyboard, the same in both languages). use-shortcuts.ts handles the first three.
 */
export const SHORTCUTS = [
  { action: 'jump', keys: ['Ctrl+K'], mac: ['⌘K'] },
  { action: 'refresh', keys: ['F5'], mac: ['F5'] },
  { action: 'help', keys: ['?'], mac: ['?'] },
  { action: 'escape', keys: ['Esc'], mac: ['Esc'] },
  { action: 'treeKeys', keys: ['↑', '↓', '←', '→', 'Enter'], mac: ['↑', '↓', '←', '→', '↩'] },
] as const

export type ShortcutAction = 'jump' | 'refresh' | 'help'

/** Which app shortcut a key press is, if any. Typing in a field never opens help ("?" is a character). */
export function shortcutOf(event: {
  key: string
  ctrlKey: boolean
  metaKey: boolean
  altKey: boolean
  inField: boolean
}): ShortcutAction | null {
  const command = event.ctrlKey || event.metaKey
  if (command && !event.altKey && event.key.toLowerCase() === 'k') return 'jump'
  if (event.key === 'F5' && !command && !event.altKey) return 'refresh'
  if (event.key === '?' && !command && !event.altKey && !event.inField) return 'help'
  return null
}
