import type { z } from 'zod'
import { ApiError } from '../../../shared/errors'
import { HYPERDESK_METADATA_NS } from '../inventory/domain-xml'
import { argumentProblem, SizeBytesSchema, UuidSchema, validatorMeta } from '../../../shared/validators'

/**
 * libvirt by object, as cockpit-machines' libvirtApi/domain: the virsh argv (after `virsh -c
 * qemu:///system`) of every command the app sends about a domain, a host's libvirt objects (secret,
 * network, storage pool) and its capabilities, built here and only here. A domain is addressed by
 * UUID, never by name; each value passes its named validator (src/shared/validators.ts) here, so a
 * caller cannot hand an unchecked string to a host even by mistake. The runner's argv check
 * (remote/quote.ts) stays the net under this.
 */

/** A value as its validator accepts it, or an error naming the validator (nothing is sent). */
function checked(schema: z.ZodType<string>, value: string): string {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  const what = validatorMeta(schema)?.validator ?? 'value'
  throw new ApiError({
    code: 'remote.unsafe-argument',
    step: 'build a virsh command',
    message: `${JSON.stringify(value)} is not a valid ${what}: ${result.error.issues[0]?.message ?? 'refused'}.`,
    hint: 'Nothing was sent to the host.',
  })
}

const uuidOf = (uuid: string): string => checked(UuidSchema, uuid)

/** A name read from a host (a disk target, a pool): one argument, never an option or a control. */
function argument(what: string, value: string): string {
  return argumentProblem(value) === null && value !== '' ? value : refuse(what, value)
}

/** A MAC address as `virsh domiflist` prints it. */
const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i
/** The virt types whose CPU models the app asks for (a domain's `<domain type>`). */
const VIRT_TYPES = new Set(['kvm', 'qemu'])
/** libvirt network names the app may ask about: libvirt's own rule is looser; the app's is ASCII. */
const NETWORK = /^[A-Za-z0-9][A-Za-z0-9._-]*$/

function refuse(what: string, value: string): never {
  throw new ApiError({
    code: 'remote.unsafe-argument',
    step: 'build a virsh command',
    message: `${JSON.stringify(value)} is not a valid ${what}.`,
    hint: 'Nothing was sent to the host.',
  })
}

/** A domain's commands. */
export const domainArgv = {
  start: (uuid: string) => ['start', uuidOf(uuid)],
  shutdown: (uuid: string) => ['shutdown', uuidOf(uuid)],
  destroy: (uuid: string) => ['destroy', uuidOf(uuid)],
  reboot: (uuid: string) => ['reboot', uuidOf(uuid)],
  suspend: (uuid: string) => ['suspend', uuidOf(uuid)],
  state: (uuid: string) => ['domstate', uuidOf(uuid)],
  info: (uuid: string) => ['dominfo', uuidOf(uuid)],
  /** The definition: the inactive one (what a restart would use), or the live one. */
  xml: (uuid: string, which: 'inactive' | 'live') =>
    which === 'inactive' ? ['dumpxml', '--inactive', uuidOf(uuid)] : ['dumpxml', uuidOf(uuid)],
  /**
   * The persistent definition with its security data (VNC/SPICE passwords): what is copied to the
   * other hosts, so a define there does not drop them (read-write connection only).
   */
  xmlToCopy: (uuid: string) => ['dumpxml', '--inactive', '--security-info', uuidOf(uuid)],
  /** The running job (migration…), or the last completed one. */
  jobInfo: (uuid: string, which: 'current' | 'completed' = 'current') =>
    which === 'completed' ? ['domjobinfo', '--completed', uuidOf(uuid)] : ['domjobinfo', uuidOf(uuid)],
  jobAbort: (uuid: string) => ['domjobabort', uuidOf(uuid)],
  /** The display URI: any kind, or the VNC one. */
  display: (uuid: string, type?: 'vnc') =>
    type ? ['domdisplay', '--type', type, uuidOf(uuid)] : ['domdisplay', uuidOf(uuid)],
  interfaces: (uuid: string) => ['domiflist', uuidOf(uuid)],
  linkDown: (uuid: string, mac: string) =>
    MAC.test(mac) ? ['domif-setlink', uuidOf(uuid), mac, 'down'] : refuse('MAC address', mac),
  /** The serial console (never --force: another session keeps it). */
  console: (uuid: string) => ['console', uuidOf(uuid)],
  /**
   * A live migration, peer to peer, to the destination's migration address (already checked as a
   * host name or IP, in brackets for IPv6: precheck.ts uriHost). Never --undefinesource.
   */
  migrate: (uuid: string, uriHost: string, bandwidthMiBps?: number) => {
    if (!/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)$/.test(uriHost) || uriHost.startsWith('-'))
      refuse('migration address', uriHost)
    if (bandwidthMiBps !== undefined && !(Number.isInteger(bandwidthMiBps) && bandwidthMiBps > 0))
      refuse('bandwidth', String(bandwidthMiBps))
    return [
      'migrate',
      '--live',
      '--p2p',
      '--persistent',
      ...(bandwidthMiBps ? ['--bandwidth', String(bandwidthMiBps)] : []),
      uuidOf(uuid),
      `qemu+ssh://root@${uriHost}/system`,
      `tcp://${uriHost}`,
    ]
  },
  /** One domain's counters, as the inventory's domstats reads them (read-only connection). */
  stats: (uuid: string) => ['-r', 'domstats', '--raw', '--cpu-total', '--balloon', '--vcpu', uuidOf(uuid)],
  /** Grows a running domain's disk through QEMU (so the guest sees it at once). */
  blockResize: (uuid: string, target: string, sizeBytes: number) => {
    const size = SizeBytesSchema.safeParse(sizeBytes)
    if (!size.success) refuse('size in bytes', String(sizeBytes))
    return ['blockresize', uuidOf(uuid), argument('disk target', target), '--size', `${sizeBytes}B`]
  },
  /**
   * Hyperdesk's settings in the persistent definition's <metadata> (hd:vm, HYPERDESK_METADATA_NS), or
   * their removal. The XML is the app's own (settings.ts writes it, escaped).
   */
  setMetadata: (uuid: string, xml: string | null) =>
    xml === null
      ? ['metadata', uuidOf(uuid), '--uri', HYPERDESK_METADATA_NS, '--remove', '--config']
      : ['metadata', uuidOf(uuid), '--uri', HYPERDESK_METADATA_NS, '--key', 'hd', '--set', xml, '--config'],
  /** Defines (or redefines) a domain from the XML given on stdin. */
  defineFromStdin: () => ['define', '/dev/stdin'],
  /** Removes the persistent definition with its managed save and snapshot metadata (libvirt refuses otherwise). */
  undefine: (uuid: string) => ['undefine', '--managed-save', '--snapshots-metadata', uuidOf(uuid)],
} as const

/** A host's libvirt objects and capabilities, asked about by the pre-checks and the guards. */
export const hostArgv = {
  memory: () => ['nodememstats'],
  /** The CPU models a virt type can run on this host. */
  cpuModels: (virtType: string) =>
    VIRT_TYPES.has(virtType) ? ['domcapabilities', '--virttype', virtType] : refuse('virt type', virtType),
  /** The `pc` machine type of a virt type on x86_64: its versioned name on this host. */
  pcMachine: (virtType: string) =>
    VIRT_TYPES.has(virtType)
      ? ['domcapabilities', '--virttype', virtType, '--arch', 'x86_64', '--machine', 'pc']
      : refuse('virt type', virtType),
  /** The host's capabilities: every machine type each emulator offers. */
  capabilities: () => ['capabilities'],
  secretList: () => ['secret-list'],
  secretValue: (uuid: string) => ['secret-get-value', checked(UuidSchema, uuid.toLowerCase())],
  network: (name: string) => (NETWORK.test(name) ? ['net-info', name] : refuse('libvirt network name', name)),
  poolXml: (pool: string) => ['pool-dumpxml', argument('storage pool name', pool)],
} as const
