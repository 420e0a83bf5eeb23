import { z } from 'zod'
import { nameProblem, UUID_PATTERN } from './names'

/**
 * Every value a client sends that can reach a host passes one of these named validators: the
 * contract's schemas are built from them, and the core's command runner applies the same argument
 * rule (argumentProblem) to every argv it sends. Two rules hold for all of them: no control
 * character (C0, DEL, C1), and no leading '-' (a value must never be read as an option: the
 * recommended sudo rule let `--out-file=/path` reach root's `ceph`). Each validator then allows
 * only what its kind of value needs.
 *
 * Values that never reach a host (a passphrase, a confirmation compared with a name read from the
 * hosts, which libvirt lets hold anything but '/') are marked localOnly: the property test checks
 * that they never reach the runner.
 *
 * Each schema carries metadata: its validator's name and a valid example (the property test builds
 * valid calls from them, then breaks one value at a time).
 */

/** C0 controls, DEL and C1 controls. */
// eslint-disable-next-line no-control-regex -- matching control characters is this pattern's job
export const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/

export function controlCharacterIn(value: string): string | undefined {
  return CONTROL_CHARACTER.exec(value)?.[0]
}

/** A character as a message can show it: "U+000A". */
export function codePoint(character: string): string {
  return `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`
}

/** Why a value may not be one argument of a command on a host; null when it may. */
export function argumentProblem(value: string): string | null {
  const control = controlCharacterIn(value)
  if (control !== undefined) return `contains the control character ${codePoint(control)}`
  if (value.startsWith('-')) return 'starts with "-" (it would be read as an option)'
  return null
}

/** A value sent to a host as one whole argument: not empty, and no problem argumentProblem names. */
export function isWholeArgument(value: string): boolean {
  return value !== '' && argumentProblem(value) === null
}

export interface ValidatorMeta {
  /** The validator's name, e.g. "pool name". */
  validator: string
  /** A value it accepts. */
  example?: unknown
  /** Never sent to a host (compared or used locally only): any text it allows stays in this process. */
  localOnly?: boolean
  /**
   * Sent to a host only as escaped text inside an XML document on a command's stdin (a VM's
   * description), never as an argument or a shell word: any text without control characters is fine.
   */
  xmlText?: boolean
}

function named<T extends z.ZodType>(schema: T, meta: ValidatorMeta): T {
  return schema.meta({ ...meta }) as T
}

/** No control character, as a zod refinement (local values: paths, config words). */
export function noControlCharacters(value: string, ctx: z.RefinementCtx): void {
  const control = controlCharacterIn(value)
  if (control !== undefined)
    ctx.addIssue({ code: 'custom', message: `contains the control character ${codePoint(control)}` })
}

/** The argument rule as a zod refinement, for schemas that add their own pattern. */
function safeArgument(value: string, ctx: z.RefinementCtx): void {
  const problem = argumentProblem(value)
  if (problem) ctx.addIssue({ code: 'custom', message: problem })
}

/** The app's ASCII name rule (names.ts), which already excludes controls and a leading '-'. */
function asciiName(what: string, example: string): z.ZodString {
  const schema = z.string().superRefine((value, ctx) => {
    const problem = nameProblem(value)
    if (problem) ctx.addIssue({ code: 'custom', message: `${what} ${problem}` })
  })
  return named(schema, { validator: what, example })
}

/** A configured hypervisor's name in the cluster file (hv1, ns235513…). */
export const HostNameSchema = asciiName('host name', 'hv1')
/** A name for a new VM: the runbook's rule (ASCII, no spaces). Existing VMs are addressed by UUID. */
export const VmNameSchema = asciiName('VM name', 'web1')
/** RBD pool, image and snapshot names: one safe rbd argument (no '/', '@', spaces…). */
export const PoolNameSchema = asciiName('pool name', 'libvirt-ssd')
export const ImageNameSchema = asciiName('image name', 'web1-disk')
export const SnapshotNameSchema = asciiName('snapshot name', 'before-upgrade')
/** A Ceph client id (`--id <id>`, `client.<id>`). */
export const CephClientIdSchema = asciiName('client id', 'libvirt')

/**
 * A CRUSH bucket name (`osd set-group noout <node>`): Ceph's own rule (CrushWrapper::is_valid_crush_name:
 * ASCII letters, digits, '-', '_', '.'), and not starting with '-'.
 */
export const CRUSH_NODE_PATTERN = /^[A-Za-z0-9_.][A-Za-z0-9_.-]*$/
export const CrushNodeSchema = named(
  z
    .string()
    .max(256)
    .superRefine(safeArgument)
    .regex(CRUSH_NODE_PATTERN, "must be a CRUSH bucket name (ASCII letters, digits, '-', '_', '.')"),
  { validator: 'CRUSH node name', example: 'hv1' },
)

/** Flags the Ceph panel lets the user set and unset. */
export const CEPH_FLAGS = ['noout'] as const
export const CephFlagSchema = named(z.enum(CEPH_FLAGS), { validator: 'Ceph flag', example: 'noout' })

/** A VM's UUID, libvirt's canonical form: how existing VMs are addressed. */
export const UuidSchema = named(z.string().regex(UUID_PATTERN, 'must be a VM UUID'), {
  validator: 'VM UUID',
  example: '6f1c1d2e-3a4b-4c5d-8e9f-0a1b2c3d4e5f',
})

/** A dotted IPv4 address, each part 0–255 (the form checks it as the user types, the core on receipt). */
export const IPV4_PATTERN = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/
export const Ipv4Schema = named(
  z.string().regex(IPV4_PATTERN, 'must be an IPv4 address such as 87.98.165.65'),
  {
    validator: 'IPv4 address',
    example: '87.98.165.65',
  },
)

/** A failover block as OVH names it (`1.2.3.8/29`, `1.2.3.4/32`, /24 to /32) or one of its addresses. */
export const OvhBlockSchema = named(
  z
    .string()
    .max(18)
    .refine((value) => {
      const [address, prefix] = value.split('/')
      return (
        IPV4_PATTERN.test(address ?? '') &&
        (prefix === undefined || (/^\d\d$/.test(prefix) && Number(prefix) >= 24 && Number(prefix) <= 32))
      )
    }, 'must be an IPv4 failover block (1.2.3.8/29) or address'),
  { validator: 'OVH failover block', example: '87.98.165.64/29' },
)

/** OVH's keys as it prints them (application key 16, secret and consumer key 32 characters). */
export const OvhKeySchema = named(
  z.string().regex(/^[A-Za-z0-9]{8,64}$/, 'must be an OVH key: 8 to 64 letters and digits, as OVH shows it'),
  { validator: 'OVH key', example: '7kbG7Bk7S9Nt7ZSV', localOnly: true },
)

/** An OVH endpoint name (ovh-eu…) or the loopback URL of a test double: the core checks which. */
export const OvhEndpointSchema = named(
  z
    .string()
    .regex(
      /^(?:[a-z]+-[a-z]{2}|https?:\/\/(?:127\.0\.0\.1|localhost|\[::1\])(?::\d{1,5})?(?:\/[A-Za-z0-9._-]+)*)$/,
      'must be an OVH endpoint such as ovh-eu',
    ),
  { validator: 'OVH endpoint', example: 'ovh-eu', localOnly: true },
)

/** 1 PiB: far beyond any disk here, small enough to stay an exact integer in JSON. */
export const MAX_IMAGE_BYTES = 2 ** 50
/** rbd sizes are whole bytes; the app works in whole MiB so every tool shows the same number. */
export const SIZE_STEP_BYTES = 2 ** 20
export const SizeBytesSchema = named(
  z
    .number()
    .int('must be a whole number of bytes')
    .positive('must be more than 0')
    .max(MAX_IMAGE_BYTES, 'must be at most 1 PiB')
    .refine((value) => value % SIZE_STEP_BYTES === 0, 'must be a whole number of MiB'),
  { validator: 'size in bytes', example: 1024 * SIZE_STEP_BYTES },
)

/** Ids the core hands out (jobs, maintenances: crypto.randomUUID()). */
export const CoreIdSchema = named(z.string().regex(UUID_PATTERN, 'must be an id the core gave'), {
  validator: 'core id',
  example: '0b6f2c1a-9d7e-4f3a-8b2c-1d0e9f8a7b6c',
})
/**
 * A part of the cluster lease (shared/lease.ts): vm:<uuid>, image:<pool>/<image>, host:<name> or
 * cluster:firewall, one `rados lock` argument.
 */
export const LEASE_NAME_PATTERN =
  /^(vm:[0-9a-f-]{36}|image:[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*|host:[A-Za-z0-9][A-Za-z0-9._-]*|cluster:firewall)$/
export const LeaseNameSchema = named(
  z
    .string()
    .regex(
      LEASE_NAME_PATTERN,
      'must be a lease name (vm:<uuid>, image:<pool>/<image>, host:<name>, cluster:firewall)',
    ),
  { validator: 'lease name', example: 'vm:6f1c1d2e-3a4b-4c5d-8e9f-0a1b2c3d4e5f' },
)
/** A lease holder's cookie as `rados lock info` shows it (the app's are UUIDs). */
export const LeaseCookieSchema = named(
  z
    .string()
    .max(200)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'must be a lock cookie (letters, digits, . _ : -)'),
  { validator: 'lease cookie', example: '0b6f2c1a-9d7e-4f3a-8b2c-1d0e9f8a7b6c' },
)
/** A byte stream's single-use id (hex, from ByteStreams). */
export const StreamIdSchema = named(z.string().regex(/^[0-9a-f]{16,64}$/, 'must be a stream id'), {
  validator: 'stream id',
  example: '3f9a0c51d2e84b7a6c1e0f9d8b7a6c5d4e3f',
})
/** An SSH host key fingerprint as OpenSSH prints it: SHA256: and unpadded base64. */
export const FingerprintSchema = named(
  z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'must be a SHA256 fingerprint'),
  {
    validator: 'host key fingerprint',
    example: 'SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s',
  },
)
/**
 * A local file path (a key file the core unlocks): as the core reported it in a prompt, without
 * control characters. Never sent to a host.
 */
export const LocalPathSchema = named(
  z.string().min(1, 'is empty').max(4096).superRefine(noControlCharacters),
  { validator: 'local path', example: '/home/admin/.ssh/id_ed25519', localOnly: true },
)

/**
 * A whole domain XML document (the edit's expert mode): it reaches a host only on the stdin of
 * virt-xml-validate and virsh define, never as an argument, so it counts as xmlText; the core reads
 * it (well-formed, same name and UUID) before any host does.
 */
export function xmlDocument(what: string, example: string, max: number): z.ZodString {
  return named(z.string().min(1).max(max), { validator: what, example, xmlText: true })
}

/** Text that reaches a host only escaped inside an XML document on stdin (ValidatorMeta.xmlText). */
export function xmlText(what: string, example: string, max: number): z.ZodString {
  return named(z.string().max(max), { validator: what, example, xmlText: true })
}

/** A sha256 in hex, as the core computed it (a definition's hash). */
export const Sha256Schema = named(z.string().regex(/^[0-9a-f]{64}$/, 'must be a hash the core gave'), {
  validator: 'sha256 hash',
  example: 'a'.repeat(64),
})

/**
 * Text that never reaches a host: a passphrase (kept in memory), a confirmation the core compares
 * with a name read from the hosts (which may hold spaces, quotes, unicode).
 */
export function freeText(what: string, example = 'x'): z.ZodString {
  return named(z.string().max(4096), { validator: what, example, localOnly: true })
}

/** The metadata of a schema built here (undefined for others). */
export function validatorMeta(schema: z.ZodType): ValidatorMeta | undefined {
  const meta = schema.meta() as Partial<ValidatorMeta> | undefined
  return meta?.validator ? (meta as ValidatorMeta) : undefined
}
