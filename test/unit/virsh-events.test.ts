import { describe, expect, it } from 'vitest'
import {
  needsDefinitionReload,
  parseVirshEventLine,
  stateAfterLifecycle,
} from '../../src/main/core/inventory/virsh-events'

describe('virsh event lines', () => {
  it('parse a timestamped lifecycle event', () => {
    const event = parseVirshEventLine(
      "2026-11-25 06:40:01.123+0000: event 'lifecycle' for domain 'labvm1': Started Booted",
    )
    expect(event).toEqual({
      at: Date.UTC(2026, 10, 25, 6, 40, 1, 123),
      kind: 'lifecycle',
      domain: 'labvm1',
      event: 'Started',
      detail: 'Booted',
    })
    expect(stateAfterLifecycle(event?.event)).toBe('running')
  })

  it('parse the unquoted form of older virsh and events without detail', () => {
    expect(parseVirshEventLine("event 'lifecycle' for domain web-1: Stopped Migrated")).toMatchObject({
      domain: 'web-1',
      event: 'Stopped',
      detail: 'Migrated',
    })
    expect(parseVirshEventLine("event 'reboot' for domain 'labvm2'")).toMatchObject({
      kind: 'reboot',
      domain: 'labvm2',
      event: undefined,
    })
    expect(parseVirshEventLine("event 'device-removed' for domain 'labvm2': virtio-disk2")).toMatchObject({
      kind: 'device-removed',
      detail: 'virtio-disk2',
    })
  })

  it('keep a quote inside a domain name', () => {
    expect(parseVirshEventLine("event 'lifecycle' for domain 'it's': Defined Added")?.domain).toBe("it's")
  })

  it('ignore lines that are not events', () => {
    expect(parseVirshEventLine('events received: 1')).toBeNull()
    expect(parseVirshEventLine('error: Disconnected from qemu:///system due to end of file')).toBeNull()
  })

  it('say when the definition must be read again', () => {
    expect(
      needsDefinitionReload(parseVirshEventLine("event 'lifecycle' for domain 'a': Defined Updated")!),
    ).toBe(true)
    expect(
      needsDefinitionReload(parseVirshEventLine("event 'lifecycle' for domain 'a': Started Booted")!),
    ).toBe(false)
    expect(
      needsDefinitionReload(
        parseVirshEventLine("event 'metadata-change' for domain 'a': element https://x")!,
      ),
    ).toBe(true)
    expect(stateAfterLifecycle('Defined')).toBeUndefined()
    expect(stateAfterLifecycle('Stopped')).toBe('shutoff')
  })
})
