import { z } from 'zod'
import { KeyboardLayoutSchema } from './keyboard'
import { CheckSchema } from './messages/check'
import {
  CoreIdSchema,
  freeText,
  HostNameSchema,
  Ipv4Schema,
  PoolNameSchema,
  SizeBytesSchema,
  SnapshotNameSchema,
  UuidSchema,
  VmNameSchema,
} from './validators'

/**
 * VM definitions across the cluster (issue 19): creating a VM as the runbook does it — an RBD image,
 * then the same definition with one UUID on every host — and deleting one. Shared by the core (jobs)
 * and the window (wizard, delete sheet).
 */

/**
 * A MAC address as libvirt writes it (lower-case, colons). Unicast only: the first octet's lowest bit
 * (multicast) must be clear, and 00:00:00:00:00:00 is not an address.
 */
export const MAC_PATTERN = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/
/** Which rule a MAC breaks (for the window's own words), or null when libvirt can take it. */
export type MacIssue = 'format' | 'multicast' | 'zero'
export function macIssue(mac: string): MacIssue | null {
  if (!MAC_PATTERN.test(mac)) return 'format'
  if (Number.parseInt(mac.slice(0, 2), 16) & 1) return 'multicast'
  if (mac === '00:00:00:00:00:00') return 'zero'
  return null
}
const MAC_PROBLEMS: Record<MacIssue, string> = {
  format: 'must be six hexadecimal pairs separated by ":" (02:00:00:12:34:56)',
  multicast: 'is a multicast address (the first byte is odd)',
  zero: 'is all zeroes',
}
export function macProblem(mac: string): string | null {
  const issue = macIssue(mac)
  return issue === null ? null : MAC_PROBLEMS[issue]
}
/** How users type MACs (capitals, dashes) → libvirt's form; the window normalises before sending. */
export function normaliseMac(value: string): string {
  return value.trim().toLowerCase().replace(/-/g, ':')
}
export const MacSchema = z
  .string()
  .superRefine((value, ctx) => {
    const problem = macProblem(value)
    if (problem) ctx.addIssue({ code: 'custom', message: `MAC address ${problem}` })
  })
  .meta({ validator: 'MAC address', example: '02:00:00:12:34:56' })

/** A Linux bridge on the hosts (br0): an interface name (IFNAMSIZ 15), one safe argument. */
export const BridgeNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,14}$/, 'must be a bridge interface name such as br0')
  .meta({ validator: 'bridge name', example: 'br0' })

/**
 * An ISO image on the hosts, by absolute path (the runbook's /var/lib/libvirt/images/…iso): no "..",
 * no spaces or quotes, nothing a command could read as an option.
 */
export const ISO_PATH_PATTERN = /^\/(?:[A-Za-z0-9_+.-]+\/)*[A-Za-z0-9_+-][A-Za-z0-9_+.-]*$/
export const IsoPathSchema = z
  .string()
  .max(1024)
  .regex(ISO_PATH_PATTERN, 'must be an absolute path of ASCII letters, digits and . _ + -')
  .refine((path) => !path.split('/').includes('..'), 'must not contain ".."')
  .meta({ validator: 'ISO path', example: '/var/lib/libvirt/images/debian-12.iso' })

export const NetworkChoiceSchema = z.discriminatedUnion('kind', [
  /** The virtual MAC OVH gave for the failover IP; the IP is recorded in the VM's settings. */
  z.object({ kind: z.literal('failover'), mac: MacSchema, failoverIp: Ipv4Schema.optional() }).strict(),
  /** A MAC the app generates, unique among every definition on every host. */
  z.object({ kind: z.literal('ripe') }).strict(),
])
export type NetworkChoice = z.infer<typeof NetworkChoiceSchema>

/**
 * A creation's network choice: those above, or a failover IP of the OVH account whose virtual MAC the
 * job reuses or creates at OVH (issue 20 item 4), on the server of `host` — the host the VM runs on,
 * which its block must route to. The IP is recorded in the VM's settings.
 */
export const OvhNetworkChoiceSchema = z
  .object({ kind: z.literal('ovh'), failoverIp: Ipv4Schema, host: HostNameSchema })
  .strict()
export const CreateNetworkChoiceSchema = z.discriminatedUnion('kind', [
  ...NetworkChoiceSchema.options,
  OvhNetworkChoiceSchema,
])
export type CreateNetworkChoice = z.infer<typeof CreateNetworkChoiceSchema>

export const DOMAIN_TYPES = ['kvm', 'qemu'] as const

/** A new VM's vCPUs and memory (MiB). */
const VcpusSchema = z.number().int().min(1).max(64)
const MemoryMiBSchema = z
  .number()
  .int()
  .min(64)
  .max(1024 * 1024)

export const CreateVmParamsSchema = z
  .object({
    name: VmNameSchema,
    pool: PoolNameSchema,
    sizeBytes: SizeBytesSchema,
    vcpus: VcpusSchema.default(2),
    memoryMiB: MemoryMiBSchema.default(1024),
    network: CreateNetworkChoiceSchema,
    bridge: BridgeNameSchema.default('br0'),
    /** The install medium, present on every host; boot is disk then CD-ROM, as the runbook's scripts. */
    iso: IsoPathSchema.optional(),
    /** The guest's layout; by default the cluster file's guestKeyboardLayout. */
    keyboardLayout: KeyboardLayoutSchema.optional(),
    /** kvm unless a host lacks it; qemu (TCG, no acceleration) only where asked (test labs). */
    domainType: z.enum(DOMAIN_TYPES).optional(),
    /** Start it there once defined everywhere (its console can then be opened). */
    startOn: HostNameSchema.optional(),
  })
  .strict()
export type CreateVmParams = z.input<typeof CreateVmParamsSchema>
export type CreateVmInput = z.output<typeof CreateVmParamsSchema>

/** What creating would do, checked on every host; changes nothing. */
export const CreatePlanSchema = z.object({
  name: z.string(),
  checks: z.array(CheckSchema),
  canCreate: z.boolean(),
  /** The versioned machine type every host offers (e.g. pc-i440fx-5.2). */
  machine: z.string().optional(),
  domainType: z.enum(DOMAIN_TYPES).optional(),
  /** The MAC the VM will get (typed for failover, generated for RIPE: the job checks it again). */
  mac: z.string().optional(),
  secretUuid: z.string().optional(),
  /** An OVH failover IP's virtual MAC: the one it has on the host's server, or made by the job. */
  virtualMac: z
    .object({ server: z.string(), action: z.enum(['reuse', 'create']), mac: z.string().optional() })
    .optional(),
  /** Bridges present on every host, for the wizard. */
  bridges: z.array(z.string()),
  /** ISO images present on every host (in the images directory), for the wizard. */
  isos: z.array(z.string()),
  /** The pool's space (bytes), when Ceph answered. */
  poolFreeBytes: z.number().optional(),
})
export type CreatePlan = z.infer<typeof CreatePlanSchema>

/** Something a failed job could not undo, for the user's cleanup action. */
export const RemainSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('definition'), host: z.string(), uuid: z.string(), error: z.string() }),
  z.object({ kind: z.literal('image'), pool: z.string(), image: z.string(), error: z.string() }),
  /** A snapshot a failed clone made of its source (removed only when nothing hangs from it). */
  z.object({
    kind: z.literal('snapshot'),
    pool: z.string(),
    image: z.string(),
    snapshot: z.string(),
    error: z.string(),
  }),
])
export type Remain = z.infer<typeof RemainSchema>

export const CreateVmResultSchema = z.object({
  uuid: z.string(),
  name: z.string(),
  mac: z.string(),
  machine: z.string(),
  image: z.string(),
  hosts: z.array(z.string()),
  started: z.object({ host: z.string(), ok: z.boolean(), error: z.string().optional() }).optional(),
})
export type CreateVmResult = z.infer<typeof CreateVmResultSchema>

/** Removes what a failed creation listed as remaining (its definitions, its image if still tagged). */
export const CleanupCreateParamsSchema = z
  .object({
    /** The failed creation job's id: only what it listed is removed. */
    job: CoreIdSchema,
  })
  .strict()

export const DeleteVmParamsSchema = z
  .object({
    uuid: UuidSchema,
    /** The VM's exact name, typed by the user. */
    confirmName: freeText("confirmation (the VM's name)", 'web1'),
    /** Also delete its RBD disks (typed confirmation above covers them too). */
    deleteImages: z.boolean().default(false),
    /** Purge the images' snapshots first (refused without it when they have some). */
    purgeSnapshots: z.boolean().default(false),
  })
  .strict()
export type DeleteVmParams = z.input<typeof DeleteVmParamsSchema>

export const RenameVmParamsSchema = z
  .object({
    uuid: UuidSchema,
    newName: VmNameSchema,
    /** Also rename its RBD images named after it (NAME, or NAME-…, NAME_…, NAME.…). */
    renameImages: z.boolean().default(true),
  })
  .strict()
export type RenameVmParams = z.input<typeof RenameVmParamsSchema>

export const RenameVmResultSchema = z.object({
  uuid: z.string(),
  oldName: z.string(),
  name: z.string(),
  hosts: z.array(z.string()),
  images: z.array(z.object({ from: z.string(), to: z.string() })),
})
export type RenameVmResult = z.infer<typeof RenameVmResultSchema>

export const DeleteVmResultSchema = z.object({
  name: z.string(),
  undefinedOn: z.array(z.string()),
  imagesDeleted: z.array(z.string()),
  imagesKept: z.array(z.string()),
})
export type DeleteVmResult = z.infer<typeof DeleteVmResultSchema>

/**
 * What a clone starts from: a VM that is off (its RBD disk is snapshotted by the job, the snapshot
 * protected, and the clone hangs from it), or a template — a protected snapshot in the storage view.
 */
export const CloneSourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('vm'), uuid: UuidSchema }).strict(),
  z
    .object({
      kind: z.literal('snapshot'),
      pool: PoolNameSchema,
      image: VmNameSchema,
      snapshot: SnapshotNameSchema,
    })
    .strict(),
])
export type CloneSource = z.infer<typeof CloneSourceSchema>

/**
 * Cloning (issue 19 item 2): an RBD copy-on-write clone of the source's disk named like the new VM,
 * defined on every host with a new UUID and MAC. From a VM, the clone's definition is the source's
 * (name, UUID, MACs, disk, serial log and failover IP changed); from a template, it is built as a
 * creation's is, with the sizes given here.
 */
export const CloneVmParamsSchema = z
  .object({
    source: CloneSourceSchema,
    name: VmNameSchema,
    /**
     * The clone's pool, one of the cluster file's (by default its parent's): an RBD clone may hang
     * from a snapshot in another pool.
     */
    pool: PoolNameSchema.optional(),
    network: NetworkChoiceSchema,
    /** A template's clone only (a VM's clone keeps the source's). */
    vcpus: VcpusSchema.default(2),
    memoryMiB: MemoryMiBSchema.default(1024),
    bridge: BridgeNameSchema.default('br0'),
    keyboardLayout: KeyboardLayoutSchema.default('fr'),
    domainType: z.enum(DOMAIN_TYPES).optional(),
    /** Copy the parent's data into the clone afterwards (rbd flatten), so it no longer depends on it. */
    flatten: z.boolean().default(false),
    startOn: HostNameSchema.optional(),
  })
  .strict()
export type CloneVmParams = z.input<typeof CloneVmParamsSchema>
export type CloneVmInput = z.output<typeof CloneVmParamsSchema>

/** What cloning would do, checked on every host and in Ceph; changes nothing. */
export const ClonePlanSchema = CreatePlanSchema.extend({
  /** The source's disk (POOL/IMAGE) and the snapshot the clone hangs from. */
  parent: z.string().optional(),
  snapshot: z.string().optional(),
  /** True when the job makes the snapshot (a VM's clone); false for a template. */
  makesSnapshot: z.boolean(),
  /** The source's size (the clone's virtual size). */
  sizeBytes: z.number().optional(),
  /** The clone's settings as they will be (a VM's clone: the source's). */
  vcpus: z.number().optional(),
  memoryMiB: z.number().optional(),
})
export type ClonePlan = z.infer<typeof ClonePlanSchema>

export const CloneVmResultSchema = CreateVmResultSchema.extend({
  parent: z.string(),
  /** Whether the clone was flattened (no longer depends on the parent snapshot). */
  flattened: z.boolean(),
  /** Why the flatten did not happen, when asked and it failed (the clone itself is fine). */
  flattenError: z.string().optional(),
})
export type CloneVmResult = z.infer<typeof CloneVmResultSchema>

/** The snapshot a VM's clone hangs from: one per clone, named after it (a valid RBD snapshot name). */
export function cloneSnapshotName(cloneName: string): string {
  return `clone-${cloneName}`.slice(0, 64)
}
