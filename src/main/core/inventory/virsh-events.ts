import type { DomainState } from '../../../shared/inventory'

/**
 * Lines of `virsh event --all --loop --timestamp`, e.g.
 *   2026-11-25 06:40:01.123+0000: event 'lifecycle' for domain 'labvm1': Started Booted
 * Older virsh prints the domain name without quotes. Domains are named, not identified by UUID, so
 * the caller maps the name through the host's current inventory.
 */
export interface VirshEvent {
  /** Milliseconds since the epoch, from virsh's timestamp when present. */
  at: number | undefined
  kind: string
  domain: string
  /** For lifecycle events: "Started", "Stopped"…; the detail ("Booted", "Migrated"…) follows. */
  event: string | undefined
  detail: string | undefined
}

const HEAD =
  /^(?:(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)?[+-]\d{4}): )?event '([a-z0-9-]+)' for domain /
/** Without known names: a quoted name runs to the first quote followed by ": " or the line's end. */
const GUESS = /^(?:'((?:[^']|'(?!: |$))*)'|([^:\s]+))(?:: (.*))?$/s

/**
 * virsh prints the name unescaped, so `'a': Started Booted': Defined Added` is the event "Defined
 * Added" of the domain named `a': Started Booted`. With `knownNames` (the host's domains, read from
 * their XML) the name is the longest known one the line can hold, quoted (virsh ≥ 1.2.x) or bare
 * (older virsh), followed by ": " or the line's end; otherwise it is guessed as above.
 */
export function parseVirshEventLine(line: string, knownNames?: Iterable<string>): VirshEvent | null {
  const text = line.replace(/\r?\n$/, '').replace(/\r$/, '')
  const head = HEAD.exec(text)
  if (!head) return null
  const [matched, timestamp, kind = ''] = head
  const subject = text.slice(matched.length)
  const found = knownName(subject, knownNames) ?? guessName(subject)
  if (!found) return null
  const rest = found.rest.trim()
  const [event, ...detail] = rest.split(/\s+/)
  return {
    at: timestamp ? parseTimestamp(timestamp) : undefined,
    kind,
    domain: found.name,
    event: kind === 'lifecycle' ? event || undefined : undefined,
    detail: kind === 'lifecycle' ? detail.join(' ') || undefined : rest || undefined,
  }
}

function knownName(
  subject: string,
  names: Iterable<string> | undefined,
): { name: string; rest: string } | undefined {
  let best: { name: string; rest: string } | undefined
  for (const name of names ?? []) {
    if (best && name.length <= best.name.length) continue
    for (const written of [`'${name}'`, name]) {
      if (!subject.startsWith(written)) continue
      const after = subject.slice(written.length)
      if (after === '') best = { name, rest: '' }
      else if (after.startsWith(': ')) best = { name, rest: after.slice(2) }
      else continue
      break
    }
  }
  return best
}

function guessName(subject: string): { name: string; rest: string } | undefined {
  const match = GUESS.exec(subject)
  if (!match) return undefined
  return { name: match[1] ?? match[2] ?? '', rest: match[3] ?? '' }
}

function parseTimestamp(text: string): number | undefined {
  // "2026-11-25 06:40:01.123+0000" → ISO 8601 with a colon in the offset.
  const iso = text.replace(' ', 'T').replace(/([+-]\d{2})(\d{2})$/, '$1:$2')
  const value = Date.parse(iso)
  return Number.isNaN(value) ? undefined : value
}

/** The state a lifecycle event puts the domain in, when it says so without asking libvirt again. */
export function stateAfterLifecycle(event: string | undefined): DomainState | undefined {
  switch (event) {
    case 'Started':
    case 'Resumed':
      return 'running'
    case 'Suspended':
      return 'paused'
    case 'Stopped':
      return 'shutoff'
    case 'PMSuspended':
      return 'pmsuspended'
    case 'Crashed':
      return 'crashed'
    default:
      return undefined
  }
}

/**
 * The state and reason a lifecycle event leaves, when it says so: a migration's destination starts
 * paused for the incoming migration ("Started Migrated") and the source pauses for its last phase
 * ("Suspended Migrated"): paused, reason VIR_DOMAIN_PAUSED_MIGRATION (2), which the cluster model does
 * not count as a second running copy. A failed migration then stops the destination ("Stopped Failed").
 */
export function lifecycleChange(
  event: string | undefined,
  detail: string | undefined,
): { state: DomainState; stateReason?: number } | undefined {
  if ((event === 'Started' || event === 'Suspended') && detail === 'Migrated')
    return { state: 'paused', stateReason: 2 }
  const state = stateAfterLifecycle(event)
  return state ? { state } : undefined
}

/** Events after which the domain's definition (XML) or its presence must be read again. */
export function needsDefinitionReload(event: VirshEvent): boolean {
  if (event.kind === 'lifecycle') return event.event === 'Defined' || event.event === 'Undefined'
  return ['device-added', 'device-removed', 'metadata-change', 'tray-change', 'block-threshold'].includes(
    event.kind,
  )
}
