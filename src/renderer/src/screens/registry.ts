import type { AppState, View } from '../store'

/**
 * The registry of the window's screens: every view, sheet, dialog and panel a user can reach, with
 * how to reach it. The browser walk (test/lab/ui-walk.test.ts) opens each one in French, English and
 * the pseudo-locale; a screen registered here is walked without editing the test.
 *
 * To add a screen: in your feature's `screens.ts`, call
 *   registerScreen({ id: 'wizard', about: 'The new-VM wizard', ready: '[data-testid="vm-wizard"]',
 *     open: async (app) => { app.select({ kind: 'config' }); await app.click('[data-testid="new-vm"]') } })
 * and import that file from `screens/index.ts`. `open` uses only what a user could do (select a
 * view, click a control); it returns a sentence when the cluster has nothing to show there (no
 * offline host…), which fails the walk rather than skipping the screen.
 */
export interface Screen {
  /** Short and stable: screenshots are walk-<id>-fr.png / -en.png. */
  id: string
  /** What the screen is, for the people reading the registry and the walk's failures. */
  about: string
  /** A CSS selector shown once the screen is there with its content (the walk waits for it). */
  ready: string
  /**
   * The lab setup the screen needs, when it is not the walk's ordinary one (three hosts: online,
   * offline, failing doctor): `broken-cluster-file` — the cluster file has problems.
   */
  needs?: 'broken-cluster-file'
  /** Opens the screen; returns why it cannot be shown in this cluster (nothing to show). */
  open(app: ScreenApp): Promise<string | void>
  /** Closes what `open` opened on top of the main pane (a sheet, a dialog, a console tab). */
  close?(app: ScreenApp): Promise<void>
}

/** What `open` and `close` may do: what a user does, through the store and the page. */
export interface ScreenApp {
  /** The window's state now. */
  state(): AppState
  select(view: View): void
  /** Clicks the element this CSS selector finds once it is shown (waits up to 15 s). */
  click(selector: string): Promise<void>
  /** Waits until an element this CSS selector finds is shown (up to 15 s), and returns it. */
  shown(selector: string): Promise<HTMLElement>
}

const screens: Screen[] = []

export function registerScreen(screen: Screen): void {
  if (screens.some((existing) => existing.id === screen.id))
    throw new Error(`screen ${screen.id} is registered twice`)
  screens.push(screen)
}

export function registeredScreens(): readonly Screen[] {
  return screens
}
