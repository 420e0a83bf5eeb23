import type { z } from 'zod'
import type { methods, MethodName, MethodResult } from '../../shared/contract'
import type { DoctorReport } from '../../shared/hosts'
import type { ConfigStore } from './config/config-store'
import type { ByteStreams } from './console/byte-streams'
import type { Consoles } from './console/consoles'
import type { setStopErrorPolicy } from './definitions/error-policy'
import type { Definitions } from './definitions/sync'
import type { VmCloner } from './vmdef/clone'
import type { VmCreator } from './vmdef/create'
import type { DeleteDeps } from './vmdef/delete'
import type { IsoUploads } from './vmdef/iso-upload'
import type { CoreEvents } from './events'
import type { HostErrorLog } from './hosts/host-errors'
import type { InventoryService } from './inventory/inventory-service'
import type { JobContext, JobManager } from './jobs/job-manager'
import type { KeyedMutex } from './jobs/keyed-mutex'
import type { ClusterLease } from './lease/cluster-lease'
import type { Maintenance, MaintenanceOptions } from './maintenance/maintenance'
import type { Migration } from './migration/migrate'
import type { ReadOptions as OvhCredentialOptions } from './ovh/credentials'
import type { SecretBox } from './ovh/keychain'
import type { RemoteRunner } from './remote/runner'
import type { PoolOptions, HostPool } from './ssh/pool'
import type { StorageOps } from './storage/operations'
import type { UpdateChecker } from './updates/update-check'
import type { Fencing } from './vm/fencing'
import type { Lifecycle } from './vm/lifecycle'

/**
 * What the services see of the core: the engines that wiring.ts builds, once, and the options the
 * core was started with. Types only: engines never import this file (each declares the narrow
 * dependencies it uses), so the core has no import circle.
 */

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
  /**
   * How long one inventory read of a host may take before the host counts as unreachable (default
   * 20 s). Lab tests that freeze or cut a host on purpose shorten it: it is only a wait there.
   */
  inventoryRefreshTimeoutSeconds?: number
  /** The waits before each try to reopen a host's event stream (default 0.5, 1, 2, 5 then 10 s; tests). */
  inventoryEventReconnectMs?: readonly number[]
  /** Connection tuning (tests). */
  connection?: PoolOptions['connection']
  /** The release feed to check for a newer release (off when undefined). */
  updateFeedUrl?: string
  /** Maintenance polling and timeouts (tests). */
  maintenance?: MaintenanceOptions
  /** Where OVH credentials are read (default: the environment and ovh.conf as OVH's tools read them). */
  ovhCredentials?: OvhCredentialOptions
  /** The OS keychain (Electron's safeStorage, through the main process); absent in browser mode. */
  secretBox?: SecretBox
  /** How often OVH's tasks are polled (default 5 s; tests shorten it). */
  ovhTaskIntervalMs?: number
  /** Who this instance is in the cluster lease (default user@machine; tests run two instances). */
  leaseHolder?: string
  /** VM definitions: virsh define/undefine timeout on a host (default 30 s; tests shorten it). */
  vmdef?: { defineTimeoutSeconds?: number }
  /** ISO uploads: how long one waits for the window's next chunk (tests shorten it). */
  iso?: { idleTimeoutMs?: number }
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
  /** The cluster lease in Ceph: the same across app instances and workstations (lease/cluster-lease.ts). */
  readonly lease: ClusterLease
  /** Live migration (pre-checks, migrate, follow-ups), also for maintenance and the consoles. */
  readonly migration: Migration
  /** Definition drift and sync across hosts. */
  readonly definitions: Definitions
  /** error_policy='stop' on a VM's RBD disks, then synced to every host (definitions/error-policy.ts). */
  readonly errorPolicy: {
    setStop(uuid: string, job: JobContext): ReturnType<typeof setStopErrorPolicy>
  }
  /** RBD images and snapshots of the configured pools. */
  readonly storage: StorageOps
  /** Host maintenance: its plan and its one resumable job, recorded beside the cluster file. */
  readonly maintenance: Maintenance
  /** The release feed. */
  readonly updates: UpdateChecker
  /** Consoles and terminals: each opens a byte stream a client attaches to. */
  readonly consoles: Consoles
  readonly streams: ByteStreams
  /** VM creation (pre-checks, job, cleanup) and deletion across every host (vmdef/). */
  readonly vmdefs: { creator: VmCreator; cloner: VmCloner; deleteDeps: DeleteDeps }
  /** ISO uploads to every host's images pool (vmdef/iso-upload.ts). */
  readonly isoUploads: IsoUploads
  /** A VM's name for messages, from the inventory (its UUID when unknown). */
  vmName(uuid: string): string
}

export type Handler<M extends MethodName> = (
  params: z.output<(typeof methods)[M]['params']>,
) => Promise<MethodResult<M>>
export type Handlers = { [M in MethodName]: Handler<M> }
/** A service builds a slice of the handler map; the core is the union of its services. */
export type Service<M extends MethodName> = (context: CoreContext) => Pick<Handlers, M>
