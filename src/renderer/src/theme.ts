import type { Theme } from './store'

const STORAGE_KEY = 'hyperdesk.theme'

export function initialTheme(): Theme {
  const saved = localStorage.getItem(STORAGE_KEY)
  return saved === 'light' || saved === 'dark' || saved === 'system' ? saved : 'system'
}

/** 'system' follows the OS through prefers-color-scheme in the stylesheet. */
export function applyTheme(theme: Theme): void {
  localStorage.setItem(STORAGE_KEY, theme)
  if (theme === 'system') delete document.documentElement.dataset.theme
  else document.documentElement.dataset.theme = theme
}
