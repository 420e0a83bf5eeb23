import { z } from 'zod'
import { ApiErrorDataSchema } from './errors'
import { MessageSchema } from './messages/message'

/**
 * The cluster as the app sees it: each host's facts and domains, and each VM across hosts with the
 * dangers the runbook leaves to memory. Shared by the core (which builds it) and the UI (which shows it).
 */

export const DOMAIN_STATES = [
  'running',
  'blocked',
  'paused',
  'shutdown',
  'shutoff',
  'crashed',
  'pmsuspended',
  'nostate',
] as const
export const DomainStateSchema = z.enum(DOMAIN_STATES)
export type DomainState = z.infer<typeof DomainStateSchema>

export const DiskSchema = z.object({
  device: z.enum(['disk', 'cdrom', 'floppy', 'lun']),
  target: z.string(),
  bus: z.string().optional(),
  /** RBD pool/image (and namespace, Nautilus and later) when the disk is on Ceph. */
  rbd: z
    .object({
      pool: z.string(),
      namespace: z.string().optional(),
      image: z.string(),
      snapshot: z.string().optional(),
      /** The monitors named in <source><host/>, when the definition names them. */
      monitors: z.array(z.object({ name: z.string(), port: z.number().optional() })).optional(),
      /** <auth>: inside <source> (libvirt 3.9 and later) or inside <disk> (older). */
      auth: z
        .object({
          username: z.string(),
          secretUuid: z.string().optional(),
          secretUsage: z.string().optional(),
        })
        .optional(),
    })
    .optional(),
  /** A volume of a libvirt storage pool (<disk type='volume'>): what backs it is known only on the host. */
  volume: z.object({ pool: z.string(), volume: z.string() }).optional(),
  /** Another network protocol (iscsi, nbd, http, gluster…): never shared RBD storage. */
  network: z.object({ protocol: z.string(), name: z.string().optional() }).optional(),
  /** A local file (ISO, qcow2). */
  file: z.string().optional(),
  /**
   * A local disk's format (<driver type>) when it is one that can sit on backing files (qcow2, qed,
   * vmdk): before a start the host reads the chain its header names (a missing file fails the start).
   */
  layeredFormat: z.string().optional(),
  /**
   * The backing chain the definition itself gives (<backingStore>, used by libvirt instead of the
   * image's header): its files on the host's disk, outermost first, and whether it is complete (an
   * empty <backingStore/>, or shared storage, ends it); if not, libvirt reads the rest from the
   * last file's header.
   */
  backingStore: z
    .object({
      files: z.array(z.object({ file: z.string(), format: z.string().optional() })),
      complete: z.boolean(),
    })
    .optional(),
  readonly: z.boolean(),
  /** <driver error_policy>: 'stop' pauses the guest on a write error (a fenced copy stops, issue 15). */
  errorPolicy: z.string().optional(),
})
export type Disk = z.infer<typeof DiskSchema>

export const NicSchema = z.object({
  mac: z.string(),
  type: z.string(),
  bridge: z.string().optional(),
  network: z.string().optional(),
  model: z.string().optional(),
  target: z.string().optional(),
})
export type Nic = z.infer<typeof NicSchema>

export const GraphicsSchema = z.object({
  type: z.string(),
  /** Live port, when the domain runs; -1 or absent when autoport and not running. */
  port: z.number().optional(),
  autoport: z.boolean(),
  listen: z.string().optional(),
  keymap: z.string().optional(),
})

export const DomainDefinitionSchema = z.object({
  name: z.string(),
  uuid: z.string(),
  type: z.string(),
  memoryKiB: z.number(),
  currentMemoryKiB: z.number(),
  vcpus: z.number(),
  cpuModel: z.string().optional(),
  /**
   * Files on the host's own disk QEMU opens when it starts the VM: `<os>`'s kernel, initrd, dtb and
   * loader (firmware), in that order. Not `<nvram>`: libvirt creates it per host from its template.
   */
  bootFiles: z.array(z.string()).optional(),
  disks: z.array(DiskSchema),
  nics: z.array(NicSchema),
  graphics: z.array(GraphicsSchema),
  serials: z.array(z.object({ type: z.string(), path: z.string().optional() })),
  /** Hyperdesk's own settings kept in the definition so they sync with it (failover IP, keyboard layout…). */
  hyperdesk: z.record(z.string(), z.string()),
})
export type DomainDefinition = z.infer<typeof DomainDefinitionSchema>

export const HostFactsSchema = z.object({
  hostname: z.string().optional(),
  cpuModel: z.string().optional(),
  cpus: z.number().optional(),
  mhz: z.number().optional(),
  memoryTotalKiB: z.number().optional(),
  memoryFreeKiB: z.number().optional(),
  libvirtVersion: z.string().optional(),
  hypervisorVersion: z.string().optional(),
})
export type HostFacts = z.infer<typeof HostFactsSchema>

/** One domain as one host sees it. */
export const DomainOnHostSchema = z.object({
  uuid: z.string(),
  name: z.string(),
  state: DomainStateSchema,
  /** libvirt's reason code for the state (domstats state.reason), e.g. 2 = paused for migration. */
  stateReason: z.number().optional(),
  vcpus: z.number().optional(),
  memoryKiB: z.number().optional(),
  autostart: z.boolean(),
  managedSave: z.boolean(),
  /** VNC/SPICE TCP port on the host's loopback, when running. */
  displayPort: z.number().optional(),
  /** Canonical inactive definition, for drift checks (see canonicalDomainXml). */
  definitionHash: z.string().optional(),
  definition: DomainDefinitionSchema.optional(),
  /** Why the definition could not be read (a truncated or broken XML): the VM then has no known disks. */
  definitionError: z.optional(ApiErrorDataSchema),
})
export type DomainOnHost = z.infer<typeof DomainOnHostSchema>

export const HostInventorySchema = z.object({
  host: z.string(),
  /** false when the last refresh could not reach the host: its domains are then unknown, not absent. */
  reachable: z.boolean(),
  /** Why, in English (logs); the window shows `errorText`, in its language. */
  error: z.string().optional(),
  errorText: z.optional(MessageSchema),
  /** When the app first found it unreachable (kept until it answers again); its domains are then its last report. */
  unreachableSince: z.number().optional(),
  facts: HostFactsSchema,
  domains: z.array(DomainOnHostSchema),
  refreshedAt: z.number(),
})
export type HostInventory = z.infer<typeof HostInventorySchema>

export const VM_FLAGS = [
  'running-twice',
  'uuid-mismatch',
  'autostart-multiple',
  'managed-save',
  'drift',
  'not-defined-everywhere',
  'host-unknown',
] as const
export const VmFlagSchema = z.enum(VM_FLAGS)
export type VmFlag = z.infer<typeof VmFlagSchema>

/** One VM across the cluster. */
export const VmSchema = z.object({
  uuid: z.string(),
  name: z.string(),
  /** Hosts where it runs (more than one is the split-brain the app must prevent). */
  runningOn: z.array(z.string()),
  /** Unreachable hosts where it was running when last asked: it may still run there. */
  lastKnownRunningOn: z.array(z.string()),
  /**
   * Hosts where a copy was fenced (its Ceph clients blocklisted): not a copy to choose from, but one
   * to destroy once its host answers (fencing.ts).
   */
  fencedOn: z.array(z.string()).optional(),
  definedOn: z.array(z.string()),
  /** Reachable hosts where it is not defined. */
  missingOn: z.array(z.string()),
  /** Hosts that could not be asked. */
  unknownOn: z.array(z.string()),
  flags: z.array(VmFlagSchema),
})
export type Vm = z.infer<typeof VmSchema>

/** A sample for the live graphs: CPU% comes from two samples' cpuTimeNs over their times. */
export const VmStatsSchema = z.object({
  at: z.number(),
  /** Total guest CPU time (cpu.time), in nanoseconds. */
  cpuTimeNs: z.number(),
  vcpus: z.number(),
  /** Memory the guest has (balloon.current). */
  memoryKiB: z.number().optional(),
  /** Host memory used by its QEMU (balloon.rss). */
  rssKiB: z.number().optional(),
})
export type VmStats = z.infer<typeof VmStatsSchema>
