import crypto from 'node:crypto'
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser'
import type { BootDevice, VmEditChanges, VmEditSettings } from '../../../shared/vmedit'
import { canonicalDomainXml } from './domain-xml'

/**
 * Editing a VM's persistent definition (issue 19 item 3), next to domain-xml.ts, the only other
 * module that reads domain XML. An edit works on the host's own text as an ordered tree
 * (fast-xml-parser with preserveOrder, whitespace kept), changes only the elements the user changed,
 * and writes the rest back as it was: libvirt normalises the result when it is defined, and the edit
 * job compares what each host reads back.
 */

/** A node of the ordered tree (fast-xml-parser's preserveOrder shape); domain-pending.ts reads it too. */
export type Ordered = Record<string, unknown> & { ':@'?: Record<string, string> }

const editParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  preserveOrder: true,
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
  commentPropName: '#comment',
})
const editBuilder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  preserveOrder: true,
  format: false,
  suppressEmptyNode: true,
  commentPropName: '#comment',
})

/** Why an edit cannot be made to this definition (the edit job turns it into a message). */
export class DefinitionEditError extends Error {
  constructor(
    readonly reason:
      | 'xml'
      | 'boot-per-device'
      | 'cdrom-unknown'
      | 'vcpus-over-max'
      | 'memory-over-max'
      | 'disk-unknown'
      | 'disk-cdrom'
      | 'disk-not-rbd'
      | 'disk-no-rbd'
      | 'disk-attached'
      | 'disk-targets-full'
      | 'disk-detach-grow'
      | 'nic-unknown'
      | 'nic-not-bridge'
      | 'nic-mac-twice'
      | 'nic-remove-change',
    readonly detail: string,
  ) {
    super(detail)
    this.name = 'DefinitionEditError'
  }
}

export function tagOf(node: Ordered): string {
  return Object.keys(node).find((key) => key !== ':@') ?? ''
}
export function kids(node: Ordered | undefined): Ordered[] {
  if (!node) return []
  const value = node[tagOf(node)]
  return Array.isArray(value) ? (value as Ordered[]) : []
}
export function find(nodes: readonly Ordered[], tag: string): Ordered | undefined {
  return nodes.find((node) => tagOf(node) === tag)
}
export function textIn(node: Ordered | undefined): string {
  return kids(node)
    .map((child) => (typeof child['#text'] === 'string' ? child['#text'] : ''))
    .join('')
    .trim()
}
function element(tag: string, attributes: Record<string, string> = {}, children: Ordered[] = []): Ordered {
  const node: Ordered = { [tag]: children }
  if (Object.keys(attributes).length > 0)
    node[':@'] = Object.fromEntries(Object.entries(attributes).map(([name, value]) => [`@${name}`, value]))
  return node
}
function textElement(tag: string, value: string, attributes: Record<string, string> = {}): Ordered {
  return element(tag, attributes, [{ '#text': value }])
}
export function attribute(node: Ordered | undefined, name: string): string | undefined {
  return node?.[':@']?.[`@${name}`]
}

export function parseTree(xml: string): { tree: Ordered[]; domain: Ordered[] } {
  const valid = XMLValidator.validate(xml)
  if (valid !== true) throw new DefinitionEditError('xml', `line ${valid.err.line}: ${valid.err.msg}`)
  const tree = editParser.parse(xml) as Ordered[]
  const root = find(tree, 'domain')
  if (!root) throw new DefinitionEditError('xml', 'no <domain> element')
  return { tree, domain: kids(root) }
}

/** Replaces (or inserts after `after`, or appends) the first `tag` child; null removes it. */
function put(nodes: Ordered[], tag: string, next: Ordered | null, after: readonly string[] = []): void {
  const index = nodes.findIndex((node) => tagOf(node) === tag)
  if (index >= 0) {
    if (next) nodes[index] = next
    else nodes.splice(index, 1)
    return
  }
  if (!next) return
  const anchor = Math.max(...after.map((name) => nodes.findIndex((node) => tagOf(node) === name)))
  nodes.splice(anchor >= 0 ? anchor + 1 : nodes.length, 0, next)
}

const KIB = { unit: 'KiB' }

/** A definition's top-level name and UUID ('' when absent); throws DefinitionEditError on bad XML. */
export function identityOf(xml: string): { name: string; uuid: string } {
  const { domain } = parseTree(xml)
  return { name: textIn(find(domain, 'name')), uuid: textIn(find(domain, 'uuid')).toLowerCase() }
}

/** The settings an edit can change, as the definition has them (the sheet's starting values). */
export function readSettings(xml: string): VmEditSettings {
  const { domain } = parseTree(xml)
  const vcpu = find(domain, 'vcpu')
  const maxVcpus = Number(textIn(vcpu) || '1')
  const memory = find(domain, 'memory')
  const current = find(domain, 'currentMemory') ?? memory
  const os = kids(find(domain, 'os'))
  const devices = kids(find(domain, 'devices'))
  const cdroms = devices
    .filter((node) => tagOf(node) === 'disk' && attribute(node, 'device') === 'cdrom')
    .map((node) => {
      const source = attribute(find(kids(node), 'source'), 'file')
      return {
        target: attribute(find(kids(node), 'target'), 'dev') ?? '',
        ...(source ? { iso: source } : {}),
      }
    })
  return {
    vcpus: Number(attribute(vcpu, 'current') ?? maxVcpus),
    maxVcpus,
    memoryMiB: Math.round(kib(current) / 1024),
    maxMemoryMiB: Math.round(kib(memory) / 1024),
    description: textIn(find(domain, 'description')),
    bootOrder: os
      .filter((node) => tagOf(node) === 'boot')
      .map((node) => attribute(node, 'dev') as BootDevice)
      .filter((dev) => dev === 'hd' || dev === 'cdrom' || dev === 'network'),
    cdroms,
    nics: devices
      .filter((node) => tagOf(node) === 'interface')
      .map((node) => ({
        mac: attribute(find(kids(node), 'mac'), 'address') ?? '',
        bridge: attribute(find(kids(node), 'source'), 'bridge') ?? '',
        model: attribute(find(kids(node), 'model'), 'type') ?? '',
      })),
    disks: devices
      .filter((node) => tagOf(node) === 'disk' && attribute(node, 'device') !== 'cdrom')
      .map((node) => {
        const source = find(kids(node), 'source')
        return {
          target: attribute(find(kids(node), 'target'), 'dev') ?? '',
          source: attribute(source, 'name') ?? attribute(source, 'file') ?? attribute(source, 'dev') ?? '',
        }
      }),
  }
}

function kib(node: Ordered | undefined): number {
  const value = Number(textIn(node) || '0')
  const unit = (attribute(node, 'unit') ?? 'KiB').toLowerCase()
  const factor: Record<string, number> = {
    b: 1 / 1024,
    bytes: 1 / 1024,
    k: 1,
    kib: 1,
    m: 1024,
    mib: 1024,
    g: 1024 ** 2,
    gib: 1024 ** 2,
  }
  return Math.round(value * (factor[unit] ?? 1))
}

/**
 * The definition with the changes made (vCPUs, memory, description, boot order, CD-ROM media):
 * everything else is the host's text. Autostart is not in the XML (virsh autostart, per host).
 */
export function editedDefinition(xml: string, changes: VmEditChanges): string {
  const { tree, domain } = parseTree(xml)
  const before = readSettings(xml)
  const vcpus = changes.vcpus ?? before.vcpus
  const maxVcpus = changes.maxVcpus ?? Math.max(before.maxVcpus, changes.vcpus ?? 0)
  if (vcpus > maxVcpus)
    throw new DefinitionEditError('vcpus-over-max', `${vcpus} vCPUs is more than the maximum ${maxVcpus}`)
  if (vcpus !== before.vcpus || maxVcpus !== before.maxVcpus) {
    const vcpu = find(domain, 'vcpu')
    const attributes: Record<string, string> = Object.fromEntries(
      Object.entries(vcpu?.[':@'] ?? {})
        .filter(([name]) => name !== '@current')
        .map(([name, value]) => [name.slice(1), value]),
    )
    if (vcpus < maxVcpus) attributes['current'] = String(vcpus)
    put(domain, 'vcpu', textElement('vcpu', String(maxVcpus), attributes), ['currentMemory', 'memory'])
  }
  const memory = changes.memoryMiB ?? before.memoryMiB
  const max = changes.maxMemoryMiB ?? Math.max(before.maxMemoryMiB, changes.memoryMiB ?? 0)
  if (memory > max)
    throw new DefinitionEditError('memory-over-max', `${memory} MiB is more than the maximum ${max} MiB`)
  // (Rewritten only when it changes: the same value in KiB instead of MiB is no change.)
  if (memory !== before.memoryMiB || max !== before.maxMemoryMiB) {
    put(domain, 'memory', textElement('memory', String(max * 1024), KIB), ['uuid', 'description'])
    put(domain, 'currentMemory', textElement('currentMemory', String(memory * 1024), KIB), ['memory'])
  }
  if (changes.description !== undefined && changes.description !== before.description)
    put(
      domain,
      'description',
      changes.description === '' ? null : textElement('description', changes.description),
      ['title', 'uuid', 'name'],
    )
  if (changes.bootOrder !== undefined && changes.bootOrder.join() !== before.bootOrder.join())
    editBootOrder(domain, changes.bootOrder)
  if (changes.cdrom !== undefined) editCdrom(domain, changes.cdrom.target, changes.cdrom.iso)
  editDisks(domain, changes)
  editNics(domain, changes)
  return String(editBuilder.build(tree))
}

function macOf(nic: Ordered): string {
  return (attribute(find(kids(nic), 'mac'), 'address') ?? '').toLowerCase()
}

/**
 * Network cards: removed by MAC, given another MAC or bridge (a card on a bridge only), added on a
 * bridge with the MAC the plan gave (typed, or drawn unused everywhere). No MAC twice in the result.
 */
function editNics(domain: Ordered[], changes: VmEditChanges): void {
  const add = changes.addNics ?? []
  const remove = changes.removeNics ?? []
  const change = changes.changeNics ?? []
  if (add.length + remove.length + change.length === 0) return
  const devicesNode = find(domain, 'devices')
  if (!devicesNode) throw new DefinitionEditError('xml', 'no <devices> element')
  let devices = kids(devicesNode)
  const nicOf = (mac: string) =>
    devices.find((node) => tagOf(node) === 'interface' && macOf(node) === mac.toLowerCase())
  for (const mac of remove) {
    const nic = nicOf(mac)
    if (!nic) throw new DefinitionEditError('nic-unknown', mac)
    if (change.some((entry) => entry.mac.toLowerCase() === mac.toLowerCase()))
      throw new DefinitionEditError('nic-remove-change', mac)
    devices = devices.filter((node) => node !== nic)
  }
  for (const entry of change) {
    const nic = nicOf(entry.mac)
    if (!nic) throw new DefinitionEditError('nic-unknown', entry.mac)
    const children = kids(nic)
    if (entry.bridge !== undefined) {
      if (attribute(nic, 'type') !== 'bridge')
        throw new DefinitionEditError('nic-not-bridge', `${entry.mac} ${attribute(nic, 'type') ?? '?'}`)
      const source = find(children, 'source')
      if (source) source[':@'] = { ...source[':@'], '@bridge': entry.bridge }
      else children.splice(1, 0, element('source', { bridge: entry.bridge }))
    }
    if (entry.newMac !== undefined) {
      const mac = find(children, 'mac')
      if (mac) mac[':@'] = { ...mac[':@'], '@address': entry.newMac.toLowerCase() }
    }
  }
  const made = add.map((nic) => {
    if (!nic.mac) throw new DefinitionEditError('xml', 'a new network card has no MAC yet')
    return element('interface', { type: 'bridge' }, [
      element('mac', { address: nic.mac.toLowerCase() }),
      element('source', { bridge: nic.bridge }),
      element('model', { type: nic.model ?? 'virtio' }),
    ])
  })
  const last = devices.reduce(
    (at, node, index) => (['interface', 'disk', 'controller'].includes(tagOf(node)) ? index : at),
    -1,
  )
  devices.splice(last + 1, 0, ...made)
  const macs = devices.filter((node) => tagOf(node) === 'interface').map(macOf)
  const twice = macs.find((mac, index) => macs.indexOf(mac) !== index)
  if (twice) throw new DefinitionEditError('nic-mac-twice', twice)
  devicesNode[tagOf(devicesNode)] = devices
}

/** One network card of a definition as XML text (for attach-device, detach-device, update-device --live). */
export function nicDeviceXml(xml: string, mac: string): string {
  const nic = kids(find(parseTree(xml).domain, 'devices')).find(
    (node) => tagOf(node) === 'interface' && macOf(node) === mac.toLowerCase(),
  )
  if (!nic) throw new DefinitionEditError('nic-unknown', mac)
  return String(editBuilder.build([nic]))
}

function diskNodes(domain: readonly Ordered[]): Ordered[] {
  return kids(find(domain, 'devices')).filter((node) => tagOf(node) === 'disk')
}
function targetOf(disk: Ordered): string {
  return attribute(find(kids(disk), 'target'), 'dev') ?? ''
}
function rbdSource(disk: Ordered): { pool: string; image: string } | undefined {
  const source = find(kids(disk), 'source')
  if (attribute(disk, 'type') !== 'network' || attribute(source, 'protocol') !== 'rbd') return undefined
  const [pool, ...rest] = (attribute(source, 'name') ?? '').split('/')
  // POOL/IMAGE (a namespace would be POOL/NS/IMAGE: its image is the last part).
  return pool && rest.length > 0 ? { pool, image: rest[rest.length - 1]! } : undefined
}

/** The RBD disks of a definition by target: pool and image (what rbd info / resize are asked about). */
export function rbdDisks(xml: string): { target: string; pool: string; image: string; spec: string }[] {
  return diskNodes(parseTree(xml).domain).flatMap((disk) => {
    const rbd = rbdSource(disk)
    const spec = attribute(find(kids(disk), 'source'), 'name') ?? ''
    return rbd ? [{ target: targetOf(disk), ...rbd, spec }] : []
  })
}

const VIRTIO_TARGETS = Array.from({ length: 26 }, (_, index) => `vd${String.fromCharCode(97 + index)}`)

/** The targets new virtio disks get, in order: the first vdX no disk (or CD-ROM) of the definition uses. */
export function newDiskTargets(xml: string, changes: VmEditChanges): string[] {
  return freeTargets(diskNodes(parseTree(xml).domain), changes.attachDisks?.length ?? 0)
}
function freeTargets(disks: readonly Ordered[], count: number): string[] {
  if (count === 0) return []
  // A detached disk's target is not reused in the same edit: its device may leave the running VM later.
  const used = new Set(disks.map(targetOf))
  const free = VIRTIO_TARGETS.filter((target) => !used.has(target))
  if (free.length < count)
    throw new DefinitionEditError('disk-targets-full', `${free.length} free vdX targets`)
  return free.slice(0, count)
}

/**
 * Detaches (the image is kept) and attaches RBD disks. A new disk is the app's RBD disk (virtio,
 * cache writeback, error_policy='stop', see vmdef/builder.ts) reaching Ceph as the VM's first RBD
 * disk does: the same <auth> (client and secret) and monitor <host>s. Grows change no XML (the size
 * is Ceph's); they are only checked here against the definition's disks.
 */
function editDisks(domain: Ordered[], changes: VmEditChanges): void {
  const disks = diskNodes(domain)
  const byTarget = (target: string) => disks.find((disk) => targetOf(disk) === target)
  for (const grow of changes.growDisks ?? []) {
    const disk = byTarget(grow.target)
    if (!disk) throw new DefinitionEditError('disk-unknown', grow.target)
    if (!rbdSource(disk)) throw new DefinitionEditError('disk-not-rbd', grow.target)
    if (changes.detachDisks?.includes(grow.target))
      throw new DefinitionEditError('disk-detach-grow', grow.target)
  }
  const devicesNode = find(domain, 'devices')
  let devices = kids(devicesNode)
  for (const target of changes.detachDisks ?? []) {
    const disk = byTarget(target)
    if (!disk) throw new DefinitionEditError('disk-unknown', target)
    if (attribute(disk, 'device') === 'cdrom') throw new DefinitionEditError('disk-cdrom', target)
    devices = devices.filter((node) => node !== disk)
  }
  const attach = changes.attachDisks ?? []
  if (attach.length > 0) {
    const model = disks.find((disk) => rbdSource(disk) !== undefined)
    if (!model) throw new DefinitionEditError('disk-no-rbd', 'no RBD disk')
    for (const wanted of attach) {
      const same = disks.find((disk) => {
        const rbd = rbdSource(disk)
        return rbd?.pool === wanted.pool && rbd.image === wanted.image
      })
      if (same)
        throw new DefinitionEditError('disk-attached', `${wanted.pool}/${wanted.image} ${targetOf(same)}`)
    }
    const targets = freeTargets(disks, attach.length)
    // <auth> sits in <disk> or (libvirt 3.9 and later may write it there) in <source>: kept where it was.
    const auth = find(kids(model), 'auth')
    const access = kids(find(kids(model), 'source')).filter((node) => ['host', 'auth'].includes(tagOf(node)))
    const made = attach.map((wanted, index) =>
      element('disk', { type: 'network', device: 'disk' }, [
        element('driver', { name: 'qemu', type: 'raw', cache: 'writeback', error_policy: 'stop' }),
        ...(auth ? [structuredClone(auth)] : []),
        element(
          'source',
          { protocol: 'rbd', name: `${wanted.pool}/${wanted.image}` },
          access.map((node) => structuredClone(node)),
        ),
        element('target', { dev: targets[index]!, bus: 'virtio' }),
      ]),
    )
    const last = devices.reduce((at, node, index) => (tagOf(node) === 'disk' ? index : at), -1)
    devices.splice(last + 1, 0, ...made)
  }
  if (devicesNode && (attach.length > 0 || (changes.detachDisks?.length ?? 0) > 0))
    devicesNode[tagOf(devicesNode)] = devices
}

/** One device of a definition as XML text (a new disk, for virsh attach-device --live). */
export function diskDeviceXml(xml: string, target: string): string {
  const disk = diskNodes(parseTree(xml).domain).find((node) => targetOf(node) === target)
  if (!disk) throw new DefinitionEditError('disk-unknown', target)
  return String(editBuilder.build([disk]))
}

function editBootOrder(domain: Ordered[], order: readonly BootDevice[]): void {
  const devices = kids(find(domain, 'devices'))
  const perDevice = devices.find((device) => find(kids(device), 'boot') !== undefined)
  if (perDevice)
    throw new DefinitionEditError(
      'boot-per-device',
      `the ${tagOf(perDevice)} ${attribute(find(kids(perDevice), 'target'), 'dev') ?? ''} has its own <boot order=…>`,
    )
  const os = find(domain, 'os')
  if (!os) throw new DefinitionEditError('xml', 'no <os> element')
  const children = kids(os).filter((node) => tagOf(node) !== 'boot')
  const at = children.findIndex((node) => tagOf(node) === 'type')
  children.splice(at + 1, 0, ...order.map((dev) => element('boot', { dev })))
  os[tagOf(os)] = children
}

function editCdrom(domain: Ordered[], target: string, iso: string | null): void {
  const drive = kids(find(domain, 'devices')).find(
    (node) =>
      tagOf(node) === 'disk' &&
      attribute(node, 'device') === 'cdrom' &&
      attribute(find(kids(node), 'target'), 'dev') === target,
  )
  if (!drive) throw new DefinitionEditError('cdrom-unknown', target)
  drive[':@'] = { ...drive[':@'], '@type': 'file' }
  const children = kids(drive).filter((node) => tagOf(node) !== 'source')
  if (iso !== null) {
    const driver = children.findIndex((node) => tagOf(node) === 'driver')
    children.splice(driver + 1, 0, element('source', { file: iso }))
  }
  drive[tagOf(drive)] = children
}

/**
 * A definition's hash for the edit's guard: the canonical form (passwords hidden, see
 * canonicalDomainXml), so the same definition hashes the same on every host and after a re-read.
 */
export function definitionHash(xml: string): string {
  return crypto.createHash('sha256').update(canonicalDomainXml(xml)).digest('hex')
}
