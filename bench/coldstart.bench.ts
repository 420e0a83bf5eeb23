/**
 * Cold start (issue 23 item 1): from the core's start to the full tree — every host read, every
 * definition known — against "SSH to every host in parallel, then the hand batch with definitions"
 * (a bare ssh2 connection per host and one virsh per host with list, domstats and every dumpxml),
 * measured in the same run; and the first inventory with definitions (connections already up) against
 * the hand batch alone. On the lab with 40 extra defined VMs per host, at 0 and 30 ms added round
 * trip. Also where the core's start spends its time. Reports ratios; asserts only that the app and
 * the baseline saw the same VMs (no timed assertions).
 */
import fs from 'node:fs'
import { Client } from 'ssh2'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CoreEvents } from '../src/main/core/events'
import { InventoryService } from '../src/main/core/inventory/inventory-service'
import { labCore, type LabCore } from '../test/support/lab-core'
import { addVms, delVms, LAB_APP_KEY, LAB_HOSTS, requireLab, waitFor } from '../test/lab/support/lab'
import { latencyProxies, median, medianOf, timed, writeReport } from './support'
import { figure } from './summary'

const EXTRA_VMS = 40
const RUNS = Number(process.env['COLDSTART_BENCH_RUNS'] ?? 5)
const HOSTS = LAB_HOSTS.map((host) => host.name)
const report: string[] = []

beforeAll(async () => {
  await requireLab()
  await delVms()
  await addVms(EXTRA_VMS)
}, 300_000)

afterAll(async () => {
  await delVms()
  writeReport('coldstart', report)
}, 300_000)

/** One bare SSH connection (ssh2, the lab's key), as fast as a connection gets. */
function connect(endpoint: { host: string; port: number }): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new Client()
    client
      .on('ready', () => resolve(client))
      .on('error', reject)
      .connect({
        ...endpoint,
        username: 'etalab',
        privateKey: fs.readFileSync(LAB_APP_KEY),
        readyTimeout: 20_000,
      })
  })
}

function exec(client: Client, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    client.exec(command, (error, channel) => {
      if (error) return reject(error)
      let out = ''
      channel.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')))
      channel.stderr.on('data', () => undefined)
      channel.on('close', () => resolve(out))
    })
  })
}

/** The hand batch with definitions: one virsh, list, domstats and every inactive definition. */
const handBatch = (uuids: readonly string[]) =>
  `LC_ALL=C virsh -r -c qemu:///system '${['list --all --uuid', 'domstats --raw', ...uuids.map((uuid) => `dumpxml --inactive ${uuid}`)].join(' ; ')}'`

describe.each([0, 30])('cold start at +%i ms round trip', (roundTrip) => {
  let proxies: Awaited<ReturnType<typeof latencyProxies>>
  /** Each host's UUIDs, as virsh lists them. */
  const uuids = new Map<string, string[]>()
  beforeAll(async () => {
    proxies = await latencyProxies(roundTrip)
    await Promise.all(
      HOSTS.map(async (host, index) => {
        const client = await connect(proxies.endpoint(index))
        const list = await exec(client, 'LC_ALL=C virsh -r -c qemu:///system list --all --uuid')
        uuids.set(
          host,
          list.split('\n').filter((line) => /^[0-9a-f-]{36}$/.test(line.trim())),
        )
        client.end()
      }),
    )
  }, 60_000)
  afterAll(async () => proxies?.close())

  it('core start to the full tree, and the first inventory with definitions', async () => {
    // Baseline: SSH to every host in parallel, each then runs the hand batch; all done.
    const sshAndBatch = await medianOf(RUNS, () =>
      Promise.all(
        HOSTS.map(async (host, index) => {
          const client = await connect(proxies.endpoint(index))
          const out = await exec(client, handBatch(uuids.get(host) ?? []))
          client.end()
          expect(out.split('<domain ').length - 1).toBe(uuids.get(host)?.length)
        }),
      ),
    )

    // The app: from creating the core to every host's every domain with its definition.
    const expected = [...uuids.values()].reduce((sum, list) => sum + list.length, 0)
    const full = (lab: LabCore) => {
      const { hosts } = lab.context.inventory.snapshot()
      return (
        hosts.filter((host) => host.reachable).length === HOSTS.length &&
        hosts.reduce((sum, host) => sum + host.domains.filter((domain) => domain.definition).length, 0) ===
          expected
      )
    }
    const starts: number[] = []
    const phases: Array<Record<string, number>> = []
    let last: LabCore | undefined
    for (let i = 0; i < RUNS; i++) {
      const start = performance.now()
      const marks: Record<string, number> = {}
      let offState: () => void = () => undefined
      const lab = await labCore((cluster) => proxies.editCluster(cluster), { inventoryPollMs: 60 * 60_000 })
      marks['core created'] = performance.now() - start
      // Looked at when the core says something changed (not polled: a poll's snapshots would take
      // the core's own CPU while it reads).
      const note = () => {
        for (const host of HOSTS) {
          if (marks[`${host} online`] === undefined && lab.states.get(host)?.status === 'online')
            marks[`${host} online`] = performance.now() - start
          if (marks[`${host} doctor`] === undefined && lab.states.get(host)?.doctor)
            marks[`${host} doctor`] = performance.now() - start
          if (marks[`${host} read`] === undefined && lab.context.inventory.host(host)?.reachable)
            marks[`${host} read`] = performance.now() - start
        }
      }
      let fullAt = 0
      await new Promise<void>((resolve) => {
        const check = () => {
          note()
          if (fullAt || !full(lab)) return
          fullAt = performance.now() - start
          marks['full tree'] = fullAt
          offInventory()
          resolve()
        }
        const offInventory = lab.context.events.on('inventory.changed', check)
        offState = lab.context.events.on('hosts.state', check)
        check()
      })
      starts.push(fullAt)
      // Untimed: every host's doctor done (its Ceph probes would otherwise still run on the hosts
      // during the next run).
      await waitFor('every host’s doctor', () => HOSTS.every((host) => lab.states.get(host)?.doctor), 120_000)
      offState()
      phases.push(marks)
      if (i < RUNS - 1) await lab.cleanup()
      else last = lab
    }
    const coldStart = median(starts)

    // The first inventory with definitions on open connections, against the hand batch alone on them.
    const lab = last!
    const runner = lab.context.runner
    // The app and the hand batch take turns, run by run, so both see the same load on the hosts and
    // here (five of one then five of the other let a change of load decide the ratio).
    const readFirstInventory = async () => {
      const inventory = new InventoryService({
        runner,
        events: new CoreEvents(),
        hostNames: () => HOSTS,
        hasDomstats: () => true,
      })
      const snapshot = await inventory.refreshAll()
      expect(snapshot.hosts.reduce((sum, host) => sum + host.domains.length, 0)).toBe(expected)
    }
    const runHandBatch = () =>
      Promise.all(
        HOSTS.map((host) =>
          runner.virshBatch(host, [
            ['list', '--all', '--uuid'],
            ['domstats', '--raw'],
            ...(uuids.get(host) ?? []).map((uuid) => ['dumpxml', '--inactive', uuid]),
          ]),
        ),
      )
    const firstReads: number[] = []
    const hands: number[] = []
    for (let i = 0; i < RUNS; i++) {
      firstReads.push((await timed(readFirstInventory)).ms)
      hands.push((await timed(runHandBatch)).ms)
    }
    const firstRead = median(firstReads)
    const hand = median(hands)
    await lab.cleanup()

    const phaseText = Object.keys(phases[0] ?? {})
      .sort((a, b) => median(phases.map((p) => p[a] ?? NaN)) - median(phases.map((p) => p[b] ?? NaN)))
      .map((key) => `${key} ${median(phases.map((p) => p[key] ?? NaN)).toFixed(0)}`)
      .join(', ')
    const at = `+${roundTrip} ms RTT, ${expected} VM definitions on ${HOSTS.length} hosts`
    report.push(
      `cold start, ${at}, median of ${RUNS}:`,
      `  core start → full tree          ${coldStart.toFixed(1).padStart(8)} ms   (runs ${starts.map((ms) => ms.toFixed(0)).join(', ')})`,
      `  ssh in parallel + hand batch    ${sshAndBatch.toFixed(1).padStart(8)} ms`,
      `  ratio                           ${(coldStart / sshAndBatch).toFixed(2).padStart(8)} ×   (target ≤ 1.2×)`,
      `  first inventory with XML        ${firstRead.toFixed(1).padStart(8)} ms   (runs ${firstReads.map((ms) => ms.toFixed(0)).join(', ')})`,
      `  hand batch (open connections)   ${hand.toFixed(1).padStart(8)} ms   (runs ${hands.map((ms) => ms.toFixed(0)).join(', ')})`,
      `  ratio                           ${(firstRead / hand).toFixed(2).padStart(8)} ×   (target ≤ 1.5×)`,
      `  where the start goes (ms since the core was created, medians): ${phaseText}`,
    )
    figure({
      name: `cold start: core start → full tree (${at})`,
      bench: 'coldstart',
      value: coldStart,
      unit: 'ms',
      baseline: { name: 'ssh to every host in parallel + hand batch', value: sshAndBatch },
      target: { kind: 'max', value: 1.2 },
      detail: `median of ${RUNS}; SSH handshakes included; ${phaseText}`,
    })
    figure({
      name: `cold start: first inventory with definitions (${at})`,
      bench: 'coldstart',
      value: firstRead,
      unit: 'ms',
      baseline: { name: 'hand batch with definitions', value: hand },
      target: { kind: 'max', value: 1.5 },
      detail: `median of ${RUNS}, taking turns with the hand batch, connections open`,
    })
  }, 600_000)
})
