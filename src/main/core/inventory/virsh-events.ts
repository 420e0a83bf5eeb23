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

const LINE =
  /^(?:(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)?[+-]\d{4}): )?event '([a-z0-9-]+)' for domain (?:'((?:[^']|'(?!:|$))*)'|([^:\s]+))(?:: (.*))?$/

export function parseVirshEventLine(line: string): VirshEvent | null {
  const match = LINE.exec(line.trim())
  if (!match) return null
  const [, timestamp, kind = '', quoted, bare, rest] = match
  const [event, ...detail] = (rest ?? '').trim().split(/\s+/)
  return {
    at: timestamp ? parseTimestamp(timestamp) : undefined,
    kind,
    domain: quoted ?? bare ?? '',
    event: kind === 'lifecycle' ? event || undefined : undefined,
    detail: kind === 'lifecycle' ? detail.join(' ') || undefined : rest?.trim() || undefined,
  }
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

/** Events after which the domain's definition (XML) or its presence must be read again. */
export function needsDefinitionReload(event: VirshEvent): boolean {
  if (event.kind === 'lifecycle') return event.event === 'Defined' || event.event === 'Undefined'
  return ['device-added', 'device-removed', 'metadata-change', 'tray-change', 'block-threshold'].includes(
    event.kind,
  )
}
