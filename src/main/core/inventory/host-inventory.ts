import crypto from 'node:crypto'
import { StringDecoder } from 'node:string_decoder'
import type { DomainDefinition, DomainOnHost, HostInventory } from '../../../shared/inventory'
import { canonicalDomainXml, readDomainXml, type DomainXmlError } from './domain-xml'
import {
  DIGESTS_SECTION,
  FRAMING_ERRORS,
  judgeSection,
  parseDigests,
  SECTION_MARKER,
  sectionError,
  sectionText,
  splitBatchOutput,
  type BatchSection,
  type Sections,
} from '../remote/framing'
import {
  parseDomdisplay,
  parseDominfo,
  parseDomstats,
  parseNodeinfo,
  parseNodememstats,
  parseUuidList,
  parseVersion,
} from './virsh-parse'
import { domainArgv } from '../libvirt/domain'
import { hostArgv } from '../libvirt/host'

/**
 * What one host's refresh asks virsh, and how its answer becomes that host's inventory. Definitions
 * (XML) are asked only for the domains named in `xmlFor` (new or changed ones); the others keep the
 * definition from the previous refresh.
 */
export interface HostBatchPlan {
  /** Domains whose inactive definition to fetch. */
  xmlFor: readonly string[]
  /** Domains whose display (VNC port) to look up: the running ones. */
  displayFor: readonly string[]
  /** libvirt < 1.2.8 has no `domstats`: fall back to one `dominfo` per known domain. */
  useDomstats: boolean
  /** With the fallback: the domains to ask about (from the previous refresh or a first list). */
  dominfoFor: readonly string[]
}

export function hostBatchSections(plan: HostBatchPlan): BatchSection[] {
  const sections: BatchSection[] = [
    { id: 'hostname', command: hostArgv.hostname() },
    { id: 'nodeinfo', command: hostArgv.info() },
    { id: 'nodememstats', command: hostArgv.memory() },
    { id: 'version', command: hostArgv.version() },
    { id: 'list', command: hostArgv.domainUuids() },
    { id: 'autostart', command: hostArgv.domainUuids('autostart') },
    { id: 'managedsave', command: hostArgv.domainUuids('managed-save') },
  ]
  if (plan.useDomstats) {
    sections.push({ id: 'domstats', command: hostArgv.allDomainStats() })
  } else {
    for (const uuid of plan.dominfoFor)
      sections.push({ id: `dominfo:${uuid}`, command: domainArgv.info(uuid) })
  }
  for (const uuid of plan.xmlFor) sections.push(xmlSection(uuid))
  for (const uuid of plan.displayFor) sections.push(displaySection(uuid))
  return sections
}

const xmlSection = (uuid: string): BatchSection => ({
  id: `xml:${uuid}`,
  command: domainArgv.xml(uuid, 'inactive'),
})
const displaySection = (uuid: string): BatchSection => ({
  id: `display:${uuid}`,
  command: domainArgv.display(uuid),
})

/**
 * A first read (nothing known of the host yet: a cold start, a host added) goes through the host's
 * long-lived virsh session (remote/virsh-session.ts), in two questions: the listing (`firstReadListing`,
 * the active domains, then every one), then the host's sections with every listed domain's definition
 * and the active ones' display (`firstReadSections`). One virsh start per host, like a hand-written
 * batch, where an exec that lists then reads (the list had to come first) started two; and the session
 * stays open for what asks next (consoles, pre-checks). The second question lists again: a domain
 * defined in between has no definition yet (the refresh's follow-up reads it), one undefined in
 * between is simply not listed.
 */
export function firstReadListing(): BatchSection[] {
  return [
    { id: 'active', command: hostArgv.activeDomainUuids() },
    { id: 'every', command: hostArgv.domainUuids() },
  ]
}

/** The listing's answer: every domain's UUID, and the active ones'; a failed listing throws. */
export function readFirstReadListing(sections: Sections): { every: string[]; active: string[] } {
  for (const id of ['every', 'active']) {
    const error = sectionError(sections, id)
    if (error !== undefined) throw new HostBatchError('list', `virsh list: ${error}`)
  }
  const every = parseUuidList(sectionText(sections, 'every') ?? '')
  const listed = new Set(every)
  const active = parseUuidList(sectionText(sections, 'active') ?? '').filter((uuid) => listed.has(uuid))
  return { every, active }
}

export function firstReadSections(listed: {
  every: readonly string[]
  active: readonly string[]
}): BatchSection[] {
  return hostBatchSections({
    xmlFor: listed.every,
    displayFor: listed.active,
    useDomstats: true,
    dominfoFor: [],
  })
}

/**
 * The fingerprints of inactive definitions: each domain's `dumpxml --inactive`, hashed on the host
 * (framing.ts: virshDigestedBatchArgv), so a refresh learns which definitions changed (even without a
 * libvirt event) for 64 bytes each, and reads the XML of those only.
 */
export function fingerprintSections(uuids: readonly string[]): BatchSection[] {
  return uuids.map((uuid) => ({ id: `def:${uuid}`, command: domainArgv.xml(uuid, 'inactive') }))
}

/** UUID → the host's fingerprint of its inactive definition, from a digested batch's answer. */
export function readFingerprints(sections: Sections): Map<string, string> {
  const fingerprints = new Map<string, string>()
  if (sectionError(sections, DIGESTS_SECTION) !== undefined) return fingerprints
  for (const [id, digest] of parseDigests(sectionText(sections, DIGESTS_SECTION) ?? ''))
    if (id.startsWith('def:')) fingerprints.set(id.slice('def:'.length), digest)
  return fingerprints
}

/** The domains among `asked` whose definition (XML) this batch did read. */
export function definitionsRead(sections: Sections, asked: readonly string[]): string[] {
  return asked.filter((uuid) => {
    const id = `xml:${uuid}`
    return sectionError(sections, id) === undefined && (sectionText(sections, id) ?? '').trim() !== ''
  })
}

/** A definition's text as read: its exact name (domain-name.ts), the definition and its hash. */
interface ReadXml {
  name: string | undefined
  definition: DomainDefinition
  hash: string
}

/** A definition Hyperdesk will not read: its name if the XML gives one, and why. */
interface BrokenXml {
  name: string | undefined
  error: DomainXmlError
}

/**
 * Definitions already read, by their text's SHA-256: a VM's definition is the same on every host
 * (and after a re-read), and reading one (domain-xml.ts: readDomainXml) costs a millisecond or more
 * of CPU, most of a first inventory's time. Successes only (an error names its host and VM).
 * Bounded: the oldest entry goes first. One per InventoryService (not module-wide), so a started
 * core begins with none, as a freshly started app does.
 */
export class DefinitionCache {
  private readonly read = new Map<string, ReadXml>()

  constructor(private readonly kept = 4096) {}

  /**
   * A definition's text read once (the cache's own entry: not to be changed), or why it cannot be
   * read. `from.vm` names the VM in an error when its XML gives no name.
   */
  once(xml: string, from: { host: string; vm: string }): ReadXml | BrokenXml {
    const key = crypto.createHash('sha256').update(xml).digest('hex')
    const known = this.read.get(key)
    if (known) return known
    const result = readDomainXml(xml, from)
    if ('error' in result) return result
    const read = {
      name: result.name,
      definition: result.definition,
      hash: crypto.createHash('sha256').update(result.canonical).digest('hex'),
    }
    this.read.set(key, read)
    if (this.read.size > this.kept) this.read.delete(this.read.keys().next().value!)
    return read
  }

  /** once(), the definition the caller's own copy (each host's inventory keeps its own). */
  copy(xml: string, from: { host: string; vm: string }): ReadXml | BrokenXml {
    const read = this.once(xml, from)
    return 'error' in read ? read : { ...read, definition: structuredClone(read.definition) }
  }
}

/**
 * Reads a batch's definitions while its output arrives: each `xml:` section, once the next marker
 * shows it complete, goes through `definitions`, so reading a first inventory's definitions (most of
 * its CPU) overlaps with the host still printing the rest. It only fills that cache: the
 * whole output is still split and judged when it is all there (a section cut short, spoofed or failed
 * is judged then, and a text that differs from what was read here is read again).
 */
export function definitionReader(host: string, definitions: DefinitionCache): (chunk: Buffer) => void {
  const decoder = new StringDecoder('utf8')
  let pending = ''
  let section: string | undefined
  let lines: string[] = []
  const done = () => {
    const { text, errors } = judgeSection(lines)
    if (section !== undefined && errors.length === 0 && text.trim() !== '') {
      try {
        definitions.once(text, { host, vm: section.slice('xml:'.length) })
      } catch {
        // Reported by the batch's own reading, with the section as judged.
      }
    }
    section = undefined
    lines = []
  }
  return (chunk) => {
    const parts = (pending + decoder.write(chunk)).split('\n')
    pending = parts.pop() ?? ''
    for (const line of parts) {
      if (line.startsWith(SECTION_MARKER)) {
        done()
        const id = line.slice(SECTION_MARKER.length).trim()
        if (id.startsWith('xml:')) section = id
      } else if (section !== undefined) lines.push(line)
    }
  }
}

/**
 * The host's fingerprint of a definition read in the batch (an `xml:` section's text): what
 * sha256sum prints for the same dumpxml, since its body is those lines each ended by a newline.
 */
export function fingerprintOf(sectionText: string): string {
  return crypto.createHash('sha256').update(`${sectionText}\n`).digest('hex')
}

/**
 * The same fingerprint for a definition read in the host's virsh session: a batch's virsh prints an
 * empty line after each dumpxml's XML (part of what the host hashes), the session's prompt follows
 * the XML at once. Were this ever to differ from the host's, the next refresh would see a changed
 * fingerprint and read the definition again: one read too many, never a stale definition kept.
 */
export function sessionFingerprintOf(sectionText: string): string {
  return fingerprintOf(`${sectionText}\n`)
}

export function definitionHash(xml: string): string {
  return crypto.createHash('sha256').update(canonicalDomainXml(xml)).digest('hex')
}

export class HostBatchError extends Error {
  constructor(
    readonly section: string,
    message: string,
  ) {
    super(message)
  }
}

/**
 * Builds a host's inventory from its batch output; a failed essential section throws with its error.
 * `asked` (the sections sent and the exec's exit status) lets the framing judge missing, truncated
 * and spoofed sections; a recording read back has none.
 */
export function readHostBatch(
  host: string,
  output: string,
  previous: HostInventory | undefined,
  now = Date.now(),
  asked?: { sections: readonly BatchSection[]; exitCode?: number | null },
  definitions = new DefinitionCache(),
): HostInventory {
  return readHostSections(host, splitBatchOutput(output, asked), previous, now, definitions)
}

/**
 * readHostBatch on an answer already split into sections. `definitions`: the caller's cache of
 * definitions already read (without one, each definition is read here).
 */
export function readHostSections(
  host: string,
  sections: Sections,
  previous: HostInventory | undefined,
  now = Date.now(),
  definitions = new DefinitionCache(),
): HostInventory {
  const essential = (id: string): string => {
    const error = sectionError(sections, id)
    if (error === FRAMING_ERRORS.missing) throw new HostBatchError(id, `virsh printed no "${id}" section`)
    if (error !== undefined) throw new HostBatchError(id, `virsh ${id}: ${error}`)
    return sections.get(id)?.text ?? ''
  }
  const optional = (id: string): string | undefined => sectionText(sections, id)

  const listed = parseUuidList(essential('list'))
  const autostart = new Set(parseUuidList(optional('autostart') ?? ''))
  const managedSave = new Set(parseUuidList(optional('managedsave') ?? ''))
  const node = parseNodeinfo(optional('nodeinfo') ?? '')
  const memory = parseNodememstats(optional('nodememstats') ?? '')
  const version = parseVersion(optional('version') ?? '')
  const previousByUuid = new Map(previous?.domains.map((domain) => [domain.uuid, domain]))

  // domstats names its blocks by domain name (never by UUID): they are matched to the names read
  // from the XML, exactly.
  const stats = sections.has('domstats')
    ? new Map(parseDomstats(essential('domstats')).map((s) => [s.name, s]))
    : null

  const domains = listed.map((uuid) =>
    readDomain(host, uuid, {
      before: previousByUuid.get(uuid),
      autostart: autostart.has(uuid),
      managedSave: managedSave.has(uuid),
      stats,
      optional,
      definitions,
    }),
  )

  const facts: HostInventory['facts'] = { ...node }
  const hostname = optional('hostname')?.trim()
  if (hostname) facts.hostname = hostname
  if (memory.totalKiB !== undefined) facts.memoryTotalKiB = memory.totalKiB
  if (memory.availableKiB !== undefined) facts.memoryFreeKiB = memory.availableKiB
  if (version.libvirt) facts.libvirtVersion = version.libvirt
  if (version.hypervisor) facts.hypervisorVersion = version.hypervisor
  return { host, reachable: true, facts, domains, refreshedAt: now }
}

/** What the batch said about one domain, beside its own sections. */
interface DomainFacts {
  /** The domain as the previous refresh read it. */
  before: DomainOnHost | undefined
  autostart: boolean
  managedSave: boolean
  /** domstats by domain name, or null on a libvirt without domstats (dominfo sections instead). */
  stats: Map<string, ReturnType<typeof parseDomstats>[number]> | null
  optional: (id: string) => string | undefined
  definitions: DefinitionCache
}

/** One domain of a host's batch: its definition (fresh, or the previous one), state and display. */
function readDomain(host: string, uuid: string, facts: DomainFacts): DomainOnHost {
  const { before } = facts
  const xml = facts.optional(`xml:${uuid}`)
  const fresh = xml !== undefined && xml.trim() !== ''
  const domain: DomainOnHost = {
    uuid,
    // Until its XML is read (the refresh's follow-up does it), a new domain goes by its UUID.
    name: before?.name ?? uuid,
    state: 'nostate',
    autostart: facts.autostart,
    managedSave: facts.managedSave,
  }
  if (fresh) {
    const read = facts.definitions.copy(xml, { host, vm: domain.name })
    if (read.name !== undefined) domain.name = read.name
    if ('error' in read) {
      // A broken definition is reported on the VM, never read as a VM with fewer disks.
      domain.definitionError = read.error.toData()
    } else {
      domain.definition = { ...read.definition, ...(read.name !== undefined ? { name: read.name } : {}) }
      domain.definitionHash = read.hash
    }
  } else if (before?.definition) {
    domain.definition = before.definition
    if (before.definitionHash) domain.definitionHash = before.definitionHash
  }
  if (facts.stats) {
    const stat = facts.stats.get(domain.name)
    if (stat) {
      domain.state = stat.state
      if (stat.reason !== undefined) domain.stateReason = stat.reason
      if (stat.vcpus !== undefined) domain.vcpus = stat.vcpus
      if (stat.memoryKiB !== undefined) domain.memoryKiB = stat.memoryKiB
    } else if (!fresh) {
      // No block under the name its last XML gave: it was renamed (or is new). Its state stays
      // unknown and its definition is dropped, so the refresh's follow-up reads its XML again.
      delete domain.definition
      delete domain.definitionHash
    }
  } else {
    const info = parseDominfo(facts.optional(`dominfo:${uuid}`) ?? '')
    if (info) {
      domain.state = info.state
      if (info.vcpus !== undefined) domain.vcpus = info.vcpus
      if (info.memoryKiB !== undefined) domain.memoryKiB = info.memoryKiB
      domain.autostart = info.autostart
      domain.managedSave = info.managedSave
    }
  }
  const display = parseDomdisplay(facts.optional(`display:${uuid}`) ?? '')
  if (display) domain.displayPort = display.port
  return domain
}
