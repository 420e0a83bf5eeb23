/**
 * The runbook's migration with OVH's step done by the app's OVH client against the lab's OVH double
 * (issue 20, item 7): labvm1's failover IP block is checked (ipCanBeMovedTo) and moved to hv2's
 * server, the task followed until OVH routes it there (the lab's routing follows), then labvm1 is
 * live-migrated hv1 → hv2 by the app and its gateway changed: its failover IP answers from the
 * destination. Everything is moved back: labvm1 on hv1, 10.77.100.1 routed to hv1, hv1's gateway.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { OvhApi, OVH_ACCESS_RULES } from '../../src/main/core/ovh/api'
import { OvhClient } from '../../src/main/core/ovh/client'
import { tcpReachable } from '../../src/main/core/firewall/firewall'
import { labCore, type LabCore } from '../support/lab-core'
import { OvhDouble, routedAddresses } from './ovh-double/server'
import { setGuestGateway } from './support/guest-console'
import { domState, labCmd, labGuest, labHost, requireLab } from './support/lab'

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
  lab = await labCore()
  await lab.waitForInventory()
}, 90_000)

afterAll(async () => {
  // leave labvm1 where `lab up` put it, routed and configured for hv1, whatever happened
  if ((await domState('hv2', VM.name).catch(() => '')) === 'running')
    await lab
      .runJob('vm.migrate', { uuid: VM.uuid, to: 'hv1', acceptWarnings: true }, 120_000)
      .catch(() => undefined)
  await labCmd('failover', VM.name, 'hv1').catch(() => undefined)
  await setGuestGateway('hv1', VM.name, labHost('hv1').gateway).catch(() => undefined)
  await double?.settle()
  await double?.close()
  await lab?.cleanup()
}, 180_000)

describe('migration with OVH’s block move first', () => {
  it('moves the block, follows the task, migrates, and the failover IP answers from the destination', async () => {
    expect(await answers(VM.failoverIp)).toBe(true)
    const block = (await api.failoverBlocks()).find((b) => b.ip === `${VM.failoverIp}/32`)!
    expect(block.routedTo?.serviceName).toBe(SERVER['hv1'])
    await api.ipCanBeMovedTo(SERVER['hv2']!, block.ip)
    const statuses: string[] = []
    const task = await api.ipMove(SERVER['hv2']!, block.ip)
    await api.followTask(SERVER['hv2']!, task, { intervalMs: 200, onStatus: (t) => statuses.push(t.status) })
    expect(statuses).toEqual(['init', 'todo', 'doing', 'done'])
    // OVH routes the IP to hv2 now; the virtual MAC followed the block
    expect((await api.virtualMacFor(SERVER['hv2']!, VM.failoverIp))?.macAddress).toBe(VM.mac)

    const job = await lab.runJob('vm.migrate', { uuid: VM.uuid, to: 'hv2', acceptWarnings: true }, 120_000)
    expect(job.state, JSON.stringify(job.error)).toBe('succeeded')
    expect(await domState('hv2', VM.name)).toBe('running')
    await setGuestGateway('hv2', VM.name, labHost('hv2').gateway)
    expect(await answers(VM.failoverIp)).toBe(true)
    expect(double.violations).toEqual([])

    // and back, the same way
    const back = await api.ipMove(SERVER['hv1']!, block.ip)
    await api.followTask(SERVER['hv1']!, back, { intervalMs: 200 })
    const home = await lab.runJob('vm.migrate', { uuid: VM.uuid, to: 'hv1', acceptWarnings: true }, 120_000)
    expect(home.state, JSON.stringify(home.error)).toBe('succeeded')
    await setGuestGateway('hv1', VM.name, labHost('hv1').gateway)
    expect(await answers(VM.failoverIp)).toBe(true)
  }, 300_000)
})
