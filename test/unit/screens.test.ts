import { describe, expect, it } from 'vitest'
import { registeredScreens } from '../../src/renderer/src/screens'

/**
 * The screen registry the browser walk (test/lab/ui-walk.test.ts) iterates: every screen issue 18
 * item 7 names is in it, once, with what the walk waits for.
 */
describe('screen registry', () => {
  const screens = registeredScreens()

  it('holds the screens the walk must cover, each once', () => {
    const ids = screens.map((screen) => screen.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids).toEqual(
      expect.arrayContaining([
        'tree',
        'vm',
        'host-online',
        'host-offline',
        'host-doctor-failing',
        'storage',
        'ceph',
        'migration-sheet',
        'maintenance-sheet',
        'vnc-console',
        'serial-console',
        'host-shell',
        'jobs',
        'cluster-file-errors',
        'force-off-dialog',
        'fence-sheet',
        'vm-create-wizard',
        'vm-delete-dialog',
      ]),
    )
  })

  it('says what each screen is and what shows it is ready', () => {
    for (const screen of screens) {
      expect(screen.about.length, screen.id).toBeGreaterThan(10)
      // The walk waits for a control the screen's own code marks, not for a piece of text.
      expect(screen.ready, screen.id).toMatch(/^\[data-testid/)
    }
  })
})
