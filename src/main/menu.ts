import type { MenuItemConstructorOptions } from 'electron'
import type { MenuCommand } from '../shared/ipc'

/**
 * The application menu, as a plain template so tests can read it without Electron. It speaks the
 * window's language (the renderer tells main when it changes, and main rebuilds it): every item keeps
 * its Electron `role` — macOS's editing shortcuts and services depend on it — and gets a `label` from
 * the catalog below. Packaged builds have no DevTools entry (nor its shortcut): Electron's
 * 'viewMenu' role includes toggleDevTools, so the View menu is listed item by item.
 */
export type MenuLanguage = 'fr' | 'en'

export interface MenuOptions {
  packaged: boolean
  platform: NodeJS.Platform
  /** The window's language (until the window says, the OS language: see menuLanguage). */
  language: MenuLanguage
  checkForUpdates: () => void
  openLogFolder: () => void
  /** Asks the window to show one of its sheets (About, keyboard shortcuts). */
  command: (command: MenuCommand) => void
}

const EN = {
  app: 'Hyperdesk',
  about: 'About Hyperdesk',
  services: 'Services',
  hide: 'Hide Hyperdesk',
  hideOthers: 'Hide Others',
  unhide: 'Show All',
  quit: 'Quit Hyperdesk',
  file: 'File',
  close: 'Close Window',
  edit: 'Edit',
  undo: 'Undo',
  redo: 'Redo',
  cut: 'Cut',
  copy: 'Copy',
  paste: 'Paste',
  pasteAndMatchStyle: 'Paste and Match Style',
  delete: 'Delete',
  selectAll: 'Select All',
  view: 'View',
  reload: 'Reload',
  forceReload: 'Force Reload',
  toggleDevTools: 'Toggle Developer Tools',
  resetZoom: 'Actual Size',
  zoomIn: 'Zoom In',
  zoomOut: 'Zoom Out',
  togglefullscreen: 'Toggle Full Screen',
  window: 'Window',
  minimize: 'Minimize',
  zoom: 'Zoom',
  front: 'Bring All to Front',
  help: 'Help',
  shortcuts: 'Keyboard Shortcuts',
  openLogFolder: 'Open the Log Folder',
  checkForUpdates: 'Check for Updates…',
}
type MenuKey = keyof typeof EN

/** The catalog: a missing or extra French key fails the build. */
export const MENU_LABELS: Record<MenuLanguage, Record<MenuKey, string>> = {
  en: EN,
  fr: {
    app: 'Hyperdesk',
    about: 'À propos de Hyperdesk',
    services: 'Services',
    hide: 'Masquer Hyperdesk',
    hideOthers: 'Masquer les autres',
    unhide: 'Tout afficher',
    quit: 'Quitter Hyperdesk',
    file: 'Fichier',
    close: 'Fermer la fenêtre',
    edit: 'Édition',
    undo: 'Annuler',
    redo: 'Rétablir',
    cut: 'Couper',
    copy: 'Copier',
    paste: 'Coller',
    pasteAndMatchStyle: 'Coller et adapter le style',
    delete: 'Supprimer',
    selectAll: 'Tout sélectionner',
    view: 'Affichage',
    reload: 'Recharger',
    forceReload: 'Forcer le rechargement',
    toggleDevTools: 'Outils de développement',
    resetZoom: 'Taille réelle',
    zoomIn: 'Zoom avant',
    zoomOut: 'Zoom arrière',
    togglefullscreen: 'Plein écran',
    window: 'Fenêtre',
    minimize: 'Réduire',
    zoom: 'Agrandir',
    front: 'Tout ramener au premier plan',
    help: 'Aide',
    shortcuts: 'Raccourcis clavier',
    openLogFolder: 'Ouvrir le dossier des journaux',
    checkForUpdates: 'Rechercher une nouvelle version…',
  },
}

/** The OS locale's language for the menu, before the window has said its own. */
export function menuLanguage(locale: string): MenuLanguage {
  return locale.toLowerCase().startsWith('fr') ? 'fr' : 'en'
}

export function menuTemplate(options: MenuOptions): MenuItemConstructorOptions[] {
  const l = MENU_LABELS[options.language]
  const mac = options.platform === 'darwin'
  const role = (
    name: MenuKey & NonNullable<MenuItemConstructorOptions['role']>,
  ): MenuItemConstructorOptions => ({
    role: name,
    label: l[name],
  })
  const separator: MenuItemConstructorOptions = { type: 'separator' }
  const about: MenuItemConstructorOptions = {
    id: 'about',
    label: l.about,
    click: () => options.command('about'),
  }
  const first: MenuItemConstructorOptions = mac
    ? {
        role: 'appMenu',
        label: l.app,
        submenu: [
          about,
          separator,
          { role: 'services', label: l.services },
          separator,
          role('hide'),
          role('hideOthers'),
          role('unhide'),
          separator,
          role('quit'),
        ],
      }
    : { role: 'fileMenu', label: l.file, submenu: [role('quit')] }
  const edit: MenuItemConstructorOptions = {
    role: 'editMenu',
    label: l.edit,
    submenu: [
      role('undo'),
      role('redo'),
      separator,
      role('cut'),
      role('copy'),
      role('paste'),
      ...(mac ? [role('pasteAndMatchStyle')] : []),
      role('delete'),
      separator,
      role('selectAll'),
    ],
  }
  const view: MenuItemConstructorOptions = {
    label: l.view,
    submenu: [
      role('reload'),
      role('forceReload'),
      ...(options.packaged ? [] : [role('toggleDevTools')]),
      separator,
      role('resetZoom'),
      role('zoomIn'),
      role('zoomOut'),
      separator,
      role('togglefullscreen'),
    ],
  }
  const window: MenuItemConstructorOptions = {
    role: 'windowMenu',
    label: l.window,
    submenu: mac
      ? [role('minimize'), role('zoom'), separator, role('front')]
      : [role('minimize'), role('close')],
  }
  const help: MenuItemConstructorOptions = {
    role: 'help',
    label: l.help,
    submenu: [
      { id: 'shortcuts', label: l.shortcuts, click: () => options.command('shortcuts') },
      { id: 'open-log-folder', label: l.openLogFolder, click: options.openLogFolder },
      { id: 'check-for-updates', label: l.checkForUpdates, click: options.checkForUpdates },
      ...(mac ? [] : [separator, about]),
    ],
  }
  return [first, edit, view, window, help]
}

/** Every role in a template, nested ones included (what the tests check). */
export function menuRoles(template: MenuItemConstructorOptions[]): string[] {
  return template.flatMap((item) => [
    ...(item.role ? [item.role] : []),
    ...(Array.isArray(item.submenu) ? menuRoles(item.submenu) : []),
  ])
}

/** Every item of a template, nested ones included, separators left out. */
export function menuItems(template: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return template.flatMap((item) => [
    ...(item.type === 'separator' ? [] : [item]),
    ...(Array.isArray(item.submenu) ? menuItems(item.submenu) : []),
  ])
}
