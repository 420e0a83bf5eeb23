import type { BrowserContext, Page, WebSocketRoute } from 'playwright-core'
import type { ClusterConfigInput } from '../../src/shared/config'
import { ApiError } from '../../src/shared/errors'
import type { HostState } from '../../src/shared/hosts'
import type { HostInventory, Vm } from '../../src/shared/inventory'
import type { Job } from '../../src/shared/jobs'
import { afterAll, beforeAll, expect } from 'vitest'
import { sampleCluster, tempCore } from './core'
import { startLabBrowser, type LabBrowser } from './lab-browser'

/**
 * A fake path to the screens that need VMs, without the lab: the page's WebSocket is routed through
 * Playwright to the real core, and only the answers to `inventory.get` and `hosts.list` are replaced —
 * web1 running on hv1 (online, so it offers maintenance), db1 last seen on hv3 (unreachable, so it
 * offers the fence sheet); the core's later inventory events and the faked hosts' state events are
 * dropped so the picture stays fixed. Used by the dialog, accessibility, desktop and VM-definition
 * e2e tests.
 */
export const UUID = '5b0c6a3e-1f2d-4c5b-9a8e-7d6c5b4a3f21'
export const UUID2 = '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0'

const vm: Vm = {
  uuid: UUID,
  name: 'web1',
  runningOn: ['hv1'],
  lastKnownRunningOn: [],
  definedOn: ['hv1', 'hv2'],
  missingOn: [],
  unknownOn: [],
  flags: [],
}
const host = (name: string, state: 'running' | 'shutoff'): HostInventory => ({
  host: name,
  reachable: true,
  facts: {},
  refreshedAt: Date.now(),
  domains: [{ uuid: UUID, name: 'web1', state, autostart: false, managedSave: false }],
})
const lost: Vm = {
  ...vm,
  uuid: UUID2,
  name: 'db1',
  runningOn: [],
  lastKnownRunningOn: ['hv3'],
  definedOn: ['hv1', 'hv3'],
}
const hv3: HostInventory = {
  host: 'hv3',
  reachable: false,
  unreachableSince: Date.now() - 60_000,
  facts: {},
  refreshedAt: Date.now(),
  domains: [{ uuid: UUID2, name: 'db1', state: 'running', autostart: false, managedSave: false }],
}
export const fakeInventory = { hosts: [host('hv1', 'running'), host('hv2', 'shutoff'), hv3], vms: [vm, lost] }
export const fakeHostStates: HostState[] = [
  { name: 'hv1', target: 'etalab@10.77.11.1:22', status: 'online', since: new Date().toISOString() },
]

/**
 * A cluster at scale for the tree (the render bench, the tree's e2e test): `perHost` VMs running on
 * each host (`<host>-app-001`…), each defined there only unless `edit` says otherwise, hosts with 75 %
 * of their memory used.
 */
export function scaleInventory(
  hostNames: readonly string[],
  perHost: number,
  edit: (vm: Vm) => Vm = (vm) => vm,
): { hosts: HostInventory[]; vms: Vm[] } {
  const uuidOf = (host: number, index: number) =>
    `${host.toString(16).padStart(8, '0')}-0000-4000-8000-${index.toString(16).padStart(12, '0')}`
  const vms: Vm[] = []
  const hosts = hostNames.map((name, h): HostInventory => {
    const domains = Array.from({ length: perHost }, (_, i) => {
      const one = edit({
        uuid: uuidOf(h, i),
        name: `${name}-app-${String(i + 1).padStart(3, '0')}`,
        runningOn: [name],
        lastKnownRunningOn: [],
        definedOn: [name],
        missingOn: [],
        unknownOn: [],
        flags: [],
      })
      vms.push(one)
      return {
        uuid: one.uuid,
        name: one.name,
        state: 'running' as const,
        autostart: true,
        managedSave: false,
      }
    })
    return {
      host: name,
      reachable: true,
      facts: { memoryTotalKiB: 256 * 1024 * 1024, memoryFreeKiB: 64 * 1024 * 1024 },
      domains,
      refreshedAt: Date.now(),
    }
  })
  return { hosts, vms }
}

/** What `routeInventory` fakes: the answers to inventory.get and hosts.list, and optionally more. */
export interface InventoryRoute {
  inventory?: unknown
  hostStates?: HostState[]
  /**
   * Drop the core's hosts.state events for the faked hosts (the picture stays fixed). Off when a test
   * wants the real core's states of its closed-port hosts to reach the page.
   */
  dropFakedHostStates?: boolean
  /**
   * A call answered here without reaching the core: return its value (or a promise of it), or
   * undefined to pass it on.
   */
  answer?(call: { method?: string; params?: unknown }): unknown
}

/**
 * Route the context's API socket to the real core, answering inventory.get and hosts.list with the
 * fakes (web1 and db1 by default); the core's later inventory events are dropped so its empty
 * inventory does not replace the one shown. Gives the route, for tests that send events themselves.
 */
export async function routeInventory(
  context: BrowserContext,
  options: InventoryRoute = {},
): Promise<() => WebSocketRoute> {
  const { inventory = fakeInventory, hostStates = fakeHostStates, dropFakedHostStates = true } = options
  let route: WebSocketRoute | undefined
  await context.routeWebSocket(/\/api$/, (ws) => {
    route = ws
    const real = ws.connectToServer()
    const replaced = new Map<number, unknown>()
    const answers: Record<string, unknown> = { 'inventory.get': inventory, 'hosts.list': hostStates }
    ws.onMessage((message) => {
      const parsed = JSON.parse(String(message)) as {
        kind: string
        id?: number
        method?: string
        params?: unknown
      }
      if (parsed.kind === 'call') {
        const value = options.answer?.(parsed)
        if (value instanceof Promise) {
          void value.then(
            (resolved) =>
              ws.send(JSON.stringify({ kind: 'result', id: parsed.id, ok: true, value: resolved })),
            (error: unknown) =>
              ws.send(
                JSON.stringify({
                  kind: 'result',
                  id: parsed.id,
                  ok: false,
                  error: ApiError.from(error).toData(),
                }),
              ),
          )
          return
        }
        if (value !== undefined)
          return ws.send(JSON.stringify({ kind: 'result', id: parsed.id, ok: true, value }))
        if (parsed.method! in answers) replaced.set(parsed.id!, answers[parsed.method!])
      }
      real.send(message)
    })
    real.onMessage((message) => {
      const parsed = JSON.parse(String(message)) as {
        kind: string
        id?: number
        ok?: boolean
        event?: string
        payload?: { name?: string }
      }
      // The picture stays fixed: the real (empty) inventory and the faked hosts' real states, which the
      // core sends after a sheet asked the closed-port hosts or a retry failed, are not passed on.
      if (parsed.kind === 'event' && parsed.event === 'inventory.changed') return
      if (
        dropFakedHostStates &&
        parsed.kind === 'event' &&
        parsed.event === 'hosts.state' &&
        hostStates.some((state) => state.name === parsed.payload?.name)
      )
        return
      if (parsed.kind === 'result' && parsed.ok && replaced.has(parsed.id!)) {
        const value = replaced.get(parsed.id!)
        replaced.delete(parsed.id!)
        return ws.send(JSON.stringify({ ...parsed, value }))
      }
      ws.send(message)
    })
  })
  return () => {
    if (!route) throw new Error('the page has not opened its API socket yet')
    return route
  }
}

/** The discard port: nothing listens there on these machines, so a connection is refused at once. */
export const CLOSED_PORT = 9

/**
 * sampleCluster with every host on a closed loopback port: whatever the sheets ask a host fails at
 * once, and nothing reaches the lab's addresses even when the lab is up.
 */
export const closedPortCluster: ClusterConfigInput = {
  ...sampleCluster,
  hosts: sampleCluster.hosts.map((host) => ({ ...host, address: '127.0.0.1', port: CLOSED_PORT })),
}

/**
 * For a test file: before all, a core on closedPortCluster and the app in browser mode on it; after
 * all, both stopped. `app()` is the running app.
 */
export function useClosedPortApp(): () => LabBrowser {
  let app: LabBrowser | undefined
  let core: Awaited<ReturnType<typeof tempCore>> | undefined
  beforeAll(async () => {
    core = await tempCore(closedPortCluster)
    app = await startLabBrowser(core)
  })
  afterAll(async () => {
    await app?.close()
    await core?.cleanup()
  })
  return () => {
    if (!app) throw new Error('the app is not started (useClosedPortApp runs in beforeAll)')
    return app
  }
}

/** A page opened by openFakeInventoryPage: its context, its uncaught errors, and its API socket's route. */
export interface FakeInventoryPage {
  context: BrowserContext
  page: Page
  errors: string[]
  /** The page's API socket, to push events (pushJob) as the core would. */
  socket: () => WebSocketRoute
}

/**
 * A page (own context) on the app with the fake inventory (or the route's own), in that locale, and its
 * uncaught errors. `height` is the viewport's (sheets need more than the default 800); `ready` is a test
 * id the page shows once the inventory is in (waited for up to 30 s).
 */
export async function openFakeInventoryPage(
  app: LabBrowser,
  locale: string,
  route: InventoryRoute = {},
  { height = 800, ready }: { height?: number; ready?: string } = {},
): Promise<FakeInventoryPage> {
  const context = await app.browser.newContext({ locale, viewport: { width: 1280, height } })
  const socket = await routeInventory(context, route)
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  await page.goto(app.server.url)
  if (ready) await expect.poll(() => page.getByTestId(ready).count(), { timeout: 30_000 }).toBeGreaterThan(0)
  return { context, page, errors, socket }
}

/** A job's update pushed to the page as the core sends it (the jobs.update event). */
export function pushJob(socket: () => WebSocketRoute, job: Job): void {
  socket().send(JSON.stringify({ kind: 'event', event: 'jobs.update', payload: job }))
}
