/**
 * The runbook's migration with OVH's step done by the app against the lab's OVH double (issue 20,
 * items 3 and 7): one `vm.migrate` job with `blockMove: first` checks labvm1's failover block
 * (ipCanBeMovedTo), moves it to hv2's server and follows OVH's task until it routes there (the lab's
 * routing follows), then live-migrates labvm1 hv1 → hv2; its gateway changed, its failover IP answers
 * from the destination. It comes back with `blockMove: parallel` (migrated while the block moves).
 * Everything is left as `lab up` made it: labvm1 on hv1, 10.77.100.1 routed to hv1, hv1's gateway.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MigrationResult } from '../../src/shared/migration'
import os from 'node:os'
import { OvhApi, OVH_ACCESS_RULES } from '../../src/main/core/ovh/api'
import { OvhClient } from '../../src/main/core/ovh/client'
import { tcpReachable } from '../../src/main/core/firewall/firewall'
import { labCore, type LabCore } from '../support/lab-core'
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
    state: {
      servers: Object.values(SERVER).map((serviceName) => ({ serviceName, region: 'eu-west-gra' })),
      blocks: [{ block: `${VM.failoverIp}/32`, routedTo: SERVER['hv1']!, region: 'eu-west-gra' }],
      virtualMacs: [
        {
          server: SERVER['hv1']!,
          macAddress: VM.mac,
          type: 'ovh',
          addresses: [{ ipAddress: VM.failoverIp, virtualMachineName: VM.name }],
        },
      ],
    },
    moveMs: 3000,
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
    },
    { ovhCredentials: { env: {}, files: [conf] }, ovhTaskIntervalMs: 200 },
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
})
