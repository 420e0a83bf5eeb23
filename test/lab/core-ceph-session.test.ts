/**
 * The Ceph read session (src/main/core/ceph/read-session.ts) against the real lab: each of the app's
 * read commands run both ways on hv1 — the `ceph` CLI as the runner always ran it, and the session's
 * mon_command — then read by the app's own parsers (formats/), which must give the same values; and
 * the whole JSON equal where nothing in it moves by itself. What legitimately moves between two reads
 * a few ms apart, and is left out: `df`'s usage figures (stored bytes, objects, percent used, max
 * available, used bytes: the running guests write), and the whole JSON of `status` (its quorum age,
 * PG rates) and `quorum_status` (its quorum age), whose parsed values are compared.
 *
 * Then through the runner itself: the first read on a host runs the CLI and opens the session beside
 * it; the next reads are served by that one python on the host, with the same parsed results.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  parseDf,
  parseHealthDetail,
  parseOsdFlags,
  parseOsdTree,
  parseQuorum,
} from '../../src/main/core/ceph/health'
import { parseBlocklist } from '../../src/main/core/ceph/formats/blocklist'
import { readStatusPgs } from '../../src/main/core/ceph/formats/ceph-status'
import { jsonValue } from '../../src/main/core/ceph/formats/json'
import {
  CephReadSessions,
  openReadSession,
  sessionReads,
  type ReadSession,
} from '../../src/main/core/ceph/read-session'
import { SshRunner } from '../../src/main/core/remote/runner'
import { labCore, type LabCore } from '../support/lab-core'
import { labCmd, requireLab, waitFor, waitForHealthOk } from './support/lab'

let lab: LabCore
let session: ReadSession

const HOST = 'hv1'

function settings() {
  const { clientId, monitorTimeoutSeconds } = lab.context.config.requireConfig().ceph
  return { clientId, monitorTimeoutSeconds }
}

/** The CLI exactly as the runner's ceph() builds it, run as a plain command (never the session). */
async function cli(args: readonly string[]): Promise<{ stdout: string; stderr: string }> {
  const { clientId, monitorTimeoutSeconds } = settings()
  return lab.context.runner.run(HOST, [
    'ceph',
    '--id',
    clientId,
    '--connect-timeout',
    String(monitorTimeoutSeconds),
    ...args,
  ])
}

/** The PIDs of read-session pythons on the host (the lease's have a pool after the timeout). */
async function sessions(): Promise<string[]> {
  const { clientId, monitorTimeoutSeconds } = settings()
  const pattern = `base64.b64decode.* ${clientId} ${monitorTimeoutSeconds}$`
  return labCmd('hv', HOST, 'pgrep', '-f', pattern).then(
    (out) => out.trim().split('\n').filter(Boolean),
    () => [],
  )
}

/** What the app reads from each command's output (its parsers), minus what moves by itself. */
const PARSED: Record<string, (stdout: string) => unknown> = {
  status: (out) => readStatusPgs(jsonValue(out, 'ceph status')),
  health: (out) => parseHealthDetail(jsonValue(out, 'ceph health detail')),
  'osd tree': (out) => parseOsdTree(jsonValue(out, 'ceph osd tree')),
  'osd dump': (out) => parseOsdFlags(jsonValue(out, 'ceph osd dump')),
  quorum_status: (out) => parseQuorum(jsonValue(out, 'ceph quorum_status')),
  df: (out) => {
    const { pools, totalBytes } = parseDf(jsonValue(out, 'ceph df'))
    return { totalBytes, pools: pools.map(({ name, id }) => ({ name, id })) }
  },
  'osd blocklist ls': (out) => parseBlocklist(out, 'ceph osd blocklist ls'),
  'osd blacklist ls': (out) => parseBlocklist(out, 'ceph osd blacklist ls'),
}
/** Commands whose whole output holds nothing that moves between two reads. */
const WHOLE_OUTPUT = new Set(['health', 'osd tree', 'osd dump', 'osd blocklist ls', 'osd blacklist ls'])

beforeAll(async () => {
  await requireLab()
  lab = await labCore()
  await lab.waitForInventory()
  await waitForHealthOk()
  session = openReadSession(HOST, () => lab.context.hosts.get(HOST), settings)
}, 120_000)

afterAll(async () => {
  session?.close()
  await lab?.cleanup()
})

describe('Ceph read session (lab)', () => {
  it('covers every read of the table, and each gives what the CLI prints, read by the same parsers', async () => {
    expect(Object.keys(PARSED).sort()).toEqual(
      sessionReads()
        .map((read) => read.command['prefix'])
        .sort(),
    )
    for (const { args, command } of sessionReads()) {
      const prefix = command['prefix']!
      const [byCli, bySession] = await Promise.all([
        cli(args),
        session.call({ op: 'mon', cmd: { ...command, format: 'json' } }),
      ])
      expect(bySession.answer.ok, `${prefix}: ${JSON.stringify(bySession.answer)}`).toBe(true)
      const value = (bySession.answer as { value: { out: string; outs: string } }).value
      const parse = PARSED[prefix]!
      expect(parse(value.out), prefix).toEqual(parse(byCli.stdout))
      // Byte for byte where nothing moves (Pacific's blocklist ls prints "[][]": its parser knows).
      if (WHOLE_OUTPUT.has(prefix)) expect(value.out.trim(), prefix).toBe(byCli.stdout.trim())
      // What the CLI prints on stderr is the monitor's status text ("listed 0 entries").
      expect(value.outs.trim(), prefix).toBe(byCli.stderr.trim())
    }
    session.close()
  }, 120_000)

  it('through the runner: the first read opens the session beside the CLI, the next ones are its', async () => {
    // A runner of its own on the core's connections: no read session of the core's counts here.
    const hosts = lab.context.hosts
    const reads = new CephReadSessions((host) => openReadSession(host, () => hosts.get(host), settings))
    const runner = new SshRunner(hosts, settings, undefined, reads)
    // Observes (and passes through) every command the runner starts: the CLI's `ceph` among them.
    const run = vi.spyOn(runner, 'run')
    const cliRuns = () => run.mock.calls.filter(([host, argv]) => host === HOST && argv[0] === 'ceph').length
    const table = sessionReads()
    const python = async () => (await sessions()).filter((pid) => !before.includes(pid))
    const before = await sessions()
    const first = await runner.ceph(HOST, table[0]!.args)
    expect(cliRuns()).toBe(1)
    expect(readStatusPgs(jsonValue(first.stdout, 'ceph status')).total).toBeGreaterThan(0)
    await waitFor('the read session open on hv1', async () => (await python()).length === 1 || undefined)
    const opened = await python()
    const byRunner = []
    for (const { args } of table) byRunner.push((await runner.ceph(HOST, args)).stdout)
    // None of them ran `ceph`: the one python on hv1 answered them all.
    expect(cliRuns()).toBe(1)
    expect(await python()).toEqual(opened)
    for (const [index, { args, command }] of table.entries()) {
      const prefix = command['prefix']!
      expect(PARSED[prefix]!(byRunner[index]!), prefix).toEqual(PARSED[prefix]!((await cli(args)).stdout))
    }
    run.mockRestore()
    runner.close()
  }, 120_000)
})
