import type { DomainState, HostFacts } from '../../../shared/inventory'

/**
 * Parsers for virsh's text output (always run with LC_ALL=C: virsh translates its output).
 * Each takes one command's output and never throws on unexpected lines: it keeps what it understands.
 */

/** virDomainState numbers, as `domstats --raw` prints them. */
const STATE_BY_NUMBER: Record<string, DomainState> = {
  '0': 'nostate',
  '1': 'running',
  '2': 'blocked',
  '3': 'paused',
  '4': 'shutdown',
  '5': 'shutoff',
  '6': 'crashed',
  '7': 'pmsuspended',
}

/** The words `virsh list`, `dominfo` and `domstate` print. */
const STATE_BY_WORD: Record<string, DomainState> = {
  running: 'running',
  idle: 'blocked',
  blocked: 'blocked',
  paused: 'paused',
  'in shutdown': 'shutdown',
  'shut off': 'shutoff',
  crashed: 'crashed',
  pmsuspended: 'pmsuspended',
  'no state': 'nostate',
}

export function stateFromNumber(value: string | undefined): DomainState {
  return (value !== undefined && STATE_BY_NUMBER[value]) || 'nostate'
}

export function stateFromWord(value: string): DomainState {
  return STATE_BY_WORD[value.trim().toLowerCase()] ?? 'nostate'
}

/** "Key:   value" lines (nodeinfo, dominfo, version) into a map. */
export function parseColonFields(text: string): Map<string, string> {
  const fields = new Map<string, string>()
  for (const line of text.split('\n')) {
    const index = line.indexOf(':')
    if (index <= 0) continue
    fields.set(line.slice(0, index).trim(), line.slice(index + 1).trim())
  }
  return fields
}

function kib(value: string | undefined): number | undefined {
  const match = /^(\d+)\s*KiB$/.exec(value ?? '')
  return match?.[1] ? Number(match[1]) : undefined
}

function int(value: string | undefined): number | undefined {
  if (value === undefined || !/^-?\d+$/.test(value.trim())) return undefined
  return Number(value)
}

export function parseNodeinfo(text: string): Pick<HostFacts, 'cpuModel' | 'cpus' | 'mhz' | 'memoryTotalKiB'> {
  const fields = parseColonFields(text)
  return {
    cpuModel: fields.get('CPU model'),
    cpus: int(fields.get('CPU(s)')),
    mhz: int(fields.get('CPU frequency')?.replace(/\s*MHz$/, '')),
    memoryTotalKiB: kib(fields.get('Memory size')),
  }
}

/** `nodememstats`: free memory counts page cache and buffers as available, like `free`'s "available". */
export function parseNodememstats(text: string): { totalKiB?: number; availableKiB?: number } {
  const fields = parseColonFields(text)
  const total = kib(fields.get('total'))
  const free = kib(fields.get('free'))
  if (free === undefined) return { totalKiB: total }
  return {
    totalKiB: total,
    availableKiB: free + (kib(fields.get('buffers')) ?? 0) + (kib(fields.get('cached')) ?? 0),
  }
}

export function parseVersion(text: string): { libvirt?: string; hypervisor?: string } {
  const fields = parseColonFields(text)
  return {
    libvirt: fields.get('Using library')?.replace(/^libvirt\s+/, ''),
    hypervisor: fields.get('Running hypervisor'),
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * `list --uuid`: one uuid per line, the same in every libvirt version (a line's first word: the
 * UUID also leads the `--uuid --name` forms). Names are never read from
 * `list`: with `--uuid --name`, older virsh prints the UUID alone, later ones pad the name to 30
 * columns (a name's own trailing blanks are lost), and only recent ones (9.0) print it bare. The
 * exact name comes from the domain's XML (domainNameFromXml).
 */
export function parseUuidList(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim().split(/\s/, 1)[0] ?? '')
    .filter((word) => UUID.test(word))
    .map((word) => word.toLowerCase())
}

export interface DomainStats {
  name: string
  state: DomainState
  reason: number | undefined
  vcpus: number | undefined
  /** balloon.current: the memory the guest has now. */
  memoryKiB: number | undefined
  maxMemoryKiB: number | undefined
  cpuTimeNs: number | undefined
  /** Host RSS of the QEMU process, when running. */
  rssKiB: number | undefined
  raw: Record<string, string>
}

/**
 * `domstats --raw`: "Domain: 'name'" blocks of "  key=value" lines. virsh prints the name as it is,
 * unescaped, between the quotes: it may hold quotes, blanks (leading and trailing too), tabs, `: `…
 * but never a newline (libvirt refuses one), so the header is the whole line, read without trimming.
 */
export function parseDomstats(text: string): DomainStats[] {
  const blocks: Array<{ name: string; raw: Record<string, string> }> = []
  let current: { name: string; raw: Record<string, string> } | null = null
  for (const line of text.split('\n')) {
    const header = /^Domain: '(.*)'\r?$/s.exec(line)
    if (header) {
      current = { name: header[1] ?? '', raw: {} }
      blocks.push(current)
      continue
    }
    const index = line.indexOf('=')
    if (current && index > 0) current.raw[line.slice(0, index).trim()] = line.slice(index + 1).trim()
  }
  return blocks.map(({ name, raw }) => ({
    name,
    raw,
    state: stateFromNumber(raw['state.state']),
    reason: int(raw['state.reason']),
    vcpus: int(raw['vcpu.current']),
    memoryKiB: int(raw['balloon.current']),
    maxMemoryKiB: int(raw['balloon.maximum']),
    cpuTimeNs: int(raw['cpu.time']),
    rssKiB: int(raw['balloon.rss']),
  }))
}

export interface DomainInfo {
  name: string
  uuid: string
  state: DomainState
  vcpus: number | undefined
  maxMemoryKiB: number | undefined
  memoryKiB: number | undefined
  persistent: boolean
  autostart: boolean
  managedSave: boolean
}

/** `dominfo`: the fallback for libvirt without `domstats` (older than 1.2.8). */
export function parseDominfo(text: string): DomainInfo | null {
  const fields = parseColonFields(text)
  const uuid = fields.get('UUID')?.toLowerCase()
  const name = fields.get('Name')
  if (!uuid || !name) return null
  return {
    name,
    uuid,
    state: stateFromWord(fields.get('State') ?? ''),
    vcpus: int(fields.get('CPU(s)')),
    maxMemoryKiB: kib(fields.get('Max memory')),
    memoryKiB: kib(fields.get('Used memory')),
    persistent: fields.get('Persistent') === 'yes',
    autostart: fields.get('Autostart') === 'enable',
    managedSave: fields.get('Managed save') === 'yes',
  }
}

/** What `virsh domdisplay` says, as a TCP endpoint on the host (undefined port: no plain port). */
export interface DisplayUri {
  protocol: 'vnc' | 'spice' | 'rdp'
  /** As printed, brackets removed: 127.0.0.1, localhost, ::1, 0.0.0.0… */
  host: string
  port?: number
  tlsPort?: number
}

/**
 * `virsh domdisplay` in every form libvirt prints (libvirt's functional tests, autotest/tp-libvirt
 * virsh_domdisplay.py; the lab's libvirt 9.0): `vnc://127.0.0.1:0` or `vnc://localhost:0` (a VNC URI
 * carries the display number, port 5900 + N), `vnc://[::1]:0` (IPv6 in brackets),
 * `vnc://:PASSWORD@127.0.0.1:0` (--include-password), `spice://127.0.0.1:5900` (the port itself),
 * `spice://…:5900?tls-port=5901`, `…?password=…`, and a SPICE server with only a TLS port
 * (`spice://127.0.0.1?tls-port=5901`). Empty output: no display (undefined); any other text is not
 * guessed at: `null`.
 */
export function parseDisplayUri(text: string): DisplayUri | undefined | null {
  const line = text.trim().split('\n')[0]?.trim() ?? ''
  if (line === '') return undefined
  const match =
    /^(vnc|spice|rdp):\/\/(?:[^@/\s]*@)?(\[[0-9A-Fa-f:.]+\]|[^:/?@\s[\]]+)(?::(\d+))?(?:\?([^\s]*))?$/.exec(
      line,
    )
  if (!match) return null
  const protocol = match[1] as DisplayUri['protocol']
  const host = (match[2] ?? '').replace(/^\[|\]$/g, '')
  const query = new URLSearchParams(match[4] ?? '')
  const tls = query.get('tls-port')
  if (tls !== null && !/^\d+$/.test(tls)) return null
  const out: DisplayUri = { protocol, host }
  if (match[3] !== undefined) out.port = protocol === 'vnc' ? 5900 + Number(match[3]) : Number(match[3])
  if (tls !== null) out.tlsPort = Number(tls)
  return out
}

/** `domdisplay` for the inventory: the TCP port when there is one, else null. */
export function parseDomdisplay(text: string): { protocol: string; host: string; port: number } | null {
  const display = parseDisplayUri(text)
  if (!display || display.port === undefined) return null
  return { protocol: display.protocol, host: display.host, port: display.port }
}
