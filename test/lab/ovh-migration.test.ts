/**
 * The runbook's migration with OVH's step done by the app against the lab's OVH double (issue 20,
 * items 3 and 7): one `vm.migrate` job with `blockMove: first` checks labvm1's failover block
 * (ipCanBeMovedTo), moves it to hv2's server and follows OVH's task until it routes there (the lab's
 * routing follows), then live-migrates labvm1 hv1 → hv2; its gateway changed, its failover IP answers
 * from the destination. It comes back with `blockMove: parallel` (migrated while the block moves).
 * Then a guided maintenance of hv1 does the same per VM: its plan shows labvm1's block (addresses,
 * users, OVH's ipCanBeMovedTo), its job moves the block to hv2's server before migrating labvm1, and
 * the failover IP answers from hv2; the maintenance is aborted there (noout unset).
 * Everything is left as `lab up` made it: labvm1 on hv1, 10.77.100.1 routed to hv1, hv1's gateway.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MaintenancePlan, MaintenanceRecord } from '../../src/shared/maintenance'
import type { MigrationResult } from '../../src/shared/migration'
import os from 'node:os'
import { OvhApi, OVH_ACCESS_RULES } from '../../src/main/core/ovh/api'
import { OvhClient } from '../../src/main/core/ovh/client'
import { tcpReachable } from '../../src/main/core/firewall/firewall'
import { labCore, type LabCore } from '../support/lab-core'
import { vmFailoverState } from './ovh-double/lab-state'
import { OvhDouble, routedAddresses } from './ovh-double/server'
import { setGuestGateway } from './support/guest-console'
import { domState, labCmd, labGuest, labHost, requireLab, waitFor } from './support/lab'
import { vmClaims } from '../../src/main/core/ovh/view'

const VM = labGuest('labvm1')
const SERVER: Record<string, string> = { hv1: 'ns3000001.ip-10-77-11.eu', hv2: 'ns3000002.ip-10-77-12.eu' }
const HOST_OF = Object.fromEntries(Object.entries(SERVER).map(([h, s]) => [s, h]))
let double: OvhDouble
let api: OvhApi
let lab: LabCore

const answers = async (ip: string) => (await tcpReachable(ip, 3000)) || tcpReachable(ip, 3000)

beforeAll(async () => {
  await requireLab()
  double = new OvhDouble({
    application: { key: 'hdLabAppKey00002', secret: 'hdLabAppSecret000000000000000002' },
    consumers: [{ key: 'hdLabConsumerKey0000000000000002', rules: OVH_ACCESS_RULES.map((r) => ({ ...r })) }],
    state: vmFailoverState(VM, SERVER),
    // OVH's task still goes init, todo, doing (700 ms), done: several of the app's 200 ms polls.
    moveMs: 1000,
    onRouted: async (block, serviceName) => {
      for (const address of routedAddresses(block))
        await labCmd('failover-ip', address, HOST_OF[serviceName]!)
    },
  })
  await double.start()
  api = new OvhApi(
    new OvhClient({
      endpoint: double.url,
      baseUrl: double.url,
      applicationKey: 'hdLabAppKey00002',
      applicationSecret: 'hdLabAppSecret000000000000000002',
      consumerKey: 'hdLabConsumerKey0000000000000002',
      source: 'test',
    }),
  )
  // the app reads its OVH credentials as OVH's tools do (an ovh.conf, mode 0600), each host mapped
  const conf = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hd-ovhflow-')), 'ovh.conf')
  fs.writeFileSync(
    conf,
    `[default]\nendpoint=${double.url}\n[${double.url}]\napplication_key=hdLabAppKey00002\napplication_secret=hdLabAppSecret000000000000000002\nconsumer_key=hdLabConsumerKey0000000000000002\n`,
    { mode: 0o600 },
  )
  lab = await labCore(
    (cluster) => {
      for (const host of cluster.hosts) if (SERVER[host.name]) host.ovhServiceName = SERVER[host.name]
      // the maintenance's noout runs as core-maintenance's privileged client
      cluster.ceph.privilegedClientId = 'hyperdesk-maint'
    },
    {
      ovhCredentials: { env: {}, files: [conf] },
      ovhTaskIntervalMs: 200,
      maintenance: { pollMs: 250, cleanPollMs: 1000 },
    },
  )
  await lab.waitForInventory()
  // labvm1's failover IP in its settings (Hyperdesk metadata), as the app records it at creation
  const set = await lab.runJob('vm.setSettings', { uuid: VM.uuid, settings: { failoverIp: VM.failoverIp } })
  expect(set.state, JSON.stringify(set.error)).toBe('succeeded')
  await waitFor(
    'labvm1 claims its failover IP in the inventory',
    async () => vmClaims(lab.context.inventory.snapshot()).find((vm) => vm.uuid === VM.uuid)?.failoverIp,
    30_000,
  )
}, 120_000)

afterAll(async () => {
  // a maintenance left by a failed assertion: aborted, which unsets the noout it set
  const left =
    lab && ((await lab.core.call('maintenance.current', {})) as { record: MaintenanceRecord | null }).record
  if (left && left.status !== 'done' && left.status !== 'cancelled')
    await lab.core.call('maintenance.abort', { id: left.id }).catch(() => undefined)
  // leave labvm1 where `lab up` put it, routed and configured for hv1, whatever happened
  if ((await domState('hv2', VM.name).catch(() => '')) === 'running')
    await lab
      .runJob('vm.migrate', { uuid: VM.uuid, to: 'hv1', acceptWarnings: true }, 120_000)
      .catch(() => undefined)
  await labCmd('failover', VM.name, 'hv1').catch(() => undefined)
  await setGuestGateway('hv1', VM.name, labHost('hv1').gateway).catch(() => undefined)
  await lab
    ?.runJob('vm.setSettings', { uuid: VM.uuid, settings: { failoverIp: null } })
    .catch(() => undefined)
  await double?.settle()
  await double?.close()
  await lab?.cleanup()
}, 180_000)

describe('migration with OVH’s block move, as one job of the app', () => {
  it('moves the block first, follows the task, migrates, and the failover IP answers from the destination', async () => {
    expect(await answers(VM.failoverIp)).toBe(true)
    const block = (await api.failoverBlocks()).find((b) => b.ip === `${VM.failoverIp}/32`)!
    expect(block.routedTo?.serviceName).toBe(SERVER['hv1'])

    const job = await lab.runJob(
      'vm.migrate',
      { uuid: VM.uuid, to: 'hv2', acceptWarnings: true, blockMove: { block: block.ip, when: 'first' } },
      180_000,
    )
    expect(job.state, JSON.stringify(job.error)).toBe('succeeded')
    const result = job.result as MigrationResult
    expect(result.blockMove).toMatchObject({ block: block.ip, serviceName: SERVER['hv2'], moved: true })
    // the job's log shows OVH's task from start to end, before the migration
    const log = job.log.map((line) => line.text).join('\n')
    expect(log).toMatch(/OVH task \d+: init[\s\S]*OVH task \d+: done[\s\S]*virsh migrate/)
    // OVH routes the IP to hv2 now; the virtual MAC followed the block
    expect((await api.failoverBlocks()).find((b) => b.ip === block.ip)?.routedTo?.serviceName).toBe(
      SERVER['hv2'],
    )
    expect((await api.virtualMacFor(SERVER['hv2']!, VM.failoverIp))?.macAddress).toBe(VM.mac)
    expect(await domState('hv2', VM.name)).toBe('running')
    await setGuestGateway('hv2', VM.name, labHost('hv2').gateway)
    expect(await answers(VM.failoverIp)).toBe(true)

    // and back, migrating at once while the block moves
    const home = await lab.runJob(
      'vm.migrate',
      { uuid: VM.uuid, to: 'hv1', acceptWarnings: true, blockMove: { block: block.ip, when: 'parallel' } },
      180_000,
    )
    expect(home.state, JSON.stringify(home.error)).toBe('succeeded')
    expect((home.result as MigrationResult).blockMove).toMatchObject({
      serviceName: SERVER['hv1'],
      moved: true,
    })
    await setGuestGateway('hv1', VM.name, labHost('hv1').gateway)
    expect(await answers(VM.failoverIp)).toBe(true)
    expect(double.violations).toEqual([])
  }, 400_000)

  it('guided maintenance of hv1 moves labvm1’s block through OVH before migrating it: its failover IP answers from hv2', async () => {
    const block = `${VM.failoverIp}/32`
    const destinations = { [VM.uuid]: 'hv2' }
    const plan = (await lab.core.call('maintenance.plan', { host: 'hv1', destinations })) as MaintenancePlan
    expect(plan.moves.find((move) => move.uuid === VM.uuid)?.failoverIp, JSON.stringify(plan)).toBe(
      VM.failoverIp,
    )
    expect(plan.ovh).toEqual({ configured: true })
    // the plan shows the block as OVH routes it, every address and who uses it, OVH's pre-check
    expect(plan.moves.find((move) => move.uuid === VM.uuid)?.block).toEqual({
      block,
      routedTo: SERVER['hv1'],
      routedHost: 'hv1',
      toServer: SERVER['hv2'],
      needed: true,
      addresses: [{ ip: VM.failoverIp, vms: [VM.name] }],
      others: [],
      canMove: true,
    })
    const started = (await lab.core.call('maintenance.start', {
      host: 'hv1',
      destinations,
      acceptWarnings: true,
      blockMoves: { [VM.uuid]: { block } },
    })) as MaintenanceRecord
    expect(started.steps.slice(0, 2).map((step) => step.id)).toEqual([
      `block:${VM.uuid}`,
      `migrate:${VM.uuid}`,
    ])
    const migrated = await waitFor(
      'labvm1 migrated by the maintenance',
      async () => {
        const record = ((await lab.core.call('maintenance.current', {})) as { record: MaintenanceRecord })
          .record
        if (record.status === 'failed') throw new Error(JSON.stringify(record.error))
        return record.steps.find((step) => step.id === `migrate:${VM.uuid}`)?.state === 'done'
          ? record
          : undefined
      },
      120_000,
      250,
    )
    const moved = migrated.steps.find((step) => step.id === `block:${VM.uuid}`)!
    expect(moved.state).toBe('done')
    expect(moved.message).toContain(`${block} now routes to hv2 (${SERVER['hv2']}, OVH task `)
    // the block moved first, then labvm1 left hv1
    expect(moved.endedAt!).toBeLessThanOrEqual(migrated.steps[1]!.startedAt!)
    expect((await api.failoverBlocks()).find((b) => b.ip === block)?.routedTo?.serviceName).toBe(
      SERVER['hv2'],
    )
    expect(await domState('hv2', VM.name)).toBe('running')
    await setGuestGateway('hv2', VM.name, labHost('hv2').gateway)
    expect(await answers(VM.failoverIp)).toBe(true)
    // the rest (noout, the reboot) is core-maintenance's: abort, which unsets the noout it set
    const aborted = (await lab.core.call('maintenance.abort', { id: started.id })) as MaintenanceRecord
    expect(aborted.status).toBe('cancelled')
    expect(double.violations).toEqual([])
  }, 300_000)
})
