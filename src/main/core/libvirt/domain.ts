import { HYPERDESK_METADATA_NS } from '../inventory/domain-xml'
import { SizeBytesSchema, UuidSchema, VmNameSchema } from '../../../shared/validators'
import { IsoPathSchema } from '../../../shared/vmdef'
import { argument, checked, refuse } from './arguments'

/**
 * libvirt by object, as cockpit-machines' libvirtApi/domain: the virsh argv (after `virsh -c
 * qemu:///system`) of every command the app sends about a domain, built here and only here (a
 * host's own objects and its whole-host reads are host.ts's). A domain is addressed by UUID, never
 * by name; each value passes its named validator (src/shared/validators.ts) here, so a caller
 * cannot hand an unchecked string to a host even by mistake. The runner's argv check
 * (remote/quote.ts) stays the net under this.
 */

const uuidOf = (uuid: string): string => checked(UuidSchema, uuid)
const positive = (what: string, value: number): string =>
  Number.isSafeInteger(value) && value > 0 ? String(value) : refuse(what, String(value))

/** A MAC address as `virsh domiflist` prints it. */
const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i

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
  /** Both definitions with their security data, compared in the core for what waits for a restart. */
  xmlWithSecrets: (uuid: string, which: 'inactive' | 'live') => [
    'dumpxml',
    ...(which === 'inactive' ? ['--inactive'] : []),
    '--security-info',
    uuidOf(uuid),
  ],
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
   * their removal; with `live` (where it runs) in the running domain's too: a live migration takes
   * the running XML, so the settings travel with it and the migration's plan sees them. The XML is
   * the app's own (settings.ts writes it, escaped).
   */
  setMetadata: (uuid: string, xml: string | null, options: { live?: boolean } = {}) => [
    'metadata',
    uuidOf(uuid),
    '--uri',
    HYPERDESK_METADATA_NS,
    ...(xml === null ? ['--remove'] : ['--key', 'hd', '--set', xml]),
    '--config',
    ...(options.live ? ['--live'] : []),
  ],
  /** The running domain's vCPUs (up to its maximum); the persistent definition is the edit's. */
  setVcpusLive: (uuid: string, count: number) => [
    'setvcpus',
    uuidOf(uuid),
    positive('vCPU count', count),
    '--live',
  ],
  /** The running domain's memory through its balloon, in KiB (refused without a balloon). */
  setMemoryLive: (uuid: string, kib: number) => [
    'setmem',
    uuidOf(uuid),
    `${positive('memory in KiB', kib)}KiB`,
    '--live',
  ],
  /** Inserts an ISO into the running domain's CD-ROM drive, or ejects it (null). */
  changeMediaLive: (uuid: string, target: string, iso: string | null) =>
    iso === null
      ? ['change-media', uuidOf(uuid), argument('disk target', target), '--eject', '--live']
      : [
          'change-media',
          uuidOf(uuid),
          argument('disk target', target),
          checked(IsoPathSchema, iso),
          '--update',
          '--live',
        ],
  /** Plugs a device into the running domain from the XML on stdin (a new disk: virtio-blk hot-plug). */
  attachDeviceLive: (uuid: string) => ['attach-device', uuidOf(uuid), '/dev/stdin', '--live'],
  /** Asks the running domain to let a device go, matched on the XML on stdin (a network card by its MAC). */
  detachDeviceLive: (uuid: string) => ['detach-device', uuidOf(uuid), '/dev/stdin', '--live'],
  /** Changes a running domain's device from the XML on stdin (a network card moved to another bridge). */
  updateDeviceLive: (uuid: string) => ['update-device', uuidOf(uuid), '/dev/stdin', '--live'],
  /** Asks the running domain to let a disk go (the guest completes the unplug; the image is kept). */
  detachDiskLive: (uuid: string, target: string) => [
    'detach-disk',
    uuidOf(uuid),
    argument('disk target', target),
    '--live',
  ],
  /** Starts it with this host (or not). */
  autostart: (uuid: string, enable: boolean) =>
    enable ? ['autostart', uuidOf(uuid)] : ['autostart', '--disable', uuidOf(uuid)],
  /** Defines (or redefines) a domain from the XML given on stdin. */
  defineFromStdin: () => ['define', '/dev/stdin'],
  /** Renames an inactive domain (libvirt refuses one with snapshots); the name passes VmNameSchema. */
  rename: (uuid: string, name: string) => ['domrename', uuidOf(uuid), checked(VmNameSchema, name)],
  /** The names of its libvirt snapshots (metadata), one a line. */
  snapshotNames: (uuid: string) => ['snapshot-list', '--name', uuidOf(uuid)],
  /** Removes the persistent definition with its managed save and snapshot metadata (libvirt refuses otherwise). */
  undefine: (uuid: string) => ['undefine', '--managed-save', '--snapshots-metadata', uuidOf(uuid)],
  /** Empties a CD-ROM: in the persistent definition, and in the running domain too when live. */
  ejectMedia: (uuid: string, target: string, live: boolean) => [
    'change-media',
    uuidOf(uuid),
    argument('disk target', target),
    '--eject',
    '--config',
    ...(live ? ['--live'] : []),
  ],
} as const
