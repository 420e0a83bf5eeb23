import type { VmEditSettings } from '../../../shared/vmedit'
import { attribute, find, kids, parseTree, readSettings, tagOf, textIn, type Ordered } from './domain-edit'

/**
 * What a running VM has not taken yet (issue 19 item 3, "pending until restart"): its persistent
 * definition (`dumpxml --inactive`) against the running one (`dumpxml`), whoever made the change —
 * the edit sheet, expert mode, virsh edit on a host. Both are read with --security-info, so a changed
 * display password counts too (it stays in the core: only the part's name leaves).
 *
 * The running definition carries what libvirt adds when it starts a VM, which is no change of the
 * definition and must not count (shapes from libvirt's tests/qemustatusxml2xmldata/modern-in.xml,
 * the live <domain> of a running VM): the domain's id, <alias> on every device, <seclabel> with its
 * generated labels, <resource><partition>, the tap name (<target dev='vnet0'/>: libvirt ignores
 * vnet* names in a definition, virsh.pod "attach-interface"), the network's <actual> bridge, a disk's
 * <backingStore> chain and source index, a pty's /dev/pts path and console tty, a virtio channel's
 * generated socket path and state, the VNC port when autoport='yes', a host-model CPU expanded to
 * the host's model with check='full' and the features QEMU turned on (as cockpit-machines'
 * needsShutdownCpuModel reads it), a variable clock's adjustment. Device addresses are left out
 * too: a device hot-plugged into the running VM gets its own slot there.
 *
 * Known blind spots, in favour of never crying wolf: a CPU feature removed from the definition
 * (libvirt adds features to the running CPU, so one it has that the definition lacks proves
 * nothing), and a device's PCI address changed by hand.
 */

/** A part of the definition that differs, by its name in the `vmedit` message area (part…). */
export type PendingPart =
  | 'vcpus'
  | 'maxVcpus'
  | 'memoryMiB'
  | 'maxMemoryMiB'
  | 'bootOrder'
  | 'cdroms'
  | 'nics'
  | 'disks'
  | 'cpu'
  | 'features'
  | 'clock'
  | 'os'
  | 'graphics'
  | 'displayPassword'
  | 'devices'
  | 'other'

/** The form's settings compared as the sheet reads them (description is not a restart's business). */
const FORM_FIELDS = [
  'vcpus',
  'maxVcpus',
  'memoryMiB',
  'maxMemoryMiB',
  'bootOrder',
  'cdroms',
  'nics',
  'disks',
] as const satisfies readonly (keyof VmEditSettings & PendingPart)[]

/** Parts in the order the VM view lists them. */
const ORDER: readonly PendingPart[] = [
  ...FORM_FIELDS,
  'cpu',
  'features',
  'clock',
  'os',
  'graphics',
  'displayPassword',
  'devices',
  'other',
]

/**
 * Top-level elements never compared: identity and texts (no restart needed to change them), what
 * libvirt generates when the VM starts, and what the form fields cover (vCPUs, memory: read by
 * readSettings, which knows their units and the running balloon).
 */
const NOT_COMPARED = new Set([
  'name',
  'uuid',
  'title',
  'description',
  'metadata',
  'genid',
  'seclabel',
  'memory',
  'currentMemory',
  'vcpu',
  'vcpus',
  '#comment',
])
const TOP_PART: Record<string, PendingPart> = { cpu: 'cpu', features: 'features', clock: 'clock', os: 'os' }

/** The parts where the running definition differs from the persistent one, in the view's order. */
export function pendingParts(liveXml: string, persistentXml: string): PendingPart[] {
  const parts = new Set<PendingPart>()
  const liveSettings = readSettings(liveXml)
  const persistentSettings = readSettings(persistentXml)
  for (const field of FORM_FIELDS)
    if (JSON.stringify(liveSettings[field]) !== JSON.stringify(persistentSettings[field])) parts.add(field)
  const live = parseTree(liveXml)
  const persistent = parseTree(persistentXml)
  const liveRoot = find(live.tree, 'domain')
  const persistentRoot = find(persistent.tree, 'domain')
  if (attribute(liveRoot, 'type') !== attribute(persistentRoot, 'type')) parts.add('other')
  const tags = new Set([...live.domain, ...persistent.domain].map(tagOf))
  for (const tag of tags) {
    if (NOT_COMPARED.has(tag) || tag === '#text') continue
    const running = live.domain.filter((node) => tagOf(node) === tag)
    const defined = persistent.domain.filter((node) => tagOf(node) === tag)
    if (tag === 'devices') {
      for (const part of devicesPending(running[0], defined[0])) parts.add(part)
      continue
    }
    // libvirt adds <resource><partition>/machine</partition></resource> when it starts a VM.
    if (tag === 'resource' && defined.length === 0) continue
    const differs =
      tag === 'cpu'
        ? cpuPending(running[0], defined[0])
        : tag === 'os'
          ? osKey(running[0], defined[0]) !== osKey(defined[0], defined[0])
          : tag === 'clock'
            ? clockKey(running[0]) !== clockKey(defined[0])
            : keyOf(running) !== keyOf(defined)
    if (differs) parts.add(TOP_PART[tag] ?? 'other')
  }
  return ORDER.filter((part) => parts.has(part))
}

// ---- a comparable form ----

/**
 * A node as a string that two equal definitions share: attributes sorted (minus `dropAttributes`),
 * whitespace between elements ignored, <alias>, <seclabel>, <address> and comments left out.
 */
function key(node: Ordered | undefined, dropAttributes: readonly string[] = []): string {
  if (!node) return ''
  const tag = tagOf(node)
  if (tag === '#text') return String(node['#text']).trim()
  const attributes = Object.entries(node[':@'] ?? {})
    .filter(([name]) => !dropAttributes.includes(name.slice(1)))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
  const children = kids(node)
    .filter((child) => !RUNTIME_CHILDREN.has(tagOf(child)))
    .map((child) => key(child))
    .filter(Boolean)
  return `<${tag} ${attributes.join(' ')}>${children.join('')}</${tag}>`
}
const RUNTIME_CHILDREN = new Set(['alias', 'seclabel', 'address', '#comment'])

function keyOf(nodes: readonly Ordered[]): string {
  return nodes.map((node) => key(node)).join('')
}

/** A copy of a node with some children left out and some attributes of itself removed. */
function without(
  node: Ordered,
  options: { children?: (child: Ordered) => boolean; attributes?: readonly string[] },
): Ordered {
  const tag = tagOf(node)
  const copy: Ordered = {
    [tag]: kids(node).filter((child) => !(options.children?.(child) ?? false)),
  }
  const attributes = Object.entries(node[':@'] ?? {}).filter(
    ([name]) => !(options.attributes ?? []).includes(name.slice(1)),
  )
  if (attributes.length > 0) copy[':@'] = Object.fromEntries(attributes)
  return copy
}

// ---- top-level parts ----

/**
 * <os> without the boot order (a form field). With firmware autoselection (os firmware='efi') the
 * running VM names the loader and NVRAM files libvirt picked: compared only when the definition
 * names them itself.
 */
function osKey(node: Ordered | undefined, persistent: Ordered | undefined): string {
  if (!node) return ''
  const auto = attribute(persistent, 'firmware') !== undefined
  return key(
    without(node, {
      children: (child) => tagOf(child) === 'boot' || (auto && ['loader', 'nvram'].includes(tagOf(child))),
    }),
  )
}

/** <clock>: a variable clock's adjustment follows the guest's own RTC writes while it runs. */
function clockKey(node: Ordered | undefined): string {
  if (!node) return ''
  return key(node, attribute(node, 'offset') === 'variable' ? ['adjustment'] : [])
}

/**
 * <cpu>: the running CPU is what libvirt made of the definition's. A host-model CPU runs as the
 * host's model expanded (mode='custom'); check='partial' becomes 'full' with the features QEMU
 * enabled or disabled listed. So: the mode (unless host-model expanded), the model and vendor the
 * definition names, each feature it names with its policy, and the rest (topology, NUMA, cache)
 * as is. No <cpu> in the definition: libvirt may give the running VM its default model.
 */
function cpuPending(live: Ordered | undefined, persistent: Ordered | undefined): boolean {
  if (!persistent) return false
  if (!live) return true
  const mode = (node: Ordered) => attribute(node, 'mode') ?? 'custom'
  const expanded = mode(persistent) === 'host-model' && mode(live) === 'custom'
  if (!expanded && mode(live) !== mode(persistent)) return true
  const liveKids = kids(live)
  for (const tag of ['model', 'vendor']) {
    const named = find(kids(persistent), tag)
    if (named && !expanded && textIn(named) !== textIn(find(liveKids, tag))) return true
  }
  const policyOf = (feature: Ordered | undefined) => attribute(feature, 'policy') ?? 'require'
  for (const feature of kids(persistent).filter((child) => tagOf(child) === 'feature')) {
    const running = liveKids.find(
      (child) => tagOf(child) === 'feature' && attribute(child, 'name') === attribute(feature, 'name'),
    )
    if (!running || policyOf(running) !== policyOf(feature)) return true
  }
  const rest = (node: Ordered) =>
    key(
      without(node, {
        children: (child) => ['model', 'vendor', 'feature'].includes(tagOf(child)),
        attributes: ['mode', 'check', 'match', 'migratable'],
      }),
    )
  return rest(live) !== rest(persistent)
}

// ---- devices ----

/** Which device kinds are named by which part (any other device: 'devices'). */
function partOfDevice(device: Ordered): PendingPart {
  const tag = tagOf(device)
  if (tag === 'disk') return attribute(device, 'device') === 'cdrom' ? 'cdroms' : 'disks'
  if (tag === 'interface') return 'nics'
  if (tag === 'graphics') return 'graphics'
  return 'devices'
}

/** libvirt's generated tap and macvtap names (a definition's own vnet* name is ignored by libvirt). */
const GENERATED_IFNAME = /^(vnet|vif|macvtap|macvlan)\d*$/

function emptySource(source: Ordered): boolean {
  const attributes = Object.keys(source[':@'] ?? {}).filter((name) => name !== '@index')
  return attributes.length === 0 && kids(source).every((child) => tagOf(child) === '#text')
}

/**
 * A drive with no medium (an ejected CD-ROM): libvirt starts it without the driver's format, so the
 * running VM shows <driver name='qemu'/> where the definition says type='raw' (seen on the lab's
 * libvirt 9.0 after `change-media --eject --config` and a start). Compared without that format.
 */
function emptyDriveFormatDropped(disk: Ordered): Ordered {
  const source = kids(disk).find((child) => tagOf(child) === 'source')
  if (source && !emptySource(source)) return disk
  return {
    ...disk,
    disk: kids(disk).map((child) =>
      tagOf(child) === 'driver' ? without(child, { attributes: ['type'] }) : child,
    ),
  }
}

/** A device as compared: what libvirt adds to the running copy removed from both. */
function deviceKey(device: Ordered): string {
  const tag = tagOf(device)
  const type = attribute(device, 'type')
  switch (tag) {
    case 'disk':
      return key(
        without(emptyDriveFormatDropped(device), {
          children: (child) =>
            ['backingStore', 'mirror'].includes(tagOf(child)) ||
            // An ejected drive of the running VM keeps <source index='3'/>.
            (tagOf(child) === 'source' && emptySource(child)),
        }),
      )
        .replace(/ @index="\d+"/g, '')
        .replace(/ @tray="\w+"/g, '')
    case 'interface':
      return key(
        without(device, {
          children: (child) =>
            tagOf(child) === 'actual' ||
            (tagOf(child) === 'target' && GENERATED_IFNAME.test(attribute(child, 'dev') ?? '')),
        }),
      ).replace(/ @portid="[^"]*"/g, '')
    case 'graphics': {
      const auto = attribute(device, 'autoport') === 'yes'
      return key(
        without(device, {
          attributes: ['passwd', ...(auto ? ['port', 'tlsPort', 'websocket'] : [])],
        }),
      ).replace(/ @(fromConfig|autoGenerated)="[^"]*"/g, '')
    }
    case 'serial':
    case 'console':
    case 'parallel':
    case 'channel':
      // A pty's /dev/pts path, and the socket libvirt makes for a channel defined without a path.
      return key(
        without(device, {
          attributes: ['tty'],
          children: (child) => tagOf(child) === 'source' && type === 'pty',
        }),
      )
        .replace(/ @path="[^"]*\/channel\/target\/[^"]*"/g, '')
        .replace(/ @state="\w+"/g, '')
    default:
      return key(device)
  }
}

/** A display's password, read in the core only (never sent anywhere). */
function passwords(devices: readonly Ordered[]): string {
  return JSON.stringify(
    devices
      .filter((device) => tagOf(device) === 'graphics')
      .map((device) => [attribute(device, 'type'), attribute(device, 'passwd') ?? null]),
  )
}

function devicesPending(live: Ordered | undefined, persistent: Ordered | undefined): PendingPart[] {
  const running = kids(live).filter((node) => !['#text', '#comment'].includes(tagOf(node)))
  const defined = kids(persistent).filter((node) => !['#text', '#comment'].includes(tagOf(node)))
  const parts = new Set<PendingPart>()
  const byPart = (devices: readonly Ordered[], part: PendingPart) =>
    devices
      .filter((device) => partOfDevice(device) === part)
      .map(deviceKey)
      // Sorted: libvirt lists controllers and inputs in its own order, and a hot-plugged device comes
      // last in the running VM. A device's own boot order is an attribute of its key.
      .sort()
      .join('\n')
  for (const part of ['disks', 'cdroms', 'nics', 'graphics', 'devices'] as const)
    if (byPart(running, part) !== byPart(defined, part)) parts.add(part)
  if (passwords(running) !== passwords(defined)) parts.add('displayPassword')
  return [...parts]
}
