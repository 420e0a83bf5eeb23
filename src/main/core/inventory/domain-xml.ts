import crypto from 'node:crypto'
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser'
import { ApiError, stepFields } from '../../../shared/errors'
import { msg } from '../../../shared/messages'
import { formatErrorMessage, type FormatErrorText } from '../../../shared/format-errors'
import { domainNameFromXml, domainNameOfParsed } from './domain-name'
import type { Disk, DomainDefinition, Nic } from '../../../shared/inventory'

/**
 * Reading libvirt domain XML (`virsh dumpxml`), the canonical form used to compare one VM's
 * definitions across hosts (drift), and the one edit the app makes to a definition (error_policy):
 * no other module reads domain XML. Parsing is fast-xml-parser's; this file only knows libvirt's schema.
 */

/** Hyperdesk keeps its per-VM settings under this namespace in <metadata>, so they sync with the definition. */
export const HYPERDESK_METADATA_NS = 'https://hyperdesk.app/xmlns/vm/1'

type Node = Record<string, unknown>

/** Attributes as '@name', text as '#text', every value a string: how each reader here sees XML. */
const READING = {
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
} as const

// Elements that may repeat are always arrays, so one disk and two disks read the same way.
const REPEATED = new Set([
  'disk',
  'interface',
  'graphics',
  'serial',
  'console',
  'boot',
  'feature',
  'host',
  'listen',
])
const parser = new XMLParser({ ...READING, isArray: (name) => REPEATED.has(name) })

function text(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value === 'object') return (value as Node)['#text'] as string | undefined
  return String(value)
}

function attr(node: unknown, name: string): string | undefined {
  if (!node || typeof node !== 'object') return undefined
  const value = (node as Node)[`@${name}`]
  return value === undefined ? undefined : String(value)
}

function child(node: unknown, name: string): Node | undefined {
  if (!node || typeof node !== 'object') return undefined
  const value = (node as Node)[name]
  if (Array.isArray(value)) return value[0] as Node | undefined
  return value as Node | undefined
}

function children(node: unknown, name: string): Node[] {
  if (!node || typeof node !== 'object') return []
  const value = (node as Node)[name]
  if (value === undefined) return []
  return (Array.isArray(value) ? value : [value]) as Node[]
}

/** Memory in KiB, whatever unit libvirt wrote it in. */
function memoryKiB(node: unknown): number {
  const value = Number(text(node) ?? 0)
  const unit = (attr(node, 'unit') ?? 'KiB').toLowerCase()
  const factor: Record<string, number> = {
    b: 1 / 1024,
    bytes: 1 / 1024,
    k: 1,
    kib: 1,
    kb: 1000 / 1024,
    m: 1024,
    mib: 1024,
    mb: 1e6 / 1024,
    g: 1024 ** 2,
    gib: 1024 ** 2,
    gb: 1e9 / 1024,
  }
  return Math.round(value * (factor[unit] ?? 1))
}

/** Where a definition was read, for the error's words (host and VM). */
export interface DomainXmlSource {
  host?: string
  vm?: string
}

/**
 * A definition Hyperdesk will not read: not well-formed or truncated XML, no <domain>, or a disk it
 * cannot understand. Never a VM with fewer disks: the guards rely on knowing every disk.
 */
export class DomainXmlError extends ApiError {
  constructor(
    text: Extract<FormatErrorText, 'domainXmlInvalid' | 'domainDiskUnknown'>,
    params: Record<string, string>,
  ) {
    const message = formatErrorMessage(text, params)
    super({
      code: 'domain-xml.invalid',
      ...(params.host ? { host: params.host } : {}),
      ...stepFields(msg('errorSteps.readVmDefinition')),
      message,
      hint: formatErrorMessage('domainXmlInvalidHint', params),
      details: { text, params, hintText: 'domainXmlInvalidHint' },
    })
    this.name = 'DomainXmlError'
  }
}

/** libvirt's own syntax for an RBD source name: pool/image or pool/namespace/image, `@snap` allowed (older). */
const RBD_NAME = /^([^/@]+)\/(?:([^/@]+)\/)?([^/@]+)(?:@([^/@]+))?$/

function readDisk(disk: Node, where: Record<string, string>): Disk {
  const source = child(disk, 'source')
  const target = attr(child(disk, 'target'), 'dev')
  const type = attr(disk, 'type') ?? 'file'
  const fail = (problem: string): never => {
    throw new DomainXmlError('domainDiskUnknown', { ...where, target: target ?? '?', problem })
  }
  if (!target) fail('it has no <target dev=…>')
  const out: Disk = {
    device: (attr(disk, 'device') ?? 'disk') as Disk['device'],
    target: target ?? '',
    readonly: child(disk, 'readonly') !== undefined,
  }
  const bus = attr(child(disk, 'target'), 'bus')
  if (bus) out.bus = bus
  const errorPolicy = attr(child(disk, 'driver'), 'error_policy')
  if (errorPolicy) out.errorPolicy = errorPolicy
  if (type === 'network') {
    const protocol = attr(source, 'protocol')
    if (!protocol) fail('a network disk without <source protocol=…>')
    if (protocol === 'rbd') out.rbd = readRbdSource(disk, source, fail)
    else {
      const name = attr(source, 'name')
      out.network = { protocol: protocol ?? '', ...(name !== undefined ? { name } : {}) }
    }
  } else if (type === 'volume' && source) {
    // (A removable drive may have no <source>: it is empty.)
    const pool = attr(source, 'pool')
    const volume = attr(source, 'volume')
    if (!pool || !volume) fail('a volume disk whose <source> lacks pool= or volume=')
    out.volume = { pool: pool ?? '', volume: volume ?? '' }
  }
  const file = attr(source, 'file') ?? attr(source, 'dev')
  if (file) out.file = file
  const format = attr(child(disk, 'driver'), 'type')
  if (file && format && LAYERED_FORMATS.has(format)) out.layeredFormat = format
  const backingStore = readBackingStore(disk)
  if (backingStore) out.backingStore = backingStore
  return out
}

/** Image formats whose header can name a backing file (QEMU's block drivers with a backing chain). */
export const LAYERED_FORMATS = new Set(['qcow2', 'qcow', 'qed', 'vmdk'])

/**
 * A disk's <backingStore> chain as the definition gives it: each file or block device, until an
 * empty <backingStore/> (complete), a store that is not on the host's disk (a network one: shared,
 * complete for this purpose), or a store with no <backingStore> inside (not complete: libvirt
 * reads the rest from that file's header). Undefined when the definition gives none.
 */
function readBackingStore(disk: Node): Disk['backingStore'] {
  const files: NonNullable<Disk['backingStore']>['files'] = []
  let node: unknown = disk['backingStore']
  if (node === undefined) return undefined
  for (;;) {
    if (Array.isArray(node)) node = node[0]
    // <backingStore/>, with neither attribute nor child, is read as an empty string.
    if (!node || typeof node !== 'object') return { files, complete: true }
    const type = attr(node, 'type')
    const source = child(node, 'source')
    const file = attr(source, 'file') ?? attr(source, 'dev')
    if ((type !== 'file' && type !== 'block') || !file) return { files, complete: true }
    const format = attr(child(node, 'format'), 'type')
    files.push({ file, ...(format ? { format } : {}) })
    node = (node as Node)['backingStore']
    if (node === undefined) return { files, complete: false }
  }
}

function readRbdSource(disk: Node, source: Node | undefined, fail: (problem: string) => never): Disk['rbd'] {
  const name = attr(source, 'name') ?? ''
  const match = RBD_NAME.exec(name)
  if (!match)
    return fail(`the RBD source name ${JSON.stringify(name)} is not pool/image or pool/namespace/image`)
  const [, pool = '', namespace, image = '', inlineSnapshot] = match
  const snapshotNode = child(source, 'snapshot')
  const snapshot = attr(snapshotNode, 'name') ?? inlineSnapshot
  if (snapshotNode && inlineSnapshot) fail(`the RBD source ${name} names a snapshot twice`)
  const monitors = children(source, 'host').map((host) => {
    const monitor = attr(host, 'name')
    const port = attr(host, 'port')
    if (!monitor) return fail('an RBD monitor <host> without a name')
    if (port !== undefined && !/^\d+$/.test(port)) return fail(`the monitor ${monitor} has the port ${port}`)
    return port !== undefined ? { name: monitor, port: Number(port) } : { name: monitor }
  })
  // <auth> moved from <disk> into <source> in libvirt 3.9; both are still accepted.
  const authNode = child(source, 'auth') ?? child(disk, 'auth')
  let auth: NonNullable<Disk['rbd']>['auth']
  if (authNode) {
    const username = attr(authNode, 'username')
    const secret = child(authNode, 'secret')
    if (!username) return fail('an RBD <auth> without a username')
    const uuid = attr(secret, 'uuid')
    const usage = attr(secret, 'usage')
    auth = {
      username,
      ...(uuid ? { secretUuid: uuid.toLowerCase() } : {}),
      ...(usage ? { secretUsage: usage } : {}),
    }
  }
  return {
    pool,
    ...(namespace ? { namespace } : {}),
    image,
    ...(snapshot ? { snapshot } : {}),
    ...(monitors.length > 0 ? { monitors } : {}),
    ...(auth ? { auth } : {}),
  }
}

/** Where a definition was read, for an error's words; `vm` becomes the definition's name if unknown. */
type Where = Record<string, string>

const invalidXml = (where: Where, problem: string): never => {
  throw new DomainXmlError('domainXmlInvalid', { ...where, problem })
}

/**
 * Why a document is not well-formed XML, if it is not. fast-xml-parser reads a truncated document
 * without complaint (and would drop the disks after the cut): the validator refuses it first.
 */
function xmlProblem(xml: string): string | undefined {
  const valid = XMLValidator.validate(xml)
  return valid === true ? undefined : `line ${valid.err.line}: ${valid.err.msg}`
}

export function parseDomainXml(xml: string, from: DomainXmlSource = {}): DomainDefinition {
  const where: Where = { host: from.host ?? '?', vm: from.vm ?? '?' }
  const problem = xmlProblem(xml)
  if (problem !== undefined) invalidXml(where, problem)
  let document: Node
  try {
    document = parser.parse(xml) as Node
  } catch (error) {
    return invalidXml(where, (error as Error).message)
  }
  return definitionOf(document, where)
}

/** A parsed domain document (parser's shape) as the inventory's definition. */
function definitionOf(document: Node, where: Where): DomainDefinition {
  const invalid = (problem: string): never => invalidXml(where, problem)
  const domain = child(document, 'domain')
  const name = text(child(domain, 'name'))
  const uuid = text(child(domain, 'uuid'))
  if (!domain || !name || !uuid) return invalid('no <domain> with <name> and <uuid>')
  if (where.vm === '?') where.vm = name
  const devices = child(domain, 'devices')
  if (!devices) return invalid('no <devices>')

  const disks: Disk[] = children(devices, 'disk').map((disk) => readDisk(disk, where))

  const nics: Nic[] = children(devices, 'interface').map((nic) => {
    const out: Nic = {
      mac: (attr(child(nic, 'mac'), 'address') ?? '').toLowerCase(),
      type: attr(nic, 'type') ?? '',
    }
    const source = child(nic, 'source')
    const bridge = attr(source, 'bridge')
    const network = attr(source, 'network')
    const model = attr(child(nic, 'model'), 'type')
    const target = attr(child(nic, 'target'), 'dev')
    if (bridge) out.bridge = bridge
    if (network) out.network = network
    if (model) out.model = model
    if (target) out.target = target
    return out
  })

  const graphics = children(devices, 'graphics').map((node) => {
    const port = attr(node, 'port')
    const out: DomainDefinition['graphics'][number] = {
      type: attr(node, 'type') ?? '',
      autoport: attr(node, 'autoport') === 'yes',
    }
    if (port !== undefined) out.port = Number(port)
    const listen = attr(node, 'listen') ?? attr(child(node, 'listen'), 'address')
    if (listen) out.listen = listen
    const keymap = attr(node, 'keymap')
    if (keymap) out.keymap = keymap
    return out
  })

  const serials = children(devices, 'serial').map((node) => {
    const out: { type: string; path?: string } = { type: attr(node, 'type') ?? '' }
    const path = attr(child(node, 'source'), 'path')
    if (path) out.path = path
    return out
  })

  const definition: DomainDefinition = {
    name,
    uuid: uuid.toLowerCase(),
    type: attr(domain, 'type') ?? '',
    memoryKiB: memoryKiB(child(domain, 'memory')),
    currentMemoryKiB: memoryKiB(child(domain, 'currentMemory') ?? child(domain, 'memory')),
    vcpus: Number(text(child(domain, 'vcpu')) ?? 1),
    disks,
    nics,
    graphics,
    serials,
    hyperdesk: readHyperdeskMetadata(child(domain, 'metadata')),
  }
  const cpuModel = text(child(child(domain, 'cpu'), 'model'))
  if (cpuModel) definition.cpuModel = cpuModel
  const os = child(domain, 'os')
  const bootFiles = ['kernel', 'initrd', 'dtb', 'loader'].flatMap((tag) => text(child(os, tag))?.trim() || [])
  if (bootFiles.length > 0) definition.bootFiles = bootFiles
  return definition
}

/**
 * The `<cpu mode>` of a domain's XML (libvirt's default, custom, when the attribute is absent reads
 * as undefined). A document that does not parse reads as undefined too: parseDomainXml says why.
 */
export function domainCpuMode(xml: string): string | undefined {
  try {
    return attr(child(child(parser.parse(xml) as Node, 'domain'), 'cpu'), 'mode')
  } catch {
    return undefined
  }
}

/** The machine type of a domain's XML (`<os><type machine='pc-i440fx-7.2'>`), or undefined. */
export function domainMachine(xml: string): string | undefined {
  try {
    return attr(child(child(child(parser.parse(xml) as Node, 'domain'), 'os'), 'type'), 'machine')
  } catch {
    return undefined
  }
}

/** `virsh capabilities` and `domcapabilities`: the elements that repeat are always arrays. */
const hostCapsParser = new XMLParser({
  ...READING,
  isArray: (name) => ['guest', 'machine', 'domain'].includes(name),
})

function readHostCaps(xml: string): Node | undefined {
  try {
    return hostCapsParser.parse(xml) as Node
  } catch {
    return undefined
  }
}

/** `<machine>pc-i440fx-7.2</machine>` of domcapabilities: the versioned name an alias (pc) means. */
export function parseDomcapsMachine(xml: string): string | undefined {
  return text(child(child(readHostCaps(xml), 'domainCapabilities'), 'machine'))?.trim() || undefined
}

/** Whether domcapabilities allows a domain type (it answers only for types the host supports). */
export function parseDomcapsDomain(xml: string): string | undefined {
  return text(child(child(readHostCaps(xml), 'domainCapabilities'), 'domain'))?.trim() || undefined
}

/**
 * The machine types `virsh capabilities` lists for one arch's guests, with each alias's canonical
 * name (`<machine canonical='pc-i440fx-7.2'>pc</machine>`), across every `<domain type>` of that arch.
 */
export function parseCapabilityMachines(xml: string, arch = 'x86_64'): Set<string> {
  const machines = new Set<string>()
  for (const guest of children(child(readHostCaps(xml), 'capabilities'), 'guest')) {
    const archNode = child(guest, 'arch')
    if (attr(archNode, 'name') !== arch) continue
    const listed = [
      ...children(archNode, 'machine'),
      ...children(archNode, 'domain').flatMap((domain) => children(domain, 'machine')),
    ]
    for (const machine of listed) {
      const name = text(machine)?.trim()
      if (name) machines.add(name)
      const canonical = attr(machine, 'canonical')
      if (canonical) machines.add(canonical)
    }
  }
  return machines
}

const capabilitiesParser = new XMLParser({
  ...READING,
  isArray: (name) => ['mode', 'model'].includes(name),
})

/**
 * Whether `virsh domcapabilities` lists a CPU model as usable on this host:
 * `<domainCapabilities><cpu><mode name='custom'><model usable='yes|no|unknown'>NAME</model>`.
 * undefined when the model is not listed or the document does not read.
 */
export function domcapsModelUsable(xml: string, model: string): string | undefined {
  let document: Node
  try {
    document = capabilitiesParser.parse(xml) as Node
  } catch {
    return undefined
  }
  const modes = children(child(child(document, 'domainCapabilities'), 'cpu'), 'mode')
  // Only the custom mode lists models by usability (host-model names the host's own model).
  for (const mode of modes.filter((node) => attr(node, 'name') === 'custom'))
    for (const node of children(mode, 'model')) if (text(node) === model) return attr(node, 'usable')
  return undefined
}

/** <metadata><hd:vm xmlns:hd="…"><hd:setting name="failoverIp">1.2.3.4</hd:setting>…</hd:vm></metadata> */
function readHyperdeskMetadata(metadata: Node | undefined): Record<string, string> {
  const settings: Record<string, string> = {}
  if (!metadata) return settings
  for (const [key, value] of Object.entries(metadata)) {
    if (!key.endsWith(':vm') && key !== 'vm') continue
    for (const node of [value].flat() as Node[]) {
      const prefix = key.includes(':') ? `${key.split(':')[0]}:` : ''
      if (attr(node, prefix ? `xmlns:${prefix.slice(0, -1)}` : 'xmlns') !== HYPERDESK_METADATA_NS) continue
      for (const setting of children(node, `${prefix}setting`)) {
        const name = attr(setting, 'name')
        const content = text(setting)
        if (name && content !== undefined) settings[name] = content
      }
    }
  }
  return settings
}

/**
 * `virsh pool-dumpxml POOL`: the pool's type and, for an RBD pool, the Ceph pool its volumes are
 * images of (`<pool type='rbd'><source><name>CEPHPOOL</name>`). Anything else is a DomainXmlError.
 */
export function parsePoolXml(
  xml: string,
  from: { host: string; vm: string; target: string },
): {
  type: string
  cephPool?: string
} {
  const where = { host: from.host, vm: from.vm, target: from.target }
  const fail = (problem: string): never => {
    throw new DomainXmlError('domainDiskUnknown', { ...where, problem })
  }
  const valid = XMLValidator.validate(xml)
  if (valid !== true) fail(`its storage pool's XML does not parse (line ${valid.err.line}: ${valid.err.msg})`)
  const pool = child(parser.parse(xml) as Node, 'pool')
  const type = attr(pool, 'type')
  if (!pool || !type) return fail("its storage pool's XML has no <pool type=…>")
  if (type !== 'rbd') return { type }
  const cephPool = text(child(child(pool, 'source'), 'name'))
  if (!cephPool) return fail('its RBD storage pool names no Ceph pool (<source><name>)')
  return { type, cephPool }
}

const canonicalParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  preserveOrder: true,
  trimValues: true,
  parseTagValue: false,
  parseAttributeValue: false,
  commentPropName: '#comment',
})
const canonicalBuilder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  preserveOrder: true,
  format: true,
  indentBy: '  ',
  suppressEmptyNode: true,
})

type OrderedNode = Record<string, unknown> & { ':@'?: Record<string, string> }

/**
 * Definitions read with `--security-info` (what is copied to other hosts) carry the display's password
 * (`<graphics passwd=…>`). The canonical form is what diffs show and hashes cover, so the password is
 * replaced by a keyed fingerprint: two equal passwords still compare equal (drift and read-backs see a
 * lost or changed password), but neither the text nor a hash that could be guessed from (VNC passwords
 * are at most 8 characters) leaves the process. The key is this process's own, random.
 */
const SECRET_ATTRIBUTES = new Set(['@passwd'])
const secretKey = crypto.randomBytes(32)
export function maskedSecret(value: string): string {
  return `(hidden ${crypto.createHmac('sha256', secretKey).update(value).digest('hex').slice(0, 12)})`
}

/** What a hidden password looks like in the XML the window is given (maskedSecret's form). */
export const HIDDEN_SECRET = /^\(hidden [0-9a-f]{12}\)$/

/** A display's password as the definition writes it: the text between the quotes, and its value. */
export interface DisplayPassword {
  /** The display's type (vnc, spice). */
  display: string
  /** The attribute's text as written (entities kept), and its quote. */
  raw?: string
  quote?: string
  value?: string
}

const GRAPHICS_TAG = /<graphics\b[^>]*>/g
const ATTRIBUTE = (name: string) => new RegExp(`\\s${name}\\s*=\\s*(['"])([^'"]*?)\\1`)
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }
function unescapeXml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);/gi, (whole, name: string) =>
    name.startsWith('#')
      ? String.fromCodePoint(
          name[1]?.toLowerCase() === 'x' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1)),
        )
      : (ENTITIES[name.toLowerCase()] ?? whole),
  )
}

/**
 * Each <graphics> of a definition in order, with its password (read from the text: the edit keeps
 * the host's own bytes when it puts a hidden password back). Core only: never sent to the window.
 */
export function displayPasswords(xml: string): DisplayPassword[] {
  return [...xml.matchAll(GRAPHICS_TAG)].map(([tag]) => {
    const display = ATTRIBUTE('type').exec(tag)?.[2] ?? ''
    const passwd = /\spasswd\s*=\s*(['"])(.*?)\1/.exec(tag)
    return passwd
      ? { display, raw: passwd[2]!, quote: passwd[1]!, value: unescapeXml(passwd[2]!) }
      : { display }
  })
}

/**
 * The definition as the window may see it (expert mode): every display password replaced by its
 * keyed fingerprint, `(hidden 1a2b…)`, the rest byte for byte.
 */
export function withHiddenPasswords(xml: string): string {
  return xml.replace(GRAPHICS_TAG, (tag) =>
    tag.replace(
      /(\spasswd\s*=\s*)(['"])(.*?)\2/,
      (_, lead: string, quote: string, raw: string) =>
        `${lead}${quote}${maskedSecret(unescapeXml(raw))}${quote}`,
    ),
  )
}

/**
 * The user's XML with each hidden password put back from the definition it came from (matched by
 * fingerprint); `unknown` lists the hidden ones no password of that definition has (it changed
 * since, or the core restarted: its fingerprints' key is its own).
 */
export function withPasswordsBack(xml: string, from: string): { xml: string; unknown: number } {
  const known = new Map(
    displayPasswords(from).flatMap((display) =>
      display.value === undefined ? [] : [[maskedSecret(display.value), display] as const],
    ),
  )
  let unknown = 0
  const out = xml.replace(GRAPHICS_TAG, (tag) =>
    tag.replace(/(\spasswd\s*=\s*)(['"])(.*?)\2/, (whole, lead: string, quote: string, raw: string) => {
      if (!HIDDEN_SECRET.test(raw)) return whole
      const original = known.get(raw)
      if (!original) {
        unknown++
        return whole
      }
      return `${lead}${original.quote}${original.raw}${original.quote}`
    }),
  )
  return { xml: out, unknown }
}

/** Live-only details that say nothing about the definition itself. */
const VOLATILE_ELEMENTS = new Set(['alias', 'seclabel', '#comment'])
const VOLATILE_DOMAIN_ATTRIBUTES = new Set(['@id'])

function canonicalise(
  nodes: OrderedNode[],
  depth: number,
  secret: (value: string) => string = maskedSecret,
): OrderedNode[] {
  const out: OrderedNode[] = []
  for (const node of nodes) {
    const tag = Object.keys(node).find((key) => key !== ':@')
    if (!tag || VOLATILE_ELEMENTS.has(tag)) continue
    const copy: OrderedNode = {}
    const value = node[tag]
    copy[tag] = Array.isArray(value) ? canonicalise(value as OrderedNode[], depth + 1, secret) : value
    // libvirt may write devices in another order after a migration (controllers, inputs): only the order
    // within some kinds means something (disks, NICs…), so the rest are sorted (stable sort).
    if (tag === 'devices' && Array.isArray(copy[tag])) copy[tag] = sortByTag(copy[tag] as OrderedNode[])
    const attributes = node[':@']
    if (attributes) {
      const sorted = Object.keys(attributes)
        .filter((name) => !(depth === 0 && tag === 'domain' && VOLATILE_DOMAIN_ATTRIBUTES.has(name)))
        .sort()
      if (sorted.length > 0)
        copy[':@'] = Object.fromEntries(
          sorted.map((name) => {
            const value = attributes[name] as string
            return [name, SECRET_ATTRIBUTES.has(name) ? secret(value) : value]
          }),
        )
    }
    out.push(copy)
  }
  return out
}

/** Device kinds whose order is meaningful (boot and bus order, primary video, console numbering). */
const ORDERED_DEVICES = new Set([
  'disk',
  'interface',
  'hostdev',
  'filesystem',
  'serial',
  'console',
  'parallel',
  'channel',
  'video',
  'graphics',
])

/** Devices by kind; within an unordered kind (controllers, inputs…) by their attributes too. */
function sortByTag(nodes: OrderedNode[]): OrderedNode[] {
  const tagOf = (node: OrderedNode) => Object.keys(node).find((key) => key !== ':@') ?? ''
  const keyOf = (node: OrderedNode) => {
    const tag = tagOf(node)
    return ORDERED_DEVICES.has(tag) ? tag : `${tag} ${JSON.stringify(node[':@'] ?? {})}`
  }
  return [...nodes].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0))
}

/**
 * The definition in a canonical text form (attributes sorted, volatile parts removed, stable
 * indentation), so two hosts' `dumpxml --inactive` compare equal exactly when they define the same VM,
 * and a line diff of two canonical forms shows the user what differs. A password is its keyed
 * fingerprint (a changed one differs), or with passwords 'hidden' the same "(hidden)" whatever it is:
 * the edit's diff, which names a password change in words instead (vmedit.displayPassword…).
 */
export function canonicalDomainXml(
  xml: string,
  options: { passwords?: 'fingerprint' | 'hidden' } = {},
): string {
  return canonicalOf(canonicalParser.parse(xml) as OrderedNode[], options)
}

function canonicalOf(tree: OrderedNode[], options: { passwords?: 'fingerprint' | 'hidden' } = {}): string {
  const secret = options.passwords === 'hidden' ? () => '(hidden)' : maskedSecret
  return String(canonicalBuilder.build(canonicalise(tree, 0, secret))).trim() + '\n'
}

/**
 * What fast-xml-parser's non-order-preserving mode makes of its own order-preserving tree
 * (node2json.js's compress, for `parser`'s options: no metadata, no text node forced, isArray by
 * name): so one parse serves both the definition and its canonical form.
 */
function compressed(nodes: readonly OrderedNode[]): Node {
  let text: unknown
  const out: Node = {}
  for (const node of nodes) {
    const tag = Object.keys(node).find((key) => key !== ':@')
    if (tag === '#text') {
      text = text === undefined ? node[tag] : `${String(text)}${String(node[tag])}`
      continue
    }
    if (tag === undefined || !node[tag]) continue
    let value: unknown = compressed(node[tag] as OrderedNode[])
    const attributes = node[':@']
    const keys = Object.keys(value as Node)
    if (attributes) Object.assign(value as Node, attributes)
    else if (keys.length === 1 && (value as Node)['#text'] !== undefined) value = (value as Node)['#text']
    else if (keys.length === 0) value = ''
    const known = out[tag]
    if (known !== undefined && Object.prototype.hasOwnProperty.call(out, tag)) {
      if (Array.isArray(known)) known.push(value)
      else out[tag] = [known, value]
    } else out[tag] = REPEATED.has(tag) ? [value] : value
  }
  if (typeof text === 'string' ? text.length > 0 : text !== undefined) out['#text'] = text
  return out
}

/** What the inventory keeps of a definition: its exact name (domain-name.ts), its reading and its canonical form. */
export type DomainXmlRead =
  | { name: string | undefined; definition: DomainDefinition; canonical: string }
  | { name: string | undefined; error: DomainXmlError }

/**
 * parseDomainXml, domainNameFromXml and canonicalDomainXml of one definition, from one parse
 * (the validator's pass aside) instead of three: most of a first inventory's CPU. The same
 * answers, errors included: a document with comments (where the three parsers' trees differ) takes
 * the three parses.
 */
export function readDomainXml(xml: string, from: { host: string; vm: string }): DomainXmlRead {
  let name: string | undefined
  try {
    const problem = xmlProblem(xml)
    if (problem !== undefined) {
      name = domainNameFromXml(xml)
      return invalidXml({ host: from.host, vm: name ?? from.vm }, problem)
    }
    if (xml.includes('<!--')) {
      name = domainNameFromXml(xml)
      const definition = parseDomainXml(xml, { host: from.host, vm: name ?? from.vm })
      return { name, definition, canonical: canonicalDomainXml(xml) }
    }
    let tree: OrderedNode[]
    try {
      tree = canonicalParser.parse(xml) as OrderedNode[]
    } catch (error) {
      name = domainNameFromXml(xml)
      return invalidXml({ host: from.host, vm: name ?? from.vm }, (error as Error).message)
    }
    name = domainNameOfParsed(xml, tree)
    const where = { host: from.host, vm: name ?? from.vm }
    return { name, definition: definitionOf(compressed(tree), where), canonical: canonicalOf(tree) }
  } catch (error) {
    if (!(error instanceof DomainXmlError)) throw error
    return { name, error }
  }
}

const DISK_BLOCK = /<disk\b[^>]*>[\s\S]*?<\/disk>/g
const DRIVER = /<driver\b[^>]*?(\/?)>/

/**
 * The XML with error_policy='stop' on every RBD disk's <driver>, and how many disks changed (pure;
 * definitions/error-policy.ts sets it). An edit in place, by the tags' text: everything else in the
 * definition stays byte for byte what the host printed (a parse and rebuild would not).
 */
export function withStopErrorPolicy(xml: string): { xml: string; changed: number } {
  let changed = 0
  const out = xml.replace(DISK_BLOCK, (block) => {
    if (!/protocol=(['"])rbd\1/.test(block)) return block
    const driver = DRIVER.exec(block)
    if (!driver) {
      changed++
      return block.replace(
        /(<disk\b[^>]*>)/,
        `$1\n      <driver name='qemu' type='raw' error_policy='stop'/>`,
      )
    }
    const tag = driver[0]
    if (/\serror_policy=(['"])stop\1/.test(tag)) return block
    changed++
    const next = /\serror_policy=/.test(tag)
      ? tag.replace(/\serror_policy=(['"])[^'"]*\1/, " error_policy='stop'")
      : tag.replace(/\s*(\/?)>$/, " error_policy='stop'$1>")
    return block.replace(tag, next)
  })
  return { xml: out, changed }
}
