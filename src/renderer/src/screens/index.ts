import { setLanguage, type Language } from '../i18n'
import { useAppStore } from '../store'
import { registeredScreens, type ScreenApp } from './registry'
// Each feature registers its screens in its own screens.ts; a new feature adds one line here.
import '../features/cluster/screens'
import '../features/hosts/screens'
import '../features/vm/screens'
import '../features/storage/screens'
import '../features/ceph/screens'
import '../features/migration/screens'
import '../features/maintenance/screens'
import '../features/console/screens'
import '../features/jobs/screens'
import '../features/vmdef/screens'
import '../features/help/screens'
import '../features/ovh/screens'

export { registerScreen, registeredScreens, type Screen, type ScreenApp } from './registry'

const WAIT_MS = 15_000

function visible(element: Element): element is HTMLElement {
  return element instanceof HTMLElement && element.checkVisibility({ visibilityProperty: true })
}

async function shown(selector: string): Promise<HTMLElement> {
  const end = performance.now() + WAIT_MS
  for (;;) {
    const found = [...document.querySelectorAll(selector)].find(visible)
    if (found) return found
    if (performance.now() > end) throw new Error(`nothing shown matches ${selector} after ${WAIT_MS} ms`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

const app: ScreenApp = {
  state: () => useAppStore.getState(),
  select: (view) => useAppStore.getState().select(view),
  shown,
  async click(selector) {
    ;(await shown(selector)).click()
  },
}

/** What the walk test calls in the page (`window.hyperdeskScreens`). */
export interface ScreenWalker {
  list(): { id: string; about: string; ready: string; needs?: string }[]
  /** Opens a screen and waits until it is ready; throws with the reason when it cannot be shown. */
  open(id: string): Promise<void>
  close(id: string): Promise<void>
  /** Switches the window's language as the header's menu does (or to the pseudo-locale). */
  language(language: Language): Promise<void>
}

function screen(id: string) {
  const found = registeredScreens().find((candidate) => candidate.id === id)
  if (!found) throw new Error(`no screen ${id}`)
  return found
}

/**
 * Lets the walk test (test/lab/ui-walk.test.ts) list and open the registered screens. It opens only
 * what a user could, so exposing it in the page adds no power.
 */
export function exposeScreens(): void {
  const walker: ScreenWalker = {
    list: () => registeredScreens().map(({ id, about, ready, needs }) => ({ id, about, ready, needs })),
    async open(id) {
      const target = screen(id)
      const why = await target.open(app)
      if (why) throw new Error(`screen ${id} (${target.about}) cannot be shown: ${why}`)
      await shown(target.ready)
    },
    async close(id) {
      await screen(id).close?.(app)
    },
    async language(language) {
      // Not chooseLanguage: a walk must fail loudly when a language cannot be loaded.
      useAppStore.getState().setLanguage(language)
      await setLanguage(language)
    },
  }
  ;(window as unknown as { hyperdeskScreens: ScreenWalker }).hyperdeskScreens = walker
}
