import os from 'node:os'
import type { ConfigState } from '../../shared/contract'
import type { DoctorReport } from '../../shared/hosts'
import { FIREWALL_LEASE_NAME } from '../../shared/lease'
import type { MaintenanceRecord } from '../../shared/maintenance'
import { Blocklist } from './ceph/blocklist'
import { cephHosts } from './ceph/cluster'
import { Rbd } from './ceph/rbd'
import { ConfigStore } from './config/config-store'
import { ByteStreams } from './console/byte-streams'
import { Consoles } from './console/consoles'
import type { CoreContext, CoreOptions } from './context'
import { setStopErrorPolicy } from './definitions/error-policy'
import { Definitions } from './definitions/sync'
import { VmCloner } from './vmdef/clone'
import { VmCreator } from './vmdef/create'
import type { DeleteDeps } from './vmdef/delete'
import { IsoUploads } from './vmdef/iso-upload'
import { runDoctor } from './doctor/doctor'
import { CoreEvents } from './events'
import { HostErrorLog } from './hosts/host-errors'
import { InventoryService } from './inventory/inventory-service'
import { JobManager, type JobContext } from './jobs/job-manager'
import { KeyedMutex } from './jobs/keyed-mutex'
import { ClusterLease } from './lease/cluster-lease'
import { maintenanceBlocks } from './maintenance/block-moves'
import { Maintenance } from './maintenance/maintenance'
import { MaintenanceStore } from './maintenance/store'
import { Migration } from './migration/migrate'
import { ovhOf } from './ovh/access'
import { vmClaims } from './ovh/view'
import { coreFailoverView } from './services/ovh'
import { audit, localAdminName } from './remote/audit'
import { SshRunner } from './remote/runner'
import { HostPool } from './ssh/pool'
import { StorageOps } from './storage/operations'
import { UpdateChecker } from './updates/update-check'
import { FenceStore } from './vm/fence-store'
import { Fencing } from './vm/fencing'
import { Lifecycle } from './vm/lifecycle'
import { WatcherRecorder } from './vm/watcher-recorder'

/**
 * The core's one composition root: every engine is built here, once, from the options and each
 * other, and handed to the services as the context (context.ts). Engines take the narrow
 * dependencies they declare; only this file knows how they fit together.
 */

export interface WiredCore {
  context: CoreContext
  /** Stops following the cluster file, closes every stream, the inventory and the connections. */
  close(): Promise<void>
}

/** Builds the engines, then starts them: the pool follows the cluster file, the inventory polls. */
export async function wireCore(options: CoreOptions): Promise<WiredCore> {
  const events = new CoreEvents()
  const config = new ConfigStore({
    path: options.configPath,
    ...(options.sshConfigPath ? { sshConfigPath: options.sshConfigPath } : {}),
    ...(options.home ? { home: options.home } : {}),
  })
  await config.load()
  // At every (re)connection the inventory reads the host at once and the doctor runs after it (its
  // failure is already in the host's state): the doctor's Ceph probes take seconds, and the tree
  // waited for them. See readWhenOnline for how its findings may send the inventory back.
  const remote = wireRemote(
    options,
    events,
    config,
    (host) =>
      void readWhenOnline({
        // Looked up, never required: the host may leave the cluster file while its doctor runs.
        hasDomstats: () =>
          remote.hosts.list().find((state) => state.name === host)?.doctor?.capabilities.hasDomstats,
        doctor: () => remote.doctor.check(host),
        read: () => vms.inventory.hostOnline(host),
        readAgain: () => void vms.inventory.refreshHost(host),
      }),
  )
  const vms = wireVms(options, events, config, remote)
  const { hosts, hostErrors, runner, doctor } = remote
  const context: CoreContext = {
    options,
    events,
    config,
    hosts,
    hostErrors,
    runner,
    doctor,
    ...vms,
    storage: new StorageOps({
      runner,
      inventory: vms.inventory,
      vmLocks: vms.vmLocks,
      lease: vms.lease,
      hostStates: () => hosts.list(),
      hostNames: remote.hostNames,
      pools: () => config.requireConfig().pools,
      ceph: () => config.requireConfig().ceph,
      audit: (host, action) => audit(runner, host, { action }),
    }),
    maintenance: new Maintenance(
      {
        config,
        hosts,
        wholeIpFenced: () => vms.fencing.wholeIpFenced(),
        runner,
        inventory: vms.inventory,
        migration: vms.migration,
        jobs: vms.jobs,
        lease: vms.lease,
        // the VMs' failover blocks move through OVH the migration's way (one OvhAccess per core)
        blocks: maintenanceBlocks({
          ovh: () => ovhOf(context),
          view: (signal) => coreFailoverView(context, signal),
          claims: () => vmClaims(vms.inventory.snapshot()),
        }),
        emit: (record: MaintenanceRecord | null) => events.emit('maintenance.changed', { record }),
      },
      MaintenanceStore.besideConfig(options.configPath),
      options.maintenance ?? {},
    ),
    updates: new UpdateChecker({
      currentVersion: options.version,
      ...(options.updateFeedUrl ? { feedUrl: options.updateFeedUrl } : {}),
    }),
  }

  const stopFollowingConfig = await start(context)
  return {
    context,
    async close() {
      stopFollowingConfig()
      vms.streams.closeAll('the app is closing')
      vms.inventory.stop()
      // A job's lease release may still be running (close does not wait for jobs): let it end first.
      await vms.lease.releasesEnded()
      vms.lease.close()
      await hosts.close()
    },
  }
}

/** Connects the pool to the cluster file's hosts and starts the inventory; then follows every change. */
async function start({ options, events, config, hosts, inventory }: CoreContext): Promise<() => void> {
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
  return events.on('config.changed', (state) => {
    void applyConfig(state)
    inventory.followHosts()
  })
}

/**
 * How long the doctor waits for a host's read before it starts anyway (a host whose libvirt hangs is
 * read until the refresh's timeout: its diagnosis must not wait for that).
 */
export const DOCTOR_AFTER_READ_MS = 3000

/**
 * A host (re)connected: the inventory reads it at once and the doctor checks it once the read is done
 * (or after DOCTOR_AFTER_READ_MS): its probes (Ceph's command-line tools, seconds of CPU) would slow
 * the read the tree waits for, on the host and on the connection. The read's path depends on whether
 * libvirt has domstats: the host's last report says so, and without one (the first connection)
 * domstats is assumed (libvirt 1.2.8, 2014; docs/hosts.md asks for 5.0). When the doctor's new report
 * says otherwise, the inventory reads again through the other path.
 */
export async function readWhenOnline(
  host: {
    hasDomstats(): boolean | undefined
    doctor(): Promise<unknown>
    read(): Promise<unknown>
    readAgain(): void
  },
  doctorAfterMs = DOCTOR_AFTER_READ_MS,
): Promise<void> {
  const assumed = host.hasDomstats() ?? true
  const read = host.read().catch(() => undefined)
  let timer: NodeJS.Timeout | undefined
  await Promise.race([read, new Promise((resolve) => (timer = setTimeout(resolve, doctorAfterMs)))])
  clearTimeout(timer)
  await host.doctor().catch(() => undefined)
  if ((host.hasDomstats() ?? assumed) !== assumed) host.readAgain()
}

/** The connections to the hosts and what runs over them: the pool, the runner, the doctor. */
function wireRemote(
  options: CoreOptions,
  events: CoreEvents,
  config: ConfigStore,
  onOnline: (host: string) => void,
) {
  const hosts: HostPool = new HostPool({
    ...(options.home ? { home: options.home } : {}),
    ...(options.globalKnownHostsFiles ? { globalKnownHostsFiles: options.globalKnownHostsFiles } : {}),
    ...(options.connection ? { connection: options.connection } : {}),
    onState: (state) => events.emit('hosts.state', state),
    onHostKeyPrompt: (prompt) => events.emit('hosts.hostKeyPrompt', prompt),
    onPassphrasePrompt: (prompt) => events.emit('hosts.passphrasePrompt', prompt),
    onOnline,
  })
  const hostErrors = new HostErrorLog((entry) => events.emit('hosts.error', entry))
  const cephClient = () => {
    const ceph = config.requireConfig().ceph
    return { clientId: ceph.clientId, monitorTimeoutSeconds: ceph.monitorTimeoutSeconds }
  }
  const runner = new SshRunner(hosts, cephClient, (error) => hostErrors.record(error))
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
  return { hosts, hostErrors, runner, doctor, hostNames, cephClient }
}

// Over ~80 lines on purpose: VM engines in dependency order.
/** The inventory, the jobs and every engine that works on VMs, with one lock per VM shared by all. */
function wireVms(
  options: CoreOptions,
  events: CoreEvents,
  config: ConfigStore,
  remote: ReturnType<typeof wireRemote>,
) {
  const { hosts, runner, hostNames, cephClient } = remote
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
    ...(options.inventoryRefreshTimeoutSeconds
      ? { refreshTimeoutSeconds: options.inventoryRefreshTimeoutSeconds }
      : {}),
    ...(options.inventoryEventReconnectMs
      ? { eventReconnectDelaysMs: options.inventoryEventReconnectMs }
      : {}),
  })
  // A host the pool lost: its VMs show as last seen there at once, not at the next inventory poll.
  events.on('hosts.state', (state) => {
    if (state.status === 'offline') inventory.hostOffline(state.name)
  })
  const jobs = new JobManager((job) => events.emit('jobs.update', job))
  // The lease's rados never goes first through a host whose whole IP this app fenced (Ceph refuses it).
  const lease = leaseOf(options, config, remote, inventory, () => fencing.wholeIpFenced())
  // What every VM operation needs; one lock per VM shared by all of them.
  const vmDeps = {
    runner,
    inventory,
    lease,
    vmLocks: new KeyedMutex(),
    hostNames,
    audit: (host: string, action: string, vm: string) => audit(runner, host, { action, vm }),
  }
  const recorder = new WatcherRecorder(runner, fenceStore, cephClient)
  const rbd = new Rbd(runner)
  const lifecycle: Lifecycle = new Lifecycle({
    ...vmDeps,
    rbd,
    isFenced: (host, uuid) => fencing.isFenced(host, uuid),
    started: (host, domain, since) => recorder.recordStarted(host, domain, since),
  })
  const fencing: Fencing = new Fencing({
    ...vmDeps,
    rbd,
    blocklist: blocklistOf(config, remote),
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
  const vmdefDeps: DeleteDeps = {
    ...vmDeps,
    hostStates: () => hosts.list(),
    pools: () => config.requireConfig().pools,
    imagesPool: () => config.requireConfig().imagesPool,
    ceph: () => ({ clientId: config.requireConfig().ceph.clientId }),
    guestKeyboardLayout: () => config.requireConfig().guestKeyboardLayout,
    start: (uuid, host, job) => lifecycle.start({ uuid, host }, job),
    ovh: () => ovhOf({ options, config }),
    isFenced: (host, uuid) => fencing.isFenced(host, uuid),
    ...(options.vmdef?.defineTimeoutSeconds
      ? { defineTimeoutSeconds: options.vmdef.defineTimeoutSeconds }
      : {}),
  }
  const creator = new VmCreator(vmdefDeps)
  return {
    vmdefs: { creator, cloner: new VmCloner(vmdefDeps, creator), deleteDeps: vmdefDeps },
    isoUploads: new IsoUploads({
      runner,
      hostNames,
      hostStates: () => hosts.list(),
      imagesPool: () => config.requireConfig().imagesPool,
      ...(options.iso?.idleTimeoutMs ? { idleTimeoutMs: options.iso.idleTimeoutMs } : {}),
    }),
    inventory,
    jobs,
    vmLocks: vmDeps.vmLocks,
    lease,
    lifecycle,
    fencing,
    migration,
    definitions,
    errorPolicy: {
      setStop: (uuid: string, job: JobContext) => setStopErrorPolicy(vmDeps, definitions, uuid, job),
    },
    vmName,
    streams,
    consoles: new Consoles({
      hosts,
      runner,
      inventory,
      streams,
      vmName,
      guestKeyboardLayout: () => config.requireConfig().guestKeyboardLayout,
    }),
  }
}

/**
 * The cluster lease in Ceph, as this instance (options.leaseHolder, default user@machine): its
 * `rados` runs through online hosts, those with a readable keyring first, a whole-IP-fenced host last.
 */
function leaseOf(
  options: CoreOptions,
  config: ConfigStore,
  { runner, hosts, hostErrors }: ReturnType<typeof wireRemote>,
  inventory: InventoryService,
  wholeIpFenced: () => readonly string[],
) {
  const holder = options.leaseHolder ?? `${localAdminName()}@${os.hostname()}`
  return new ClusterLease(
    {
      runner,
      hosts: () => cephHosts({ config, hosts, wholeIpFenced }),
      pool: () => config.requireConfig().pools[0] ?? '',
      ceph: () => config.requireConfig().ceph,
      holder: () => holder,
      audit: (host, action) => audit(runner, host, { action }),
      connection: (host) => hosts.get(host),
      hostError: (error) => hostErrors.record(error),
    },
    (name) => {
      if (name.startsWith('vm:')) return inventory.vm(name.slice(3))?.name ?? name.slice(3)
      if (name.startsWith('image:')) return name.slice(6)
      if (name === FIREWALL_LEASE_NAME) return 'IPS_FAILOVER (the hosts’ firewall)'
      return name.slice(5)
    },
  )
}

/** Fencing's Ceph blocklist, with the fence client and the Ceph version the doctor found on each host. */
function blocklistOf(config: ConfigStore, { runner, hosts, cephClient }: ReturnType<typeof wireRemote>) {
  return new Blocklist(runner, (host) => {
    const cluster = config.requireConfig()
    return {
      ...cephClient(),
      fenceClientId: cluster.ceph.fenceClientId,
      privilegedSudo: cluster.ceph.privilegedSudo,
      user: hosts.get(host).host.user,
      cephVersion: hosts.list().find((state) => state.name === host)?.doctor?.versions.ceph ?? undefined,
    }
  })
}
