import type { MenuItemConstructorOptions } from 'electron'
import { describe, expect, it } from 'vitest'
import {
  MENU_LABELS,
  menuItems,
  menuLanguage,
  menuRoles,
  menuTemplate,
  type MenuOptions,
} from '../../src/main/menu'
import { checkLanguage } from '../../src/main/ipc-guard'

/** The Electron menu in the window's language (issue 18 item 6), DevTools only in development builds. */

function template(overrides: Partial<MenuOptions> = {}): {
  menu: MenuItemConstructorOptions[]
  asked: string[]
} {
  const asked: string[] = []
  const menu = menuTemplate({
    packaged: true,
    platform: 'linux',
    language: 'en',
    checkForUpdates: () => asked.push('updates'),
    openLogFolder: () => asked.push('log'),
    command: (command) => asked.push(command),
    ...overrides,
  })
  return { menu, asked }
}

const byId = (menu: MenuItemConstructorOptions[], id: string) =>
  menuItems(menu).find((item) => item.id === id)

describe('application menu', () => {
  for (const platform of ['linux', 'darwin', 'win32'] as const) {
    it(`${platform}: every item is labelled in both languages, and the roles are the same in both`, () => {
      const en = template({ platform, language: 'en' }).menu
      const fr = template({ platform, language: 'fr' }).menu
      // The roles (macOS editing shortcuts, services…) do not depend on the language.
      expect(menuRoles(fr)).toEqual(menuRoles(en))
      for (const [menu, labels] of [
        [en, MENU_LABELS.en],
        [fr, MENU_LABELS.fr],
      ] as const) {
        const items = menuItems(menu)
        // Every item has a label from that language's catalog: none is left to Electron's English.
        for (const item of items) {
          expect(item.label, JSON.stringify(item.role ?? item.id)).toBeDefined()
          expect(Object.values(labels)).toContain(item.label)
        }
        // A role's label is the catalog entry of that role.
        for (const item of items.filter((entry) => entry.role && entry.role in labels))
          expect(item.label).toBe(labels[item.role as keyof typeof labels])
      }
      const englishLabels = menuItems(en).map((item) => item.label)
      const frenchLabels = menuItems(fr).map((item) => item.label)
      // The French menu is French: only the product's name and "Services" read the same.
      const same = englishLabels.filter((label, index) => label === frenchLabels[index])
      expect(new Set(same)).toEqual(new Set(platform === 'darwin' ? ['Hyperdesk', 'Services'] : []))
    })
  }

  it('the French menu, as the user reads it (Linux)', () => {
    const { menu } = template({ language: 'fr' })
    expect(menu.map((item) => item.label)).toEqual(['Fichier', 'Édition', 'Affichage', 'Fenêtre', 'Aide'])
    expect(menu.map((item) => item.role)).toEqual(['fileMenu', 'editMenu', undefined, 'windowMenu', 'help'])
    const edit = menu[1]!.submenu as MenuItemConstructorOptions[]
    expect(edit.filter((item) => item.role).map((item) => [item.role, item.label])).toEqual([
      ['undo', 'Annuler'],
      ['redo', 'Rétablir'],
      ['cut', 'Couper'],
      ['copy', 'Copier'],
      ['paste', 'Coller'],
      ['delete', 'Supprimer'],
      ['selectAll', 'Tout sélectionner'],
    ])
    const help = menu[4]!.submenu as MenuItemConstructorOptions[]
    expect(help.filter((item) => item.label).map((item) => item.label)).toEqual([
      'Raccourcis clavier',
      'Ouvrir le dossier des journaux',
      'Rechercher une nouvelle version…',
      'À propos de Hyperdesk',
    ])
  })

  it('macOS keeps its app menu with About, Services, Hide and Quit, and the editing roles', () => {
    const { menu } = template({ platform: 'darwin', language: 'fr' })
    expect(menu[0]!.role).toBe('appMenu')
    expect(menuRoles(menu)).toEqual(
      expect.arrayContaining([
        'services',
        'hide',
        'hideOthers',
        'unhide',
        'quit',
        'pasteAndMatchStyle',
        'front',
      ]),
    )
    expect(byId(menu, 'about')?.label).toBe('À propos de Hyperdesk')
  })

  it('packaged builds have no DevTools entry; development builds do', () => {
    for (const language of ['en', 'fr'] as const) {
      const packaged = template({ packaged: true, language }).menu
      expect(menuRoles(packaged)).not.toContain('toggleDevTools')
      // Electron's viewMenu role would bring toggleDevTools back.
      expect(menuRoles(packaged)).not.toContain('viewMenu')
      expect(menuRoles(packaged)).toContain('reload')
      const dev = template({ packaged: false, language }).menu
      expect(menuRoles(dev)).toContain('toggleDevTools')
    }
  })

  it('Help items: shortcuts and About ask the window, the log folder and the update check ask main', () => {
    const { menu, asked } = template({ language: 'fr' })
    for (const id of ['shortcuts', 'open-log-folder', 'check-for-updates', 'about'])
      (byId(menu, id)?.click as (() => void) | undefined)?.()
    expect(asked).toEqual(['shortcuts', 'log', 'updates', 'about'])
  })

  it('the language: the OS locale first, then only what the window says, validated', () => {
    expect(menuLanguage('fr-FR')).toBe('fr')
    expect(menuLanguage('fr')).toBe('fr')
    expect(menuLanguage('en-GB')).toBe('en')
    expect(menuLanguage('de-DE')).toBe('en')
    expect(checkLanguage('fr')).toBe('fr')
    expect(checkLanguage('en')).toBe('en')
    for (const bad of ['FR', 'fr-FR', 'pseudo', '', null, undefined, 42, { toString: () => 'fr' }, ['fr']])
      expect(checkLanguage(bad)).toBeNull()
  })
})
