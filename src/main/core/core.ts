import { z } from 'zod'
import {
  methods,
  isMethodName,
  type EventName,
  type MethodName,
  type MethodParams,
  type MethodResult,
} from '../../shared/contract'
import { ApiError } from '../../shared/errors'
import type { ConfigState } from '../../shared/contract'
import type { DoctorReport } from '../../shared/hosts'
import { ConfigStore } from './config/config-store'
import { runDoctor } from './doctor/doctor'
import { CoreEvents, type EventListener } from './events'
import { SshRunner, type RemoteRunner } from './remote/runner'
import { appService } from './services/app'
import { configService } from './services/config'
import { hostsService } from './services/hosts'
import { inventoryService } from './services/inventory'
import { jobsService } from './services/jobs'
import { vmService } from './services/vm'
import { migrationService } from './services/migration'
import { definitionsService } from './services/definitions'
import { consoleService } from './services/console'
import { ByteStreams, type AttachedStream, type StreamPeer } from './console/byte-streams'
import { Consoles } from './console/consoles'
import { storageService } from './services/storage'
import { cephService } from './services/ceph'
import { maintenanceService } from './services/maintenance'
import type { MaintenanceOptions } from './maintenance/maintenance'
import { Migration } from './migration/migrate'
import { Definitions } from './definitions/sync'
import { Rbd } from './ceph/rbd'
import { InventoryService } from './inventory/inventory-service'
import { JobManager } from './jobs/job-manager'
import { KeyedMutex } from './jobs/keyed-mutex'
import { audit } from './remote/audit'
import { Lifecycle } from './vm/lifecycle'
import { HostPool, type PoolOptions } from './ssh/pool'
import { HostErrorLog } from './hosts/host-errors'
import { Blocklist } from './ceph/blocklist'
import { Fencing } from './vm/fencing'
import { FenceStore } from './vm/fence-store'
import { WatcherRecorder } from './vm/watcher-recorder'
import { fencingService } from './services/fencing'

export interface CoreOptions {
  /** Path of the cluster file. */
  configPath: string
  /** Path of the OpenSSH client config (default ~/.ssh/config). */
  sshConfigPath?: string
  home?: string
  version: string
  /** Connect to every configured host as soon as the config is valid (default true). */
  autoConnect?: boolean
  /** Read-only known_hosts files after the user's (default /etc/ssh/ssh_known_hosts and ssh_known_hosts2). */
  globalKnownHostsFiles?: readonly string[]
  /** Periodic inventory refresh (default 15 s). */
  inventoryPollMs?: number
  /** Connection tuning (tests). */
  connection?: PoolOptions['connection']
  /** The release feed to check for a newer release (off when undefined). */
  updateFeedUrl?: string
  /** Maintenance polling and timeouts (tests). */
  maintenance?: MaintenanceOptions
}

/** What every service gets: shared state and the event bus. */
export interface CoreContext {
  readonly options: CoreOptions
  readonly events: CoreEvents
  readonly config: ConfigStore
  /** One SSH connection per configured host. */
  readonly hosts: HostPool
  /** Commands on the hosts: use this, never a raw channel. */
  readonly runner: RemoteRunner
  /** Each host's last failed remote commands (fed by the runner). */
  readonly hostErrors: HostErrorLog
  readonly doctor: { check(host: string): Promise<DoctorReport> }
  /** The live inventory of every host and VM. */
  readonly inventory: InventoryService
  readonly jobs: JobManager
  readonly lifecycle: Lifecycle
  /** Fencing a lost host before its VM starts elsewhere; the fenced copies when it comes back. */
  readonly fencing: Fencing
  /** One lock per VM UUID: start, shutdown, migration and sync of one VM never interleave. */
  readonly vmLocks: KeyedMutex
  /** Live migration (pre-checks, migrate, follow-ups), also for maintenance and the consoles. */
  readonly migration: Migration
  /** Definition drift and sync across hosts. */
  readonly definitions: Definitions
  /** Consoles and terminals: each opens a byte stream a client attaches to. */
  readonly consoles: Consoles
  readonly streams: ByteStreams
  /** A VM's name for messages, from the inventory (its UUID when unknown). */
  vmName(uuid: string): string
}

export type Handler<M extends MethodName> = (
  params: z.output<(typeof methods)[M]['params']>,
) => Promise<MethodResult<M>>
export type Handlers = { [M in MethodName]: Handler<M> }
/** A service builds a slice of the handler map; the core is the union of its services. */
export type Service<M extends MethodName> = (context: CoreContext) => Pick<Handlers, M>

/**
 * The core, as the transports see it: call a method by name with unchecked input, subscribe to events.
 * It never knows whether Electron IPC or the WebSocket bridge is calling.
 */
export interface Core {
  call(method: string, params: unknown): Promise<unknown>
  subscribe<E extends EventName>(event: E, listener: EventListener<E>): () => void
  /**
   * Binds a transport channel to a stream opened by a console method (by its single-use id);
   * undefined when the id is unknown, already used or closed.
   */
  attachStream(id: string, peer: StreamPeer): AttachedStream | undefined
  close(): Promise<void>
}

/** The typed face of a core, for code in the same process (tests, benchmarks). */
export function typedCall<M extends MethodName>(
  core: Core,
  method: M,
  params: MethodParams<M>,
): Promise<MethodResult<M>> {
  return core.call(method, params) as Promise<MethodResult<M>>
}

export async function createCore(options: CoreOptions): Promise<Core> {
  return (await createCoreWithContext(options)).core
}

/** The core and its services' shared context, for code in the same process (lab tests, benchmarks). */
export async function createCoreWithContext(
  options: CoreOptions,
): Promise<{ core: Core; context: CoreContext }> {
  const events = new CoreEvents()
  const config = new ConfigStore({
    path: options.configPath,
    ...(options.sshConfigPath ? { sshConfigPath: options.sshConfigPath } : {}),
    ...(options.home ? { home: options.home } : {}),
  })
  await config.load()

  const hosts: HostPool = new HostPool({
    ...(options.home ? { home: options.home } : {}),
    ...(options.globalKnownHostsFiles ? { globalKnownHostsFiles: options.globalKnownHostsFiles } : {}),
    ...(options.connection ? { connection: options.connection } : {}),
    onState: (state) => events.emit('hosts.state', state),
    onHostKeyPrompt: (prompt) => events.emit('hosts.hostKeyPrompt', prompt),
    onPassphrasePrompt: (prompt) => events.emit('hosts.passphrasePrompt', prompt),
    // The doctor runs at every (re)connection (its failure is already in the host's state); then the
    // inventory reads the host, choosing its path from the doctor's findings.
    onOnline: (host) =>
      void doctor
        .check(host)
        .catch(() => undefined)
        .finally(() => inventory.hostOnline(host)),
  })
  const hostErrors = new HostErrorLog((entry) => events.emit('hosts.error', entry))
  const runner = new SshRunner(
    hosts,
    () => {
      const ceph = config.requireConfig().ceph
      return { clientId: ceph.clientId, monitorTimeoutSeconds: ceph.monitorTimeoutSeconds }
    },
    (error) => hostErrors.record(error),
  )
  const doctor = {
    async check(host: string): Promise<DoctorReport> {
      const connection = hosts.get(host)
      const cluster = config.requireConfig()
      const report = await runDoctor(runner, connection, {
        user: connection.host.user,
        cephClientId: cluster.ceph.clientId,
        pools: cluster.pools,
      })
      connection.setDoctor(report)
      return report
    },
  }
  const hostNames = (): string[] =>
    config.current.status === 'ok' ? config.current.hosts.map((host) => host.name) : []
  const fenceStore = FenceStore.besideConfig(options.configPath)
  const inventory = new InventoryService({
    runner,
    events,
    hostNames,
    isFenced: (host, uuid) => fencing.isFenced(host, uuid),
    // Until the doctor has answered, assume a libvirt recent enough for domstats (1.2.8, 2014).
    hasDomstats: (host) =>
      hosts.list().find((state) => state.name === host)?.doctor?.capabilities.hasDomstats ?? true,
    ...(options.inventoryPollMs ? { pollIntervalMs: options.inventoryPollMs } : {}),
  })
  const jobs = new JobManager((job) => events.emit('jobs.update', job))
  // What every VM operation needs; one lock per VM shared by all of them.
  const vmDeps = {
    runner,
    inventory,
    vmLocks: new KeyedMutex(),
    hostNames,
    audit: (host: string, action: string, vm: string) => audit(runner, host, { action, vm }),
  }
  const { vmLocks } = vmDeps
  const cephClient = () => {
    const ceph = config.requireConfig().ceph
    return { clientId: ceph.clientId, monitorTimeoutSeconds: ceph.monitorTimeoutSeconds }
  }
  const recorder = new WatcherRecorder(runner, fenceStore, cephClient)
  const rbd = new Rbd(runner)
  const lifecycle: Lifecycle = new Lifecycle({
    ...vmDeps,
    rbd,
    isFenced: (host, uuid) => fencing.isFenced(host, uuid),
    started: (host, domain) => recorder.record(host, [domain]),
  })
  const blocklist = new Blocklist(runner, (host) => {
    const cluster = config.requireConfig()
    return {
      ...cephClient(),
      fenceClientId: cluster.ceph.fenceClientId,
      privilegedSudo: cluster.ceph.privilegedSudo,
      user: hosts.get(host).host.user,
      cephVersion: hosts.list().find((state) => state.name === host)?.doctor?.versions.ceph ?? undefined,
    }
  })
  const fencing: Fencing = new Fencing({
    ...vmDeps,
    rbd,
    blocklist,
    store: fenceStore,
    recorder,
    lifecycle,
    changed: (fences) => {
      events.emit('fencing.changed', fences)
      inventory.republish()
    },
  })
  // Every published inventory: record newly running VMs' Ceph clients; isolate fenced copies that came back.
  events.on('inventory.changed', ({ host }) => {
    recorder.observe(host)
    void fencing.onInventory(host)
  })
  const migration = new Migration({
    ...vmDeps,
    hostConfig: (name) =>
      config.current.status === 'ok' ? config.current.hosts.find((host) => host.name === name) : undefined,
    hostState: (name) => hosts.list().find((state) => state.name === name),
  })
  const definitions = new Definitions(vmDeps)
  const vmName = (uuid: string): string => inventory.vm(uuid)?.name ?? uuid
  const streams = new ByteStreams()
  const consoles = new Consoles({ hosts, runner, inventory, streams, vmName })
  const context: CoreContext = {
    options,
    events,
    config,
    hosts,
    runner,
    hostErrors,
    doctor,
    inventory,
    jobs,
    lifecycle,
    fencing,
    vmLocks,
    migration,
    definitions,
    consoles,
    streams,
    vmName,
  }

  // The pool follows the cluster file: on load and on every change.
  const applyConfig = (state: ConfigState) =>
    hosts.configure(
      {
        hosts: state.status === 'ok' ? state.hosts : [],
        ...(state.config?.ssh.knownHostsFile ? { knownHostsFile: state.config.ssh.knownHostsFile } : {}),
      },
      options.autoConnect ?? true,
    )
  await applyConfig(config.current)
  inventory.start()
  const stopFollowingConfig = events.on('config.changed', (state) => {
    void applyConfig(state)
    inventory.followHosts()
  })

  // Adding a service means adding it here; TypeScript refuses a contract method without a handler.
  const handlers: Handlers = {
    ...appService(context),
    ...configService(context),
    ...hostsService(context),
    ...inventoryService(context),
    ...vmService(context),
    ...fencingService(context),
    ...migrationService(context),
    ...definitionsService(context),
    ...jobsService(context),
    ...consoleService(context),
    ...storageService(context),
    ...cephService(context),
    ...maintenanceService(context),
  }

  const core: Core = {
    async call(method, params) {
      if (!isMethodName(method)) {
        throw new ApiError({
          code: 'api.unknown-method',
          message: `Unknown method ${JSON.stringify(method)}`,
        })
      }
      const spec = methods[method]
      const parsed = spec.params.safeParse(params ?? {})
      if (!parsed.success) {
        throw new ApiError({
          code: 'api.invalid-params',
          message: `Invalid parameters for ${method}: ${z.prettifyError(parsed.error)}`,
          step: method,
        })
      }
      const handler = handlers[method] as (params: unknown) => Promise<unknown>
      const result = await handler(parsed.data)
      // A result that breaks the contract is a bug in the core: say so rather than send it on.
      const checked = spec.result.safeParse(result)
      if (!checked.success) {
        throw new ApiError({
          code: 'internal.bad-result',
          message: `The core returned an invalid result for ${method}: ${z.prettifyError(checked.error)}`,
        })
      }
      return checked.data
    },
    subscribe(event, listener) {
      return events.on(event, listener)
    },
    attachStream(id, peer) {
      return streams.attach(id, peer)
    },
    async close() {
      stopFollowingConfig()
      streams.closeAll('the app is closing')
      inventory.stop()
      await hosts.close()
    },
  }
  return { core, context }
}
