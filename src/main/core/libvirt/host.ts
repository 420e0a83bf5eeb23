import { IsoNameSchema } from '../../../shared/iso'
import { UuidSchema } from '../../../shared/validators'
import { isListing } from '../remote/framing'
import { argument, checked, refuse } from './arguments'

/**
 * libvirt by object, a host's side (domain.ts has the domains): the virsh argv (after `virsh -c
 * qemu:///system`) of what the app asks a host's libvirt as a whole — the inventory's and the
 * graphs' whole-host reads, the domain lists, the event stream — and about its own objects (secret,
 * network, storage pool, CPU models), built here and only here from validated values.
 */

/** The virt types whose CPU models the app asks for (a domain's `<domain type>`). */
const VIRT_TYPES = new Set(['kvm', 'qemu'])
/** libvirt network names the app may ask about: libvirt's own rule is looser; the app's is ASCII. */
const NETWORK = /^[A-Za-z0-9][A-Za-z0-9._-]*$/

/** Which domains a UUID list holds. */
export type DomainListFilter = 'all' | 'autostart' | 'managed-save'

const LIST_FILTERS: Record<DomainListFilter, string[]> = {
  all: [],
  autostart: ['--autostart'],
  'managed-save': ['--with-managed-save'],
}

/** A host's libvirt as a whole, and its own objects and capabilities. */
export const hostArgv = {
  hostname: () => ['hostname'],
  /** CPUs, sockets, memory size. */
  info: () => ['nodeinfo'],
  memory: () => ['nodememstats'],
  /** The CPU time counters (the live graphs'). */
  cpuStats: () => ['nodecpustats'],
  /** libvirt's and the hypervisor's versions. */
  version: () => ['version'],
  /** Whether libvirtd answers (after a reboot). */
  uri: () => ['uri'],
  /**
   * The defined domains' UUIDs, all of them or those with autostart or a managed save. UUIDs only: a
   * name is read from the domain's XML, where it is exact (see virsh-parse.ts parseUuidList).
   */
  domainUuids: (filter: DomainListFilter = 'all') => {
    if (!Object.hasOwn(LIST_FILTERS, filter)) refuse('domain list filter', String(filter))
    return ['list', '--all', ...LIST_FILTERS[filter], '--uuid']
  },
  /** The active (running or paused) domains' UUIDs. */
  activeDomainUuids: () => ['list', '--uuid'],
  /** Every domain's state and counters in one call (libvirt 1.2.8 and later). */
  allDomainStats: () => ['domstats', '--raw', '--state', '--balloon', '--vcpu', '--cpu-total'],
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
  /** A storage pool's state and space, in bytes. */
  poolInfo: (pool: string) => ['pool-info', '--bytes', argument('storage pool name', pool)],
  /** Reads the pool's directory again (files put there by hand, e.g. the runbook's wget). */
  poolRefresh: (pool: string) => ['pool-refresh', argument('storage pool name', pool)],
  /** The pool's volumes: name and path per line. */
  volList: (pool: string) => ['vol-list', '--pool', argument('storage pool name', pool)],
} as const

/**
 * A storage pool's volumes (the images pool's ISOs): made, filled from stdin, read back and deleted,
 * by name in a named pool. Volume names pass the ISO name rule (shared/iso.ts).
 */
export const volumeArgv = {
  /** A raw volume of exactly sizeBytes (vol-upload then fills it). */
  create: (pool: string, name: string, sizeBytes: number) =>
    Number.isSafeInteger(sizeBytes) && sizeBytes > 0
      ? [
          'vol-create-as',
          argument('storage pool name', pool),
          checked(IsoNameSchema, name),
          String(sizeBytes),
          '--format',
          'raw',
        ]
      : refuse('volume size', String(sizeBytes)),
  /** Writes the volume from the command's stdin (the SSH channel the app writes the file into). */
  uploadFromStdin: (pool: string, name: string) => [
    'vol-upload',
    '--pool',
    argument('storage pool name', pool),
    checked(IsoNameSchema, name),
    '/dev/stdin',
  ],
  /** Capacity and allocation in bytes (an ISO's capacity is its file's size). */
  info: (pool: string, name: string) => [
    'vol-info',
    '--bytes',
    '--pool',
    argument('storage pool name', pool),
    checked(IsoNameSchema, name),
  ],
  delete: (pool: string, name: string) => [
    'vol-delete',
    '--pool',
    argument('storage pool name', pool),
    checked(IsoNameSchema, name),
  ],
  /**
   * The whole argv (not a virsh one) that prints the volume's SHA-256 on the host: libvirt reads it
   * (etalab cannot read /var/lib/libvirt/images) into sha256sum. virsh writes a newline of its own
   * on stdout after the command: the data goes through fd 3, virsh's own stdout to /dev/null.
   */
  sha256: (pool: string, name: string) => [
    'sh',
    '-c',
    `{ virsh -c qemu:///system vol-download --pool "$1" "$2" /dev/fd/3 3>&1 >/dev/null || echo "${DOWNLOAD_FAILED}" >&2; } | sha256sum`,
    'sh',
    argument('storage pool name', pool),
    checked(IsoNameSchema, name),
  ],
} as const
/** What the checksum command writes on stderr when vol-download failed (sha256sum then hashed nothing). */
export const DOWNLOAD_FAILED = '@@hyperdesk-vol-download-failed'

/** `virsh vol-list` → name → path (names with spaces are not the app's and are skipped). */
export function parseVolList(text: string): Map<string, string> {
  const volumes = new Map<string, string>()
  for (const line of text.split('\n')) {
    const match = /^\s*(\S+)\s+(\/\S*)\s*$/.exec(line)
    if (match) volumes.set(match[1]!, match[2]!)
  }
  return volumes
}

/** `virsh vol-info --bytes` → the volume's capacity (bytes), or undefined. */
export function parseVolCapacity(text: string): number | undefined {
  const capacity = /^Capacity:\s*(\d+)\s*bytes\s*$/m.exec(text)?.[1]
  return capacity === undefined ? undefined : Number(capacity)
}

/** `virsh pool-info --bytes` → state and available bytes. */
export function parsePoolInfo(text: string): { state?: string; availableBytes?: number } {
  const state = /^State:\s*(.+?)\s*$/m.exec(text)?.[1]
  const available = /^Available:\s*(\d+)/m.exec(text)?.[1]
  return {
    ...(state ? { state } : {}),
    ...(available ? { availableBytes: Number(available) } : {}),
  }
}

/** The directory of a dir pool (`pool-dumpxml`'s target path). */
export function parsePoolPath(xml: string): string | undefined {
  return /<target>[\s\S]*?<path>([^<]+)<\/path>/.exec(xml)?.[1]?.trim()
}

/**
 * Where qemu:///system keeps its persistent definitions (one NAME.xml each, rewritten by libvirtd at
 * every change, events or not): the same on every distribution's package.
 */
export const DEFINITIONS_DIR = '/etc/libvirt/qemu'
/**
 * The line the event stream prints when a definition file changed (see eventStreamArgv), followed by
 * the directory's listing as a digested batch's gate gives it (framing.ts: `<cksum>-<size>`).
 */
export const DEFINITIONS_CHANGED = '@@hyperdesk-definitions-changed'

/**
 * A stream line that says the definition files changed: undefined when it is not one; else the listing
 * the watch saw (undefined if the line gave none).
 */
export function readDefinitionsChanged(line: string): { listing: string | undefined } | undefined {
  const [word, listing, ...rest] = line.trim().split(/\s+/)
  if (word !== DEFINITIONS_CHANGED || rest.length > 0) return undefined
  return { listing: listing !== undefined && isListing(listing) ? listing : undefined }
}
/** How often the stream looks at the definition files, in seconds. */
export const DEFINITIONS_WATCH_SECONDS = 2

/**
 * The whole argv of the host's event stream (the runner's stream takes an argv as is, so the
 * connection is part of it here): libvirt's lifecycle events (a long-running read-only virsh) and, on
 * the same stream, DEFINITIONS_CHANGED when the listing of the definition files changed. Some
 * definition changes raise no libvirt event (`setmaxmem --config`, `setvcpus --config` on a stopped
 * VM…) but every one rewrites its file; its directory is world-readable (the files are not, and are
 * never read: `ls -l --full-time` only stats them, to the nanosecond). The watch costs the host an
 * `ls` every DEFINITIONS_WATCH_SECONDS and the app no exec: the line only makes the inventory refresh,
 * which then reads what changed (by fingerprint). The line carries the listing seen, taken as a
 * digested batch's gate takes it, so a change the inventory already read (the app's own define) asks
 * no refresh. A host where the directory cannot be listed prints nothing, and its changes show at the
 * next periodic refresh. The stream ends with the virsh.
 */
export function eventStreamArgv(watch: { dir?: string; everySeconds?: number } = {}): string[] {
  const dir = watch.dir ?? DEFINITIONS_DIR
  const every = watch.everySeconds ?? DEFINITIONS_WATCH_SECONDS
  if (!/^\/[A-Za-z0-9._/-]+$/.test(dir) || !(every > 0)) refuse('definitions watch', `${dir} ${every}`)
  return [
    'sh',
    '-c',
    [
      'virsh -r -c qemu:///system event --all --loop --timestamp & e=$!',
      // The gate's listing (framing.ts, virshDigestedBatchArgv): the same `ls`, summed the same way.
      `l() { ls -li --full-time -- '${dir}' 2>/dev/null | cksum; }`,
      `{ p=$(l); while sleep ${every}; do s=$(l); ` +
        `if [ "$s" != "$p" ]; then echo "${DEFINITIONS_CHANGED} \${s%% *}-\${s##* }"; p=$s; fi; done; } & w=$!`,
      'wait "$e"; rc=$?; kill "$w" 2>/dev/null; exit "$rc"',
    ].join('\n'),
    'hyperdesk-events',
  ]
}
