/**
 * Definition fingerprints (issue 23 item 3): each refresh gets the SHA-256 of every known inactive
 * definition, computed on the host by the batch's own script, and reads the XML of those that changed
 * only; the event stream says when a definition file changed. The host's script runs here for real
 * (sh, awk, sha256sum, stdbuf, mktemp, as on a Debian host) around a stand-in virsh that answers
 * from the lab's recorded batch (libvirt 9.0.0).
 */
import { execFile, spawn, type SpawnOptions } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CoreEvents } from '../../src/main/core/events'
import {
  definitionsRead,
  fingerprintOf,
  fingerprintSections,
  hostBatchSections,
  readFingerprints,
} from '../../src/main/core/inventory/host-inventory'
import { InventoryService } from '../../src/main/core/inventory/inventory-service'
import {
  DEFINITIONS_CHANGED,
  eventStreamArgv,
  readDefinitionsChanged,
} from '../../src/main/core/libvirt/host'
import {
  DIGESTS_SECTION,
  type BatchSection,
  digestedAsked,
  parseDigests,
  readListing,
  sectionText,
  sessionNonce,
  splitBatchOutput,
  virshBatchArgv,
  virshDigestedBatchArgv,
} from '../../src/main/core/remote/framing'
import type { RemoteRunner } from '../../src/main/core/remote/runner'
import { asSessionAnswer } from '../support/recorded-session'
import { argvProblem } from '../../src/main/core/remote/quote'

const run = promisify(execFile)
const RECORDING = path.resolve(__dirname, '../fixtures/libvirt-9.0.0/batch-hv1.txt')
const FAKE_VIRSH = path.resolve(__dirname, '../support/fake-virsh.mjs')
const LABVM1 = '1ab0c0de-0000-4000-8000-000000000001'
const LABVM2 = '1ab0c0de-0000-4000-8000-000000000002'
const LABVM3 = '1ab0c0de-0000-4000-8000-000000000003'
const recorded = (id: string): string => {
  const text = fs.readFileSync(RECORDING, 'utf8')
  const start = text.indexOf(`@@hyperdesk-section ${id}\n`) + `@@hyperdesk-section ${id}\n`.length
  const end = text.indexOf('@@hyperdesk-section ', start)
  return text.slice(start, end < 0 ? undefined : end)
}
const sha256 = (text: string) => crypto.createHash('sha256').update(text).digest('hex')
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
/** Waits for `ok`, at most 5 s (what a change made outside the app may take to show). */
async function until(what: string, ok: () => boolean): Promise<void> {
  const end = Date.now() + 5000
  while (!ok()) {
    if (Date.now() > end) throw new Error(`no ${what} in 5 s`)
    await sleep(20)
  }
}
const memoryChanged = (xml: string) => xml.replace(/<memory unit='KiB'>\d+</, "<memory unit='KiB'>132096<")

/**
 * The event stream's watch of the definition files, run here for real on `defs` (eventStreamArgv),
 * its virsh a stand-in that prints `events` and lives until stopped (the stream then ends with it).
 */
function watchDefinitions(defs: string, onLine: (line: string) => void, events: readonly string[] = []) {
  const argv = eventStreamArgv({ dir: defs, everySeconds: 0.1 })
  const done = path.join(dir, 'virsh-done')
  const virsh = [...events.map((event) => `echo '${event}'`), `while [ ! -e ${done} ]; do sleep 0.05; done`]
  const script = argv[2]!.replace(
    'virsh -r -c qemu:///system event --all --loop --timestamp',
    `sh -c "${virsh.join('; ')}"`,
  )
  const child = spawn('sh', ['-c', script, argv[3]!], { stdio: ['ignore', 'pipe', 'inherit'] })
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
  child.stdout.on('data', (chunk: Buffer) => chunk.toString().split('\n').filter(Boolean).forEach(onLine))
  return {
    exited,
    stop: () => {
      fs.writeFileSync(done, '')
      return exited
    },
  }
}

let dir: string
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hd-fingerprints-'))
  fs.mkdirSync(path.join(dir, 'defs'))
})
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

/** Runs a batch's argv here as the host would, `virsh` being the stand-in. */
async function onHost(
  argv: readonly string[],
  recording = RECORDING,
): Promise<{ stdout: string; exitCode: number }> {
  const local = argv.map((word) => (word === 'virsh' ? 'fake-virsh' : word))
  const env = {
    ...process.env,
    LC_ALL: 'C',
    PATH: `${path.join(dir, 'bin')}:${process.env['PATH'] ?? ''}`,
    FAKE_VIRSH_RECORDING: recording,
    FAKE_VIRSH_DEFS: path.join(dir, 'defs'),
    FAKE_VIRSH_LOG: path.join(dir, 'log'),
  }
  fs.mkdirSync(path.join(dir, 'bin'), { recursive: true })
  const bin = path.join(dir, 'bin', 'fake-virsh')
  fs.writeFileSync(bin, `#!/bin/sh\nexec '${process.execPath}' '${FAKE_VIRSH}' "$@"\n`, { mode: 0o755 })
  try {
    const { stdout } = await run(local[0]!, local.slice(1), { env })
    return { stdout, exitCode: 0 }
  } catch (error) {
    const failed = error as { stdout: string; code: number }
    return { stdout: failed.stdout, exitCode: failed.code }
  }
}

/** The command strings the stand-in virsh ran, in order. */
const virshRan = (): string[] =>
  fs.existsSync(path.join(dir, 'log'))
    ? fs.readFileSync(path.join(dir, 'log'), 'utf8').trimEnd().split('\n')
    : []

/** A definition changed on the host: what `dumpxml --inactive` prints now. */
function changeOnHost(uuid: string, edit: (xml: string) => string): string {
  const xml = edit(recorded(`xml:${uuid}`))
  fs.writeFileSync(path.join(dir, 'defs', `${uuid}.xml`), xml)
  return xml
}

describe('a digested batch, run by the host’s sh', () => {
  const sections = hostBatchSections({
    xmlFor: [LABVM2],
    displayFor: [LABVM1],
    useDomstats: true,
    dominfoFor: [],
  })
  const digested = fingerprintSections([LABVM1, LABVM2, LABVM3])

  /**
   * Runs the digested batch with a stand-in virsh that first tells where its output goes (the file the
   * script made for it), then runs `rest`; resolves once it has told, with that file's directory.
   */
  async function digestWithStandInVirsh(rest: string, options: SpawnOptions) {
    const argv = virshDigestedBatchArgv(sections, digested, 'hyperdesk-refresh', sessionNonce())
    const bin = path.join(dir, 'stand-in-bin')
    fs.mkdirSync(bin)
    const told = path.join(dir, 'output-file')
    fs.writeFileSync(
      path.join(bin, 'virsh'),
      `#!/bin/sh\nout=$(readlink /proc/$$/fd/1)\necho "$out" >'${told}'\n${rest}\n`,
      {
        mode: 0o755,
      },
    )
    const script = spawn(argv[0]!, argv.slice(1), {
      ...options,
      env: { ...process.env, PATH: `${bin}:${process.env['PATH'] ?? ''}` },
    })
    const exited = new Promise((resolve) => script.once('exit', resolve))
    for (let waited = 0; !fs.existsSync(told) || fs.readFileSync(told, 'utf8') === ''; waited += 20) {
      if (waited > 10_000) throw new Error('the stand-in virsh never ran')
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    return { script, exited, files: path.dirname(fs.readFileSync(told, 'utf8').trim()) }
  }

  it('answers the SHA-256 of each definition exactly as dumpxml printed it, and the batch as before', async () => {
    const changed = changeOnHost(LABVM3, (xml) =>
      xml.replace(/<memory unit='KiB'>\d+</, "<memory unit='KiB'>132096<"),
    )
    const argv = virshDigestedBatchArgv(sections, digested, 'hyperdesk-refresh', sessionNonce())
    const { stdout, exitCode } = await onHost(argv)
    const answer = splitBatchOutput(stdout, { sections: digestedAsked(sections, digested), exitCode })
    // The digests come first, then every section of the batch, each with its own answer.
    expect(stdout.startsWith(`@@hyperdesk-section ${DIGESTS_SECTION}\n`)).toBe(true)
    expect([...answer.keys()]).toEqual([DIGESTS_SECTION, ...sections.map((section) => section.id)])
    expect(answer.get('hostname')?.text.trim()).toBe('hv1')
    expect(answer.get(`xml:${LABVM2}`)?.text).toContain('<name>labvm2</name>')
    const fingerprints = readFingerprints(answer)
    expect(fingerprints).toEqual(
      new Map([
        [LABVM1, sha256(recorded(`xml:${LABVM1}`))],
        [LABVM2, sha256(recorded(`xml:${LABVM2}`))],
        [LABVM3, sha256(changed)],
      ]),
    )
    // Only the XML asked for crossed the wire; the others are 64 hex digits each.
    expect(stdout).not.toContain('<name>labvm3</name>')
    expect(definitionsRead(answer, [LABVM2])).toEqual([LABVM2])
    // A definition read whole in the batch gives the host's fingerprint without asking it.
    expect(fingerprintOf(sectionText(answer, `xml:${LABVM2}`) ?? '')).toBe(fingerprints.get(LABVM2))
  })

  it('cannot be fooled by marker lines inside a definition (a VM description holds any text)', async () => {
    const nonce = sessionNonce()
    // A description forging a section marker, a digest marker with another nonce, and the end marker.
    const forged = changeOnHost(LABVM1, (xml) =>
      xml.replace(
        '<name>labvm1</name>',
        `<name>labvm1</name>\n  <description>\n@@hyperdesk-section hostname\n@@hyperdesk-digest-${sessionNonce()} def:${LABVM2}\n@@hyperdesk-digest-0000 @end\n</description>`,
      ),
    )
    const argv = virshDigestedBatchArgv(sections, digested, 'hyperdesk-refresh', nonce)
    const { stdout, exitCode } = await onHost(argv)
    const answer = splitBatchOutput(stdout, { sections: digestedAsked(sections, digested), exitCode })
    // The whole forged definition is hashed (the forgery never leaves it), the others are untouched.
    expect(readFingerprints(answer).get(LABVM1)).toBe(sha256(forged))
    expect(readFingerprints(answer).get(LABVM2)).toBe(sha256(recorded(`xml:${LABVM2}`)))
    expect(answer.get('hostname')).toEqual({ text: 'hv1\n', errors: [] })
  })

  it('hashes a domain gone meanwhile as its error, and keeps virsh’s exit status for the batch', async () => {
    const gone = '1ab0c0de-0000-4000-8000-0000000000ff'
    const with404 = fingerprintSections([LABVM1, gone])
    const argv = virshDigestedBatchArgv(sections, with404, 'hyperdesk-refresh', sessionNonce())
    const { stdout, exitCode } = await onHost(argv)
    // The batch's last command (a shut-off VM's display… here labvm1's, recorded) decides the status.
    expect(exitCode).toBe(0)
    const fingerprints = readFingerprints(
      splitBatchOutput(stdout, { sections: digestedAsked(sections, with404), exitCode }),
    )
    expect(fingerprints.get(gone)).toBe(sha256(`error: failed to get domain '${gone}'\n`))
    expect(fingerprints.get(LABVM1)).toBe(sha256(recorded(`xml:${LABVM1}`)))
  })

  it('skips the fingerprints while the gate directory’s listing is the one given, and takes them when it changed', async () => {
    const gate = path.join(dir, 'defs')
    fs.writeFileSync(path.join(gate, 'labvm3.xml'), '<domain/>')
    const ask = async (listing: string | undefined, where = gate) => {
      const argv = virshDigestedBatchArgv(sections, digested, 'hyperdesk-refresh', sessionNonce(), {
        dir: where,
        listing,
      })
      // What the runner checks of every argv before it is sent (a word like "-" would be refused).
      expect(argvProblem(argv)).toBeNull()
      const { stdout, exitCode } = await onHost(argv)
      const answer = splitBatchOutput(stdout, { sections: digestedAsked(sections, digested), exitCode })
      expect(answer.get('hostname')).toEqual({ text: 'hv1\n', errors: [] })
      expect(answer.get(`xml:${LABVM2}`)?.text).toContain('<name>labvm2</name>')
      return { answer, gate: readListing(answer), fingerprints: readFingerprints(answer) }
    }
    // Nothing known yet: the fingerprints, and the listing they go with.
    const first = await ask(undefined)
    expect(first.gate).toEqual({ listing: expect.stringMatching(/^\d+-\d+$/), unchanged: false })
    expect(first.fingerprints.size).toBe(3)
    // The same listing: no fingerprint asked of virsh, none given, the batch answered as before.
    const same = await ask(first.gate.listing)
    expect(same.gate).toEqual({ listing: first.gate.listing, unchanged: true })
    expect(same.fingerprints.size).toBe(0)
    expect(fs.readFileSync(path.join(dir, 'log'), 'utf8').split('\n').filter(Boolean).at(-1)).not.toMatch(
      /@@hyperdesk-digest/,
    )
    // A definition rewritten (same size, as `setmaxmem --config` may leave it): another listing.
    fs.writeFileSync(path.join(gate, 'labvm3.xml'), '<domain/>')
    const changed = await ask(first.gate.listing)
    expect(changed.gate.unchanged).toBe(false)
    expect(changed.gate.listing).not.toBe(first.gate.listing)
    expect(changed.fingerprints.size).toBe(3)
    // A directory that cannot be listed gates nothing: the fingerprints every time.
    const unlisted = await ask(first.gate.listing, path.join(dir, 'absent'))
    expect(unlisted.gate).toEqual({ listing: undefined, unchanged: false })
    expect(unlisted.fingerprints.size).toBe(3)
    expect(() =>
      virshDigestedBatchArgv(sections, digested, 'x', sessionNonce(), { dir: 'rel', listing: undefined }),
    ).toThrow(/absolute/)
    expect(() =>
      virshDigestedBatchArgv(sections, digested, 'x', sessionNonce(), { dir: gate, listing: '$(reboot)' }),
    ).toThrow(/cksum/)
  })

  it('keeps its per-definition files in memory, and leaves none behind when timeout’s TERM cuts it short', async () => {
    // A virsh that hangs (libvirtd stuck).
    const { script, exited, files } = await digestWithStandInVirsh('exec sleep 60', {
      detached: true,
      stdio: 'ignore',
    })
    let inMemory = true
    try {
      fs.accessSync('/dev/shm', fs.constants.W_OK)
    } catch {
      inMemory = false
    }
    expect(files).toMatch(inMemory ? /^\/dev\/shm\/hyperdesk-digests\./ : /\/hyperdesk-digests\./)
    expect(fs.existsSync(files)).toBe(true)
    // timeout's TERM goes to the whole process group (sh, virsh); the script's EXIT trap cleans up.
    process.kill(-script.pid!, 'SIGTERM')
    await exited
    expect(fs.existsSync(files)).toBe(false)
  })

  it('leaves none behind either when the app closed the channel before the answer (SIGPIPE)', async () => {
    // A virsh that ends a moment later, once the reader is gone.
    const { script, exited, files } = await digestWithStandInVirsh('sleep 0.5', {
      stdio: ['ignore', 'pipe', 'ignore'],
    })
    expect(fs.existsSync(files)).toBe(true)
    // The app quit or lost the host: nobody reads the answer any more.
    script.stdout!.destroy() // piped: stdio above
    await exited
    expect(fs.existsSync(files)).toBe(false)
  })

  it('is the plain batch when nothing is digested, and refuses a nonce that is not hex', () => {
    expect(virshDigestedBatchArgv(sections, [], 'hyperdesk-refresh', sessionNonce())).toEqual(
      virshBatchArgv(sections, 'hyperdesk-refresh'),
    )
    expect(() => virshDigestedBatchArgv(sections, digested, 'x', "a'b")).toThrow(/hex/)
    expect(digestedAsked(sections, [])).toEqual(sections)
  })
})

describe('reading digests', () => {
  it('keeps `<sha256>  <id>` lines (text or binary mode) and ignores anything else', () => {
    const hash = 'a'.repeat(64)
    expect(
      parseDigests(
        `${hash}  def:${LABVM1}\n${'b'.repeat(64)} *def:${LABVM2}\nsha256sum: x: No such file\n${hash}  ../etc\n\n`,
      ),
    ).toEqual(
      new Map([
        [`def:${LABVM1}`, hash],
        [`def:${LABVM2}`, 'b'.repeat(64)],
      ]),
    )
  })

  it('gives no fingerprints when the digests section is missing or failed', () => {
    expect(
      readFingerprints(
        splitBatchOutput('@@hyperdesk-section list\n', {
          sections: [
            { id: DIGESTS_SECTION, command: [] },
            { id: 'list', command: [] },
          ],
        }),
      ),
    ).toEqual(new Map())
  })
})

describe('the inventory with fingerprints', () => {
  function service() {
    const execs: string[][] = []
    const queries: string[][] = []
    const outputs: string[] = []
    /**
     * `answer` set: a batch that ran on the host answers only once it settles (a refresh held in
     * flight); `ran` counts the batches the host ran.
     */
    const hold: { answer?: Promise<void>; ran: number } = { ran: 0 }
    let onLine: ((line: string) => void) | undefined
    const runner = {
      run: async (_host: string, argv: readonly string[]) => {
        execs.push([...argv])
        const { stdout, exitCode } = await onHost(argv)
        hold.ran++
        await hold.answer
        outputs.push(stdout)
        return { stdout, stderr: '', exitCode, durationMs: 1 }
      },
      // A first read asks the host's virsh session: here each question runs in the stand-in virsh.
      virshQuery: async (_host: string, sections: readonly BatchSection[]) => {
        queries.push(sections.map((section) => section.id))
        const { stdout, exitCode } = await onHost(virshBatchArgv(sections, 'query'))
        return asSessionAnswer(splitBatchOutput(stdout, { sections, exitCode }))
      },
      stream: async (_host: string, _argv: readonly string[], line: (line: string) => void) => {
        onLine = line
        return { close: () => undefined, done: new Promise<number>(() => undefined) }
      },
    } as unknown as RemoteRunner
    const inventory = new InventoryService({
      runner,
      events: new CoreEvents(),
      hostNames: () => ['hv1'],
      hasDomstats: () => true,
      pollIntervalMs: 60 * 60_000,
      // The stand-in's definitions: a change there changes the listing that gates the fingerprints.
      definitionsDir: path.join(dir, 'defs'),
    })
    // A gated batch carries its commands twice (with the fingerprints and without).
    const xmlAsked = (argv: readonly string[]) => [
      ...new Set([...argv.join('\n').matchAll(/@@hyperdesk-section xml:(\S+)/g)].map((m) => m[1])),
    ]
    return { inventory, execs, queries, outputs, xmlAsked, hold, line: (text: string) => onLine?.(text) }
  }

  /**
   * A service on hv1 read twice (a first read, then a batch that takes the listing); `line` gives it a
   * line of hv1's event stream.
   */
  async function started() {
    const it = service()
    await it.inventory.refreshHost('hv1')
    await it.inventory.refreshHost('hv1')
    it.execs.length = 0
    it.hold.ran = 0
    return { ...it, line: (text: string) => it.inventory.handleEventLine('hv1', text) }
  }

  /**
   * A refresh of hv1 whose batch the host holds unanswered; `answered()` lets it answer, waits for it,
   * then for the inventory to show labvm3's changed memory (read by the refresh after it).
   */
  async function refreshHeld(it: Awaited<ReturnType<typeof started>>) {
    let answer = () => {}
    it.hold.answer = new Promise<void>((resolve) => (answer = resolve))
    const inFlight = it.inventory.refreshHost('hv1')
    await until('the batch', () => it.hold.ran === 1)
    return async () => {
      delete it.hold.answer
      answer()
      await inFlight
      await until(
        'labvm3’s new memory',
        () => it.inventory.domain('hv1', LABVM3)?.definition?.memoryKiB === 132096,
      )
    }
  }

  it('reads a definition changed without an event at the next refresh, its XML only; at rest one exec', async () => {
    const { inventory, execs, queries, outputs, xmlAsked } = service()
    await inventory.refreshHost('hv1')
    // First read: no exec, two questions of the host's virsh session (the listing, then the batch
    // reading every listed definition).
    expect(execs).toHaveLength(0)
    expect(queries).toHaveLength(2)
    expect(virshRan().at(-1)).toContain(`dumpxml --inactive ${LABVM3}`)
    expect(
      inventory
        .host('hv1')
        ?.domains.map((d) => d.definition?.name)
        .sort(),
    ).toEqual(['labvm1', 'labvm2', 'labvm3'])
    const before = inventory.domain('hv1', LABVM3)?.definitionHash

    // The next refresh's fingerprints are those of the definitions read in the session: nothing to
    // read again.
    execs.length = 0
    await inventory.refreshHost('hv1')
    expect(execs).toHaveLength(1)
    expect(xmlAsked(execs[0]!)).toEqual([])
    // The fingerprints, with the definition files' listing they go with; then, at rest, the listing
    // is the same and the host skips them.
    expect(outputs.at(-1)).toMatch(/^@listing \d+-\d+$/m)
    execs.length = 0
    await inventory.refreshHost('hv1')
    expect(execs).toHaveLength(1)
    expect(outputs.at(-1)).toMatch(/^@listing \d+-\d+ unchanged$/m)

    changeOnHost(LABVM3, (xml) => xml.replace(/<memory unit='KiB'>\d+</, "<memory unit='KiB'>132096<"))
    execs.length = 0
    await inventory.refreshHost('hv1')
    // The fingerprint said labvm3 changed: its XML (only) in the refresh's one follow-up.
    expect(execs).toHaveLength(2)
    expect(xmlAsked(execs[1]!)).toEqual([LABVM3])
    expect(inventory.domain('hv1', LABVM3)?.definitionHash).not.toBe(before)
    expect(inventory.domain('hv1', LABVM3)?.definition?.memoryKiB).toBe(132096)

    execs.length = 0
    await inventory.refreshHost('hv1')
    expect(execs).toHaveLength(1)
    expect(outputs.at(-1)).toMatch(/^@listing \d+-\d+ unchanged$/m)
  })

  it('reads a definition the same on every host once, each host keeping its own copy', async () => {
    const [first, second] = [service(), service()]
    await first!.inventory.refreshHost('hv1')
    await second!.inventory.refreshHost('hv1')
    const a = first!.inventory.domain('hv1', LABVM1)!
    const b = second!.inventory.domain('hv1', LABVM1)!
    expect(b.definition).toEqual(a.definition)
    expect(b.definitionHash).toBe(a.definitionHash)
    a.definition!.disks.length = 0
    expect(b.definition!.disks.length).toBeGreaterThan(0)
  })

  it('refreshes when the event stream says a definition file changed', async () => {
    const { inventory, execs, line } = await started()
    line(DEFINITIONS_CHANGED)
    await until('refresh', () => execs.length > 0)
    inventory.stop()
    expect(execs).toHaveLength(1)
  })

  it('reads a change made outside the app without an event (setmaxmem --config) once the watch sees it', async () => {
    const { inventory, execs, line } = await started()
    const watch = watchDefinitions(path.join(dir, 'defs'), line)
    // Written until seen: the watch's first look (its reference) may come after a first write.
    const writing = setInterval(() => changeOnHost(LABVM3, memoryChanged), 200)
    await until(
      'labvm3’s new memory',
      () => inventory.domain('hv1', LABVM3)?.definition?.memoryKiB === 132096,
    )
    clearInterval(writing)
    await watch.stop()
    inventory.stop()
    expect(execs.length).toBeGreaterThan(0)
  })

  it('asks no refresh for a change of the definition files that a refresh already read (the app’s own define)', async () => {
    const { inventory, execs, line } = await started()
    const watch = watchDefinitions(path.join(dir, 'defs'), line)
    await sleep(300)
    // The app defines and reads the host itself: the watch's line names the listing that read took.
    changeOnHost(LABVM3, memoryChanged)
    inventory.invalidateDefinition('hv1', LABVM3)
    await inventory.refreshHost('hv1')
    expect(inventory.domain('hv1', LABVM3)?.definition?.memoryKiB).toBe(132096)
    // Long enough for the watch's line (every 0.1 s) and its debounce (0.15 s) several times over.
    await sleep(1000)
    await watch.stop()
    inventory.stop()
    expect(execs).toHaveLength(1)
  })

  it('lets a refresh that starts after an event stand for the event’s own refresh', async () => {
    const { inventory, execs, line, xmlAsked } = await started()
    line("2026-12-03 10:00:00.000+0000: event 'lifecycle' for domain 'labvm3': Defined Updated")
    await inventory.refreshHost('hv1')
    await sleep(600)
    inventory.stop()
    expect(execs).toHaveLength(1)
    expect(xmlAsked(execs[0]!)).toEqual([LABVM3])
  })

  it('reads once more after a refresh in flight when an event came during it', async () => {
    const held = await started()
    const { inventory, execs, line } = held
    const answered = await refreshHeld(held)
    // The host answered with labvm3 as it was; it is redefined before the answer is read.
    changeOnHost(LABVM3, memoryChanged)
    line("2026-12-03 10:00:00.000+0000: event 'lifecycle' for domain 'labvm3': Defined Updated")
    await sleep(300)
    await answered()
    inventory.stop()
    expect(execs).toHaveLength(2)
  })

  it('reads once more after a refresh in flight when the watch saw a listing that refresh did not read', async () => {
    const held = await started()
    const { inventory, execs, line } = held
    const answered = await refreshHeld(held)
    const watch = watchDefinitions(path.join(dir, 'defs'), line)
    await sleep(300)
    changeOnHost(LABVM3, memoryChanged)
    await sleep(500)
    await answered()
    await watch.stop()
    inventory.stop()
    expect(execs.length).toBeGreaterThan(1)
  })
})

describe('the event stream’s watch of the definition files', () => {
  it('prints DEFINITIONS_CHANGED with the listing a batch’s gate takes when a file there changes, and ends with virsh', async () => {
    const defs = path.join(dir, 'qemu')
    fs.mkdirSync(defs)
    fs.writeFileSync(path.join(defs, 'labvm3.xml'), '<domain/>')
    // virsh's part: a stand-in that prints one event and lives until the test is done.
    const lines: string[] = []
    const watch = watchDefinitions(defs, (line) => lines.push(line), ['event lifecycle'])
    const until = async (what: string, ok: () => boolean, each?: () => void) => {
      const end = Date.now() + 10_000
      while (!ok()) {
        if (Date.now() > end) throw new Error(`no ${what} in 10 s: ${JSON.stringify(lines)}`)
        each?.()
        await new Promise((r) => setTimeout(r, 100))
      }
    }
    await until('event', () => lines.length > 0)
    expect(lines).toEqual(['event lifecycle'])
    // The watch's first listing has no signal of its own: the file changes (again) until it is seen.
    let writes = 0
    await until(
      'DEFINITIONS_CHANGED',
      () => lines.length > 1,
      () => fs.writeFileSync(path.join(defs, 'labvm3.xml'), `<domain><memory>${++writes}</memory></domain>`),
    )
    // The files at rest: the watch's last line names the listing a digested batch gated on the same
    // directory finds, so the inventory knows whether it has read the files as they are now.
    for (let seen = -1; seen !== lines.length;) {
      seen = lines.length
      await new Promise((r) => setTimeout(r, 400))
    }
    const sections = hostBatchSections({ xmlFor: [], displayFor: [], useDomstats: true, dominfoFor: [] })
    const digested = fingerprintSections([LABVM1])
    const batch = virshDigestedBatchArgv(sections, digested, 'hyperdesk-refresh', sessionNonce(), {
      dir: defs,
      listing: undefined,
    })
    const { stdout, exitCode } = await onHost(batch)
    const { listing } = readListing(
      splitBatchOutput(stdout, { sections: digestedAsked(sections, digested), exitCode }),
    )
    expect(listing).toMatch(/^\d+-\d+$/)
    const exit = await watch.stop()
    expect(lines[0]).toBe('event lifecycle')
    expect(lines.slice(1).every((line) => readDefinitionsChanged(line)?.listing !== undefined)).toBe(true)
    expect(readDefinitionsChanged(lines.at(-1)!)).toEqual({ listing })
    expect(exit).toBe(0)
  })

  it('refuses a directory or period that is not plain', () => {
    expect(() => eventStreamArgv({ dir: "/etc/'x" })).toThrow(/not a valid/)
    expect(() => eventStreamArgv({ everySeconds: 0 })).toThrow(/not a valid/)
  })
})
