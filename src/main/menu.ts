import type { MenuItemConstructorOptions } from 'electron'

/**
 * The application menu, as a plain template so tests can read it without Electron. Packaged builds
 * have no DevTools entry (nor its shortcut): Electron's 'viewMenu' role includes toggleDevTools, so
 * their View menu is listed item by item without it.
 */
export interface MenuOptions {
  packaged: boolean
  platform: NodeJS.Platform
  /** The OS language: the menu's own items follow it (the window has its own language setting). */
  locale: string
  checkForUpdates: () => void
}

const LABELS = {
  en: { view: 'View', help: 'Help', checkForUpdates: 'Check for Updates…' },
  fr: { view: 'Affichage', help: 'Aide', checkForUpdates: 'Rechercher une nouvelle version…' },
} as const

export function menuTemplate(options: MenuOptions): MenuItemConstructorOptions[] {
  const labels = options.locale.toLowerCase().startsWith('fr') ? LABELS.fr : LABELS.en
  const view: MenuItemConstructorOptions = options.packaged
    ? {
        label: labels.view,
        submenu: [
          { role: 'reload' },
          { role: 'forceReload' },
          { type: 'separator' },
          { role: 'resetZoom' },
          { role: 'zoomIn' },
          { role: 'zoomOut' },
          { type: 'separator' },
          { role: 'togglefullscreen' },
        ],
      }
    : { role: 'viewMenu' }
  return [
    { role: options.platform === 'darwin' ? 'appMenu' : 'fileMenu' },
    { role: 'editMenu' },
    view,
    { role: 'windowMenu' },
    {
      role: 'help',
      label: labels.help,
      submenu: [{ id: 'check-for-updates', label: labels.checkForUpdates, click: options.checkForUpdates }],
    },
  ]
}

/** Every role in a template, nested ones included (what the tests check). */
export function menuRoles(template: MenuItemConstructorOptions[]): string[] {
  return template.flatMap((item) => [
    ...(item.role ? [item.role] : []),
    ...(Array.isArray(item.submenu) ? menuRoles(item.submenu) : []),
  ])
}
