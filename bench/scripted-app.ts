import { afterAll, beforeAll } from 'vitest'
import type { Core } from '../src/main/core/core'
import { tempCore } from '../test/support/core'
import { closedPortCluster } from '../test/support/fake-inventory'
import { startLabBrowser, type LabBrowser } from '../test/support/lab-browser'

/**
 * The app in browser mode on a core without hosts, whose inventory the bench plays: `inventory.get`
 * answers `answer()` (held while it is a promise), and `emit` sends an inventory.changed event
 * through the core's own socket to every page, as the core does when a host is read.
 */
export function useScriptedApp() {
  let app: LabBrowser | undefined
  let core: Awaited<ReturnType<typeof tempCore>> | undefined
  let played: Core | undefined
  const listeners = new Set<(payload: unknown) => void>()
  let answer: () => unknown = () => ({ hosts: [], vms: [] })
  beforeAll(async () => {
    core = await tempCore(closedPortCluster)
    const real = core.core
    played = {
      ...real,
      call: (method, params) =>
        method === 'inventory.get' ? Promise.resolve(answer()) : real.call(method, params),
      subscribe(event, listener) {
        if (event !== 'inventory.changed') return real.subscribe(event, listener)
        const play = listener as (payload: unknown) => void
        listeners.add(play)
        return () => listeners.delete(play)
      },
    }
    app = await startLabBrowser({ core: played })
  })
  afterAll(async () => {
    await app?.close()
    await core?.cleanup()
  })
  return {
    app: () => app!,
    /** The played core, for a second server (another build of the window on the same core). */
    core: () => played!,
    answerWith(next: () => unknown) {
      answer = next
    },
    emit(payload: unknown) {
      for (const listener of listeners) listener(payload)
    },
  }
}
