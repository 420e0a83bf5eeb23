import { KEYBOARD_LAYOUT_SETTING, type KeyboardLayout } from '../../../shared/keyboard'
import { HYPERDESK_METADATA_NS } from '../inventory/domain-xml'

/**
 * The definition of a new VM, as the runbook's create-virtual-machine-failover|ripe scripts make it
 * (pure: same input, same XML). One RBD disk through the cluster's Ceph secret, a CD-ROM, boot from
 * the disk then the CD-ROM, one bridged NIC, VNC on the host's loopback, a serial console — plus what
 * the runbook left to memory: a machine type pinned to its versioned name (mixed QEMU versions still
 * migrate), error_policy='stop' on the disk (a fenced copy stops instead of writing on), and
 * Hyperdesk's settings (keyboard layout, failover IP) in the metadata so they sync with it.
 */

export interface VmSpec {
  name: string
  uuid: string
  /** kvm in production; qemu (TCG) in the lab. */
  domainType: 'kvm' | 'qemu'
  /** A versioned machine type every host offers, e.g. pc-i440fx-5.2. */
  machine: string
  arch?: string
  vcpus: number
  memoryMiB: number
  /** Maximum memory (MiB); the current memory when absent. */
  maxMemoryMiB?: number
  disk: {
    pool: string
    image: string
    /** The cluster's Ceph client (client.<user>) and its libvirt secret, the same UUID on every host. */
    cephUser: string
    secretUuid: string
    /** Monitors named in the definition; none: QEMU reads them from the host's /etc/ceph/ceph.conf. */
    monitors?: readonly { name: string; port?: number }[]
  }
  /** The install medium; absent: an empty CD-ROM drive (media can be inserted later). */
  iso?: string
  nic: { mac: string; bridge: string; model?: string }
  keyboardLayout: KeyboardLayout
  failoverIp?: string
  description?: string
  /** The creation job that made it (metadata): an undo only removes definitions it made. */
  createdBy?: string
}

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
}
export function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => XML_ESCAPES[character]!)
}

/** The metadata setting naming the creation job. */
export const CREATED_BY_SETTING = 'createdBy'

function metadata(spec: VmSpec): string[] {
  const settings: Record<string, string> = { [KEYBOARD_LAYOUT_SETTING]: spec.keyboardLayout }
  if (spec.failoverIp) settings.failoverIp = spec.failoverIp
  if (spec.createdBy) settings[CREATED_BY_SETTING] = spec.createdBy
  const lines = Object.keys(settings)
    .sort()
    .map((name) => `      <hd:setting name="${escapeXml(name)}">${escapeXml(settings[name]!)}</hd:setting>`)
  return [
    '  <metadata>',
    `    <hd:vm xmlns:hd="${HYPERDESK_METADATA_NS}">`,
    ...lines,
    '    </hd:vm>',
    '  </metadata>',
  ]
}

function rbdDisk(spec: VmSpec): string[] {
  const { disk } = spec
  const hosts = (disk.monitors ?? []).map(
    (monitor) =>
      `        <host name='${escapeXml(monitor.name)}'${monitor.port !== undefined ? ` port='${monitor.port}'` : ''}/>`,
  )
  const source = `      <source protocol='rbd' name='${escapeXml(`${disk.pool}/${disk.image}`)}'`
  return [
    "    <disk type='network' device='disk'>",
    "      <driver name='qemu' type='raw' cache='writeback' error_policy='stop'/>",
    `      <auth username='${escapeXml(disk.cephUser)}'>`,
    `        <secret type='ceph' uuid='${escapeXml(disk.secretUuid)}'/>`,
    '      </auth>',
    ...(hosts.length > 0 ? [`${source}>`, ...hosts, '      </source>'] : [`${source}/>`]),
    "      <target dev='vda' bus='virtio'/>",
    '    </disk>',
  ]
}

function cdrom(spec: VmSpec): string[] {
  return [
    "    <disk type='file' device='cdrom'>",
    "      <driver name='qemu' type='raw'/>",
    ...(spec.iso ? [`      <source file='${escapeXml(spec.iso)}'/>`] : []),
    "      <target dev='hdc' bus='ide'/>",
    '      <readonly/>',
    '    </disk>',
  ]
}

/** The domain XML for `virsh define` (the same text is sent to every host). */
export function buildDomainXml(spec: VmSpec): string {
  const max = Math.max(spec.maxMemoryMiB ?? spec.memoryMiB, spec.memoryMiB)
  const lines = [
    `<domain type='${spec.domainType}'>`,
    `  <name>${escapeXml(spec.name)}</name>`,
    `  <uuid>${escapeXml(spec.uuid)}</uuid>`,
    ...(spec.description ? [`  <description>${escapeXml(spec.description)}</description>`] : []),
    ...metadata(spec),
    `  <memory unit='MiB'>${max}</memory>`,
    `  <currentMemory unit='MiB'>${spec.memoryMiB}</currentMemory>`,
    `  <vcpu placement='static'>${spec.vcpus}</vcpu>`,
    '  <os>',
    `    <type arch='${escapeXml(spec.arch ?? 'x86_64')}' machine='${escapeXml(spec.machine)}'>hvm</type>`,
    "    <boot dev='hd'/>",
    "    <boot dev='cdrom'/>",
    '  </os>',
    '  <features>',
    '    <acpi/>',
    '    <apic/>',
    '  </features>',
    "  <clock offset='utc'/>",
    '  <on_poweroff>destroy</on_poweroff>',
    '  <on_reboot>restart</on_reboot>',
    '  <on_crash>destroy</on_crash>',
    '  <devices>',
    ...rbdDisk(spec),
    ...cdrom(spec),
    "    <interface type='bridge'>",
    `      <mac address='${escapeXml(spec.nic.mac)}'/>`,
    `      <source bridge='${escapeXml(spec.nic.bridge)}'/>`,
    `      <model type='${escapeXml(spec.nic.model ?? 'virtio')}'/>`,
    '    </interface>',
    "    <serial type='pty'>",
    "      <target port='0'/>",
    '    </serial>',
    "    <console type='pty'>",
    "      <target type='serial' port='0'/>",
    '    </console>',
    "    <graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1'>",
    "      <listen type='address' address='127.0.0.1'/>",
    '    </graphics>',
    '    <video>',
    "      <model type='vga'/>",
    '    </video>',
    "    <input type='keyboard' bus='ps2'/>",
    '  </devices>',
    '</domain>',
  ]
  return `${lines.join('\n')}\n`
}
