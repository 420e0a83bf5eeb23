import { hostHealth } from '../../../../shared/host-health'
import type { HostState } from '../../../../shared/hosts'
import { registerScreen, type ScreenApp } from '../../screens/registry'

/** Selects the first host in that state and returns its name, or why there is none. */
export function selectHost(
  app: ScreenApp,
  kind: string,
  test: (state: HostState) => boolean = (state) => hostHealth(state).status === 'online',
): { host: string } | string {
  const host = Object.values(app.state().hostStates).find(test)
  if (!host) return `no host is ${kind}`
  app.select({ kind: 'host', host: host.name })
  return { host: host.name }
}

const reason = (found: { host: string } | string) => (typeof found === 'string' ? found : undefined)

registerScreen({
  id: 'host-online',
  about: 'A host online with a clean doctor report, its graphs and VMs',
  ready: '[data-testid="doctor-checks"]',
  async open(app) {
    return reason(selectHost(app, 'online with a clean doctor'))
  },
})

registerScreen({
  id: 'host-offline',
  about: 'A host the app cannot reach, with why and what to do',
  ready: '[data-testid="host-error"]',
  async open(app) {
    return reason(selectHost(app, 'offline', (state) => state.status === 'offline'))
  },
})

registerScreen({
  id: 'host-doctor-failing',
  about: 'A host reached over SSH whose doctor found a failure, with the fixes',
  ready: '[data-testid="doctor-checks"] [data-level="fail"]',
  async open(app) {
    return reason(
      selectHost(
        app,
        'failing its doctor',
        (state) =>
          state.status === 'online' && !!state.doctor?.checks.some((check) => check.level === 'fail'),
      ),
    )
  },
})
