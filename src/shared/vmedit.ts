import { z } from 'zod'
import { MessageSchema } from './messages/message'
import {
  CONTROL_CHARACTER,
  HostNameSchema,
  ImageNameSchema,
  PoolNameSchema,
  Sha256Schema,
  SizeBytesSchema,
  UuidSchema,
  xmlDocument,
  xmlText,
} from './validators'
import { BridgeNameSchema, IsoPathSchema, MacSchema } from './vmdef'

/**
 * Editing a VM's persistent definition on every host as one change (issue 19 item 3): the window
 * asks for a plan (the diff, each host's definition hash, what applies live and what waits for a
 * restart), then sends the same changes with the hashes it was shown; the core refuses when a host's
 * definition changed meanwhile.
 */

export const BOOT_DEVICES = ['hd', 'cdrom', 'network'] as const
export const BootDeviceSchema = z.enum(BOOT_DEVICES)
export type BootDevice = z.infer<typeof BootDeviceSchema>

/** A disk target as libvirt names it (hdc, sda, vdb). */
export const DiskTargetSchema = z
  .string()
  .regex(/^(hd|sd|vd|xvd)[a-z]{1,2}$/, 'must be a disk target such as hdc or vdb')
  .meta({ validator: 'disk target', example: 'hdc' })

export const MAX_VCPUS = 256
/** An expert edit's XML, at most 1 MB (a definition is a few KB). */
export const EXPERT_XML_MAX = 1_000_000
export const MAX_MEMORY_MIB = 4 * 1024 * 1024

/** A description: any text but control characters (tab and newline allowed), at most 1000 characters. */
export const DescriptionSchema = xmlText('description', 'web front, primary', 1000).refine(
  (text) => !CONTROL_CHARACTER.test(text.replace(/[\t\n]/g, '')),
  'must not contain control characters',
)

/**
 * An RBD image to attach as a new virtio disk (the next free vdX): a new image of `sizeBytes`, made in
 * a cluster pool and removed again if the edit fails, or (no size) an existing image no other VM's
 * definition uses and nobody has open.
 */
export const DiskAttachSchema = z
  .object({ pool: PoolNameSchema, image: ImageNameSchema, sizeBytes: SizeBytesSchema.optional() })
  .strict()
export type DiskAttach = z.infer<typeof DiskAttachSchema>

/** A disk grown to `sizeBytes` (never shrunk): rbd resize, or virsh blockresize where it runs. */
export const DiskGrowSchema = z.object({ target: DiskTargetSchema, sizeBytes: SizeBytesSchema }).strict()
export type DiskGrow = z.infer<typeof DiskGrowSchema>

export const NIC_MODELS = ['virtio', 'e1000', 'rtl8139'] as const

/**
 * A network card added on a bridge present on every host; without a MAC the app draws one in
 * 52:54:00 (as create does for a RIPE VM), unused by every definition on every host.
 */
export const NicAddSchema = z
  .object({ bridge: BridgeNameSchema, mac: MacSchema.optional(), model: z.enum(NIC_MODELS).optional() })
  .strict()
export type NicAdd = z.infer<typeof NicAddSchema>

/** A network card (by its MAC) given another MAC and/or moved to another bridge. */
export const NicChangeSchema = z
  .object({ mac: MacSchema, newMac: MacSchema.optional(), bridge: BridgeNameSchema.optional() })
  .strict()
  .refine((change) => change.newMac !== undefined || change.bridge !== undefined, 'changes nothing')
export type NicChange = z.infer<typeof NicChangeSchema>

const distinctTargets = <T>(list: readonly T[], key: (item: T) => string) =>
  new Set(list.map(key)).size === list.length

/** What the user changed; absent fields stay as they are. */
export const VmEditChangesSchema = z
  .object({
    /** vCPUs at boot (and live, when it runs and the maximum allows it). */
    vcpus: z.number().int().min(1).max(MAX_VCPUS).optional(),
    /** The maximum vCPUs (applies at the next start). */
    maxVcpus: z.number().int().min(1).max(MAX_VCPUS).optional(),
    /** Memory the guest has (currentMemory), MiB. */
    memoryMiB: z.number().int().min(16).max(MAX_MEMORY_MIB).optional(),
    /** Maximum memory (memory), MiB: applies at the next start. */
    maxMemoryMiB: z.number().int().min(16).max(MAX_MEMORY_MIB).optional(),
    /** '' removes it. */
    description: DescriptionSchema.optional(),
    bootOrder: z
      .array(BootDeviceSchema)
      .min(1)
      .max(3)
      .refine((order) => new Set(order).size === order.length, 'names a boot device twice')
      .optional(),
    /** Inserts an ISO (present on every host) into the CD-ROM drive `target`, or ejects it (null). */
    cdrom: z.object({ target: DiskTargetSchema, iso: IsoPathSchema.nullable() }).strict().optional(),
    /** The one host where it starts with the host (null: none); never more than one. */
    autostartOn: HostNameSchema.nullable().optional(),
    /** RBD images attached as new disks. */
    attachDisks: z
      .array(DiskAttachSchema)
      .min(1)
      .max(8)
      .refine((list) => distinctTargets(list, (d) => `${d.pool}/${d.image}`), 'names an image twice')
      .optional(),
    /** Disks taken out of the definition by target (vdb); their images are kept. */
    detachDisks: z
      .array(DiskTargetSchema)
      .min(1)
      .max(16)
      .refine((list) => distinctTargets(list, (t) => t), 'names a disk twice')
      .optional(),
    growDisks: z
      .array(DiskGrowSchema)
      .min(1)
      .max(16)
      .refine((list) => distinctTargets(list, (d) => d.target), 'names a disk twice')
      .optional(),
    addNics: z.array(NicAddSchema).min(1).max(4).optional(),
    /** Network cards taken out, by MAC. */
    removeNics: z
      .array(MacSchema)
      .min(1)
      .max(8)
      .refine((list) => distinctTargets(list, (mac) => mac), 'names a network card twice')
      .optional(),
    changeNics: z
      .array(NicChangeSchema)
      .min(1)
      .max(8)
      .refine((list) => distinctTargets(list, (change) => change.mac), 'names a network card twice')
      .optional(),
    /**
     * Expert mode, the app's `virsh edit`: the whole persistent definition as the user wrote it (from
     * `dumpxml --inactive --security-info`), alone in its edit; same name and UUID; checked by
     * virt-xml-validate on every host before the same define-everywhere as the form's changes.
     */
    xml: xmlDocument('domain XML', "<domain type='kvm'>…</domain>", EXPERT_XML_MAX).optional(),
  })
  .strict()
export type VmEditChanges = z.infer<typeof VmEditChangesSchema>

export const VmEditPlanParamsSchema = z
  .object({
    uuid: UuidSchema,
    changes: VmEditChangesSchema,
    /** Also send the reference host's definition text (expert mode starts from it). */
    withXml: z.boolean().optional(),
  })
  .strict()
export type VmEditPlanParams = z.input<typeof VmEditPlanParamsSchema>

export const VmEditParamsSchema = z
  .object({
    uuid: UuidSchema,
    changes: VmEditChangesSchema,
    /** Each host's definition hash, as vm.editPlan gave it: the edit is refused if one changed. */
    hashes: z.record(HostNameSchema, Sha256Schema),
  })
  .strict()
export type VmEditParams = z.input<typeof VmEditParamsSchema>

/** The settings an edit changes, as a definition has them. */
export const VmEditSettingsSchema = z.object({
  vcpus: z.number(),
  maxVcpus: z.number(),
  memoryMiB: z.number(),
  maxMemoryMiB: z.number(),
  description: z.string(),
  bootOrder: z.array(BootDeviceSchema),
  cdroms: z.array(z.object({ target: z.string(), iso: z.string().optional() })),
  nics: z.array(z.object({ mac: z.string(), bridge: z.string(), model: z.string() })),
  disks: z.array(z.object({ target: z.string(), source: z.string() })),
})
export type VmEditSettings = z.infer<typeof VmEditSettingsSchema>
export type VmEditSettingName = keyof VmEditSettings

export const LIVE_ACTIONS = [
  'vcpus',
  'memory',
  'cdrom',
  'diskAttach',
  'diskDetach',
  'nicAdd',
  'nicRemove',
  'nicBridge',
] as const
export const LiveActionSchema = z.enum(LIVE_ACTIONS)

export const VmEditPlanSchema = z.object({
  uuid: z.string(),
  name: z.string(),
  /** The host whose definition the diff starts from (all must be identical). */
  reference: z.string().optional(),
  settings: VmEditSettingsSchema.optional(),
  /**
   * The reference host's persistent definition as `dumpxml --inactive --security-info` prints it
   * (asked with withXml): what expert mode edits. Each display password is hidden, `(hidden 1a2b…)`:
   * sent back unchanged, the core puts the password back; another value is a new password.
   */
  xml: z.string().optional(),
  hosts: z.array(
    z.object({
      host: z.string(),
      hash: z.string().optional(),
      running: z.boolean(),
      autostart: z.boolean(),
    }),
  ),
  /** The canonical definition now → after the edit, as a unified diff ('' when nothing changes). */
  diff: z.string(),
  /** What the edit does to display passwords, in words (the diff and the XML show them hidden). */
  passwords: z.array(MessageSchema).default([]),
  /** The changes as the plan resolved them (each new card's MAC): what vm.edit is sent to apply the diff shown. */
  changes: VmEditChangesSchema.default({}),
  /** Where it runs, and what the edit would change there at once. */
  runningOn: z.string().optional(),
  live: z.array(LiveActionSchema),
  /** What waits for the next power-off and start (the VM view marks it). */
  pending: z.array(z.string()),
  /** Why the edit cannot be made (empty when it can). */
  refusals: z.array(MessageSchema),
  /**
   * The VM's disks as Ceph has them (size of each RBD disk, from rbd info; absent when it could not
   * be read), and what the edit does to disks: the targets new disks get, the grows.
   */
  disks: z
    .array(
      z.object({
        target: z.string(),
        source: z.string(),
        pool: z.string().optional(),
        image: z.string().optional(),
        sizeBytes: z.number().optional(),
      }),
    )
    .default([]),
  attach: z
    .array(
      z.object({ target: z.string(), pool: z.string(), image: z.string(), sizeBytes: z.number().optional() }),
    )
    .default([]),
  grow: z
    .array(z.object({ target: z.string(), image: z.string(), fromBytes: z.number(), toBytes: z.number() }))
    .default([]),
  /** The network cards added, each with the MAC it gets (drawn by the plan when none was typed). */
  addNics: z.array(z.object({ mac: z.string(), bridge: z.string(), model: z.string() })).default([]),
  /** The bridges present on every host that defines it (what a card can be put on). */
  bridges: z.array(z.string()).default([]),
  /** The cluster's RBD pools (where a new disk can be made). */
  pools: z.array(z.string()).default([]),
  /** Autostart changes: hosts where it would be enabled / disabled. */
  autostart: z.object({ enable: z.array(z.string()), disable: z.array(z.string()) }),
  canApply: z.boolean(),
})
export type VmEditPlan = z.infer<typeof VmEditPlanSchema>

export const VmEditResultSchema = z.object({
  name: z.string(),
  hosts: z.array(z.string()),
  live: z.array(
    z.object({
      action: LiveActionSchema,
      /** The disk an attach or detach was about. */
      target: z.string().optional(),
      ok: z.boolean(),
      error: z.string().optional(),
    }),
  ),
  pending: z.array(z.string()),
})
export type VmEditResult = z.infer<typeof VmEditResultSchema>

/** What the running VM has not taken yet (its live definition differs from the persistent one). */
export const VmPendingSchema = z.object({
  host: z.string().optional(),
  /** The parts that differ (PendingPart names: the form's settings, cpu, features, clock, …). */
  fields: z.array(z.string()),
  /** What the VM view says, naming those parts (absent when nothing waits). */
  message: z.optional(MessageSchema),
})
export type VmPending = z.infer<typeof VmPendingSchema>
