import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { CoreEvents } from '../../src/main/core/events'
import { domainNameFromXml } from '../../src/main/core/inventory/domain-name'
import { splitBatchOutput, SECTION_MARKER, type BatchSection } from '../../src/main/core/remote/framing'
import { readHostBatch } from '../../src/main/core/inventory/host-inventory'
import { InventoryService } from '../../src/main/core/inventory/inventory-service'
import { parseVirshEventLine } from '../../src/main/core/inventory/virsh-events'
import { parseDomstats, parseUuidList } from '../../src/main/core/inventory/virsh-parse'
import type { RemoteRunner } from '../../src/main/core/remote/runner'
import { recordedSession } from '../support/recorded-session'

/**
 * VM names as libvirt allows them (anything but '/' and newlines). Recorded on the lab's hv3
 * (libvirt 9.0.0): these shut-off domains, 'Windows 10 Pro' running, 'été ☃' with autostart, read
 * with exactly the batch the app sends (batch-hostile-names-hv3.txt); then '-x' renamed to
 * '-x renamed' (domrename) and read again without XML (…-renamed.txt); and `virsh event --all --loop
 * --timestamp` as etalab meanwhile (events-hostile-names-hv3.txt).
 */
const fixtures = path.resolve(__dirname, '../fixtures/libvirt-9.0.0')
const fixture = (name: string): string => fs.readFileSync(path.join(fixtures, name), 'utf8')
const uuid = (n: number): string => `4a3e0000-0000-4000-8000-${String(n).padStart(12, '0')}`
const NAMES: Record<string, string> = {
  [uuid(1)]: 'Windows 10 Pro',
  [uuid(2)]: '-x',
  [uuid(3)]: `a'b"c`,
  [uuid(4)]: 'été ☃',
  [uuid(5)]: "x;$(touch $(printf '\\057tmp\\057pwn'))",
  [uuid(6)]: 'back\\slash',
  [uuid(7)]: "a': Started Booted",
  [uuid(8)]: '<tag>&amp; "q"',
  [uuid(9)]: ' lead and trail ',
  [uuid(10)]: 'tab\tinside',
  [uuid(11)]: '1ab0c0de-0000-4000-8000-000000000001',
  [uuid(12)]: '7',
  [uuid(13)]: "`touch $(printf '\\057tmp\\057pwn')` --help",
  [uuid(14)]: `${'L'.repeat(100)} long ${'é'.repeat(60)}`,
  '1ab0c0de-0000-4000-8000-000000000001': 'labvm1',
  '1ab0c0de-0000-4000-8000-000000000002': 'labvm2',
  '1ab0c0de-0000-4000-8000-000000000003': 'labvm3',
}
const RUNNING = uuid(1)

describe('hostile VM names in a recorded refresh (libvirt 9.0.0)', () => {
  const hv3 = readHostBatch('hv3', fixture('batch-hostile-names-hv3.txt'), undefined, 1000)

  it('reads every name exactly, from the XML, and matches each domstats block to it', () => {
    expect(Object.fromEntries(hv3.domains.map((d) => [d.uuid, d.name]))).toEqual(NAMES)
    for (const domain of hv3.domains) {
      expect(domain.definition?.name).toBe(NAMES[domain.uuid])
      expect(domain.state).toBe(domain.uuid === RUNNING ? 'running' : 'shutoff')
    }
  })

  it('keeps state, display and flags on the running "Windows 10 Pro" and the autostarted "été ☃"', () => {
    const windows = hv3.domains.find((d) => d.uuid === RUNNING)
    expect(windows).toMatchObject({ name: 'Windows 10 Pro', state: 'running', displayPort: 5900, vcpus: 1 })
    expect(windows?.memoryKiB).toBe(32768)
    expect(hv3.domains.filter((d) => d.autostart).map((d) => d.name)).toEqual(['été ☃'])
  })

  it('after a rename, drops the stale definition so the follow-up reads the XML again', () => {
    const after = readHostBatch('hv3', fixture('batch-hostile-names-hv3-renamed.txt'), hv3, 2000)
    const renamed = after.domains.find((d) => d.uuid === uuid(2))
    // "-x" has no domstats block any more ("-x renamed" has): its state is unknown until re-read.
    expect(renamed).toMatchObject({ name: '-x', state: 'nostate' })
    expect(renamed?.definition).toBeUndefined()
    for (const domain of after.domains.filter((d) => d.uuid !== uuid(2))) {
      expect(domain.definition?.name).toBe(NAMES[domain.uuid])
      expect(domain.state).toBe(domain.uuid === RUNNING ? 'running' : 'shutoff')
    }
  })

  it('reads domstats headers and list lines without trimming or splitting a name', () => {
    const sections = splitBatchOutput(fixture('batch-hostile-names-hv3.txt'))
    const names = parseDomstats(sections.get('domstats')?.text ?? '').map((s) => s.name)
    expect(names.sort()).toEqual(Object.values(NAMES).sort())
    expect(parseUuidList(sections.get('list')?.text ?? '').sort()).toEqual(Object.keys(NAMES).sort())
    // The `--uuid --name` forms of libvirt's cmdList (tools/virsh-domain-monitor.c): 9.0 prints
    // "uuid name" (recorded), older ones "%-36s %-30s" (padded), the oldest the UUID alone.
    expect(
      parseUuidList(
        `${uuid(1)} Windows 10 Pro\n${uuid(9)}  lead and trail \n${uuid(2)} ${'-x'.padEnd(30)}\n${uuid(3)}\n`,
      ),
    ).toEqual([uuid(1), uuid(9), uuid(2), uuid(3)])
  })
})

describe('domain names from XML', () => {
  it('decodes what libvirt escapes and keeps blanks', () => {
    const xml = (name: string) =>
      `<domain type='qemu'>\n  <name>${name}</name>\n  <uuid>${uuid(1)}</uuid>\n</domain>`
    expect(domainNameFromXml(xml('a&apos;b&quot;c'))).toBe(`a'b"c`)
    expect(domainNameFromXml(xml('&lt;tag&gt;&amp;amp; &quot;q&quot;'))).toBe('<tag>&amp; "q"')
    expect(domainNameFromXml(xml(' lead and trail '))).toBe(' lead and trail ')
    expect(domainNameFromXml(xml('caf&#233; &#x2603;'))).toBe('café ☃')
    expect(domainNameFromXml(xml('007'))).toBe('007')
    expect(domainNameFromXml('<network><name>x</name></network>')).toBeUndefined()
    expect(domainNameFromXml('not xml <')).toBeUndefined()
  })
})

describe('virsh events with hostile names', () => {
  const lines = fixture('events-hostile-names-hv3.txt').split('\n').filter(Boolean)
  const known = [...Object.values(NAMES), '-x renamed']

  it('name the right domain in every recorded line, even one named like an event', () => {
    const events = lines.map((line) => parseVirshEventLine(line, known))
    expect(events.every((event) => event !== null)).toBe(true)
    const defined = events.filter((e) => e?.event === 'Defined' && e.detail === 'Added').map((e) => e?.domain)
    expect(defined).toEqual(Object.values(NAMES).filter((name) => !name.startsWith('labvm')))
    expect(
      events.filter((e) => e?.domain === "a': Started Booted").map((e) => `${e?.event} ${e?.detail}`),
    ).toEqual(['Defined Added', 'Undefined Removed'])
    expect(events.filter((e) => e?.domain === 'Windows 10 Pro').map((e) => e?.event)).toEqual([
      'Defined',
      'Resumed',
      'Started',
      'Shutdown',
      'Stopped',
      'Undefined',
    ])
    expect(events.filter((e) => e?.detail === 'Renamed').map((e) => [e?.domain, e?.event])).toEqual([
      ['-x', 'Undefined'],
      ['-x renamed', 'Defined'],
    ])
  })

  it('read the unquoted names of older virsh against the known names', () => {
    // Older virsh printed the name bare: "virsh # event 'lifecycle' for domain avocado-vt-vm1: Started
    // Booted" (autotest/tp-libvirt, libvirt/tests/src/virsh_cmd/domain/virsh_event.py, commit 7dff38f7).
    expect(
      parseVirshEventLine("event 'lifecycle' for domain Windows 10 Pro: Started Booted", known),
    ).toMatchObject({
      domain: 'Windows 10 Pro',
      event: 'Started',
      detail: 'Booted',
    })
    expect(parseVirshEventLine("event 'reboot' for domain été ☃", known)).toMatchObject({
      kind: 'reboot',
      domain: 'été ☃',
    })
  })
})

describe('the inventory service with hostile names', () => {
  /**
   * Answers each batch, and each question of the host's virsh session, with the recorded sections it
   * asks for, as hv3 printed them.
   */
  function recordedRunner(recording: string): {
    runner: RemoteRunner
    asked: string[][]
    onLine: (line: string) => void
  } {
    const raw = new Map<string, string>()
    for (const part of recording.split(SECTION_MARKER).slice(1)) {
      const newline = part.indexOf('\n')
      raw.set(part.slice(0, newline).trim(), part.slice(newline + 1))
    }
    const session = recordedSession(recording)
    const asked: string[][] = []
    let listener: (line: string) => void = () => undefined
    const runner = {
      run: async (_host: string, argv: readonly string[]) => {
        const ids = [...`${argv.at(-1) ?? ''} ;`.matchAll(/echo @@hyperdesk-section (\S+) ;/g)].map(
          (m) => m[1] ?? '',
        )
        asked.push(ids)
        const stdout = ids.map((id) => `${SECTION_MARKER}${id}\n${raw.get(id) ?? ''}`).join('')
        return { stdout, stderr: '', exitCode: 0 }
      },
      virshQuery: async (_host: string, sections: readonly BatchSection[]) => {
        asked.push(sections.map((section) => section.id))
        return session(sections)
      },
      stream: async (_host: string, _argv: readonly string[], onLine: (line: string) => void) => {
        listener = onLine
        return { close: () => undefined, done: new Promise(() => undefined) }
      },
    } as unknown as RemoteRunner
    return { runner, asked, onLine: (line) => listener(line) }
  }

  it('names, states and displays every domain after one refresh; events move the right one', async () => {
    const { runner, asked } = recordedRunner(fixture('batch-hostile-names-hv3.txt'))
    const inventory = new InventoryService({
      runner,
      events: new CoreEvents(),
      hostNames: () => ['hv3'],
      hasDomstats: () => true,
    })
    const hv3 = await inventory.refreshHost('hv3')
    // A first read: two questions of the host's virsh session, the listing, then the list and
    // domstats with the listed domains' XML and the running one's display.
    expect(asked).toHaveLength(2)
    expect(asked[0]).toEqual(['active', 'every'])
    expect(asked[1]).toContain(`xml:${uuid(7)}`)
    expect(asked[1]).toContain(`display:${RUNNING}`)
    expect(asked[1]).not.toContain(`display:${uuid(7)}`)
    expect(Object.fromEntries(hv3.domains.map((d) => [d.uuid, d.name]))).toEqual(NAMES)
    expect(hv3.domains.find((d) => d.uuid === RUNNING)).toMatchObject({ state: 'running', displayPort: 5900 })
    expect(inventory.snapshot().vms.find((vm) => vm.uuid === RUNNING)).toMatchObject({
      name: 'Windows 10 Pro',
      runningOn: ['hv3'],
    })

    inventory.handleEventLine(
      'hv3',
      "2026-12-03 09:29:01.411+0000: event 'lifecycle' for domain 'a': Started Booted': Started Booted",
    )
    expect(inventory.domain('hv3', uuid(7))?.state).toBe('running')
    inventory.handleEventLine(
      'hv3',
      "2026-12-03 09:29:09.583+0000: event 'lifecycle' for domain 'Windows 10 Pro': Stopped Destroyed",
    )
    expect(inventory.domain('hv3', RUNNING)?.state).toBe('shutoff')
    inventory.stop()
  })
})
