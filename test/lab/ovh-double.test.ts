/**
 * The lab's OVH API double (test/lab/ovh-double) driven by the app's own OVH client
 * (src/main/core/ovh): OVH's signing and clock, access rules, block moves with their rules and
 * tasks, suspended virtual MACs, virtual MAC creation — every request and answer checked against
 * OVH's published schema (schema/SOURCE.md) — and block moves that change the lab's real routing.
 * Leaves the lab's routes as it found them (10.77.100.8/29 unrouted, .1/.2 to hv1/hv2).
 */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { OvhApi } from '../../src/main/core/ovh/api'
import { OvhClient, OvhHttpError } from '../../src/main/core/ovh/client'
import type { OvhCredentials } from '../../src/main/core/ovh/credentials'
import { OVH_ACCESS_RULES } from '../../src/main/core/ovh/api'
import type { OvhTask } from '../../src/shared/ovh'
import { OvhDouble, routedAddresses, type DoubleState } from './ovh-double/server'
import { labCmd, requireLab } from './support/lab'

const SERVER = {
  hv1: 'ns3000001.ip-10-77-11.eu',
  hv2: 'ns3000002.ip-10-77-12.eu',
  hv3: 'ns3000003.ip-10-77-13.eu',
}
const HOST_OF: Record<string, string> = Object.fromEntries(Object.entries(SERVER).map(([h, s]) => [s, h]))
const BLOCK = '10.77.100.8/29'
const APP = { key: 'hdLabAppKey00001', secret: 'hdLabAppSecret000000000000000001' }
const CK = 'hdLabConsumerKey0000000000000001'
const READ_ONLY_CK = 'hdLabReadOnlyConsumer00000000001'

function vmac(server: string, macAddress: string, ipAddress: string, virtualMachineName: string) {
  return { server, macAddress, type: 'ovh', addresses: [{ ipAddress, virtualMachineName }] }
}

function labState(): DoubleState {
  return {
    servers: [
      { serviceName: SERVER.hv1, region: 'eu-west-gra' },
      { serviceName: SERVER.hv2, region: 'eu-west-gra' },
      { serviceName: SERVER.hv3, region: 'eu-west-gra' },
      { serviceName: 'ns9000001.ip-10-77-90.net', region: 'ca-east-bhs' },
    ],
    blocks: [
      { block: '10.77.100.1/32', routedTo: SERVER.hv1, region: 'eu-west-gra' },
      { block: '10.77.100.2/32', routedTo: SERVER.hv2, region: 'eu-west-gra' },
      { block: '10.77.100.3/32', routedTo: SERVER.hv3, region: 'eu-west-gra' },
      { block: BLOCK, routedTo: SERVER.hv1, region: 'eu-west-gra' },
      { block: '10.77.100.16/29', routedTo: SERVER.hv3, region: 'eu-west-gra' },
    ],
    virtualMacs: [
      vmac(SERVER.hv1, '02:00:00:77:01:01', '10.77.100.1', 'labvm1'),
      vmac(SERVER.hv2, '02:00:00:77:01:02', '10.77.100.2', 'labvm2'),
      vmac(SERVER.hv1, '02:00:00:77:08:09', '10.77.100.9', 'web9'),
      // 10.77.100.16/29 has one address under two MACs on two servers: OVH refuses to move it
      vmac(SERVER.hv3, '02:00:00:77:10:11', '10.77.100.17', 'a'),
      vmac(SERVER.hv2, '02:00:00:77:10:12', '10.77.100.17', 'b'),
    ],
  }
}

let double: OvhDouble
let api: OvhApi
const credentials = (overrides: Partial<OvhCredentials> = {}): OvhCredentials => ({
  endpoint: double.url,
  baseUrl: double.url,
  applicationKey: APP.key,
  applicationSecret: APP.secret,
  consumerKey: CK,
  source: 'test',
  ...overrides,
})
const routeOf = (ip: string) =>
  execFileSync('ip', ['-4', 'route', 'show', `${ip}/32`], { encoding: 'utf8' }).trim()
const routeBlock = async (host: string) => {
  for (const address of routedAddresses(BLOCK)) await labCmd('failover-ip', address, host)
}

beforeAll(async () => {
  await requireLab()
  double = new OvhDouble({
    application: APP,
    consumers: [
      { key: CK, rules: OVH_ACCESS_RULES.map((rule) => ({ ...rule })) },
      { key: READ_ONLY_CK, rules: [{ method: 'GET', path: '/ip' }] },
    ],
    state: labState(),
    moveMs: 2500,
    vmacMs: 1000,
    clockSkewSeconds: 400, // the client must read /auth/time: its own clock would be refused
    onRouted: async (block, serviceName) => {
      for (const address of routedAddresses(block))
        await labCmd('failover-ip', address, HOST_OF[serviceName]!)
    },
  })
  await double.start()
  api = new OvhApi(new OvhClient(credentials()))
  await routeBlock('hv1') // the double says the /29 routes to hv1: so does the lab
}, 60_000)

afterEach(() => expect(double.violations).toEqual([]))

afterAll(async () => {
  await double?.settle()
  await double?.close()
  for (const address of routedAddresses(BLOCK))
    execFileSync('ip', ['route', 'del', `${address}/32`], { stdio: 'ignore' })
}, 60_000)

describe('the OVH double', () => {
  it('is built on OVH’s published schema, byte for byte as SOURCE.md records', () => {
    const dir = path.join(__dirname, 'ovh-double', 'schema')
    const source = fs.readFileSync(path.join(dir, 'SOURCE.md'), 'utf8')
    for (const file of ['ip.json', 'dedicated-server.json', 'auth.json']) {
      const sha = createHash('sha256')
        .update(fs.readFileSync(path.join(dir, file)))
        .digest('hex')
      expect(source).toContain(`| \`${file}\` |`)
      expect(source).toContain(`\`${sha}\` |`)
    }
  })

  it('checks OVH’s signing: wrong secret 400, unknown consumer 403, call not granted 403, clock from /auth/time', async () => {
    expect(await api.servers()).toEqual(Object.values(SERVER).concat('ns9000001.ip-10-77-90.net'))
    const client = new OvhClient(credentials())
    await client.syncClock()
    expect(client.clock.offsetSeconds).toBeGreaterThanOrEqual(399)

    const wrongSecret = await new OvhApi(new OvhClient(credentials({ applicationSecret: 'x'.repeat(32) })))
      .servers()
      .catch((e: unknown) => e)
    expect(wrongSecret).toMatchObject({
      code: 'ovh.http.400',
      ovhMessage: 'Invalid signature',
      errorCode: 'INVALID_SIGNATURE',
    })
    const unknown = await new OvhApi(new OvhClient(credentials({ consumerKey: 'nobody' })))
      .servers()
      .catch((e: unknown) => e)
    expect(unknown).toMatchObject({ code: 'ovh.http.403', errorCode: 'INVALID_CREDENTIAL' })
    const readOnly = new OvhApi(new OvhClient(credentials({ consumerKey: READ_ONLY_CK })))
    expect((await readOnly.client.request<string[]>({ method: 'GET', path: '/ip' })).length).toBe(5)
    const refused = (await readOnly.ipMove(SERVER.hv2, BLOCK).catch((e: unknown) => e)) as OvhHttpError
    expect(refused).toBeInstanceOf(OvhHttpError)
    expect(refused.text).toEqual({
      code: 'ovhErrors.httpRefused',
      params: { method: 'POST', path: `/dedicated/server/${SERVER.hv2}/ipMove`, status: 403 },
      detail: 'This call has not been granted',
      detailFrom: 'ovh',
    })
  })

  it('lists the account’s failover blocks and each server’s virtual MACs in OVH’s shapes', async () => {
    const blocks = await api.failoverBlocks()
    expect(blocks.map((b) => [b.ip, b.routedTo?.serviceName])).toContainEqual([BLOCK, SERVER.hv1])
    const macs = await api.virtualMacs(SERVER.hv1)
    expect(macs.map((m) => [m.macAddress, m.addresses.map((a) => a.ipAddress)])).toEqual([
      ['02:00:00:77:01:01', ['10.77.100.1']],
      ['02:00:00:77:08:09', ['10.77.100.9']],
    ])
  })

  it('refuses what OVH refuses before a move: part of a block, another region, duplicate virtual MACs, already there', async () => {
    const reason = (p: Promise<unknown>) =>
      p.then(
        () => 'allowed',
        (e: OvhHttpError) => `${e.status} ${e.ovhMessage}`,
      )
    expect(await reason(api.ipCanBeMovedTo(SERVER.hv2, '10.77.100.9/32'))).toBe(
      '400 10.77.100.9/32 is part of the block 10.77.100.8/29: IPs move as whole blocks',
    )
    expect(await reason(api.ipCanBeMovedTo('ns9000001.ip-10-77-90.net', BLOCK))).toMatch(
      /^400 .* cannot be moved to a server in ca-east-bhs$/,
    )
    expect(await reason(api.ipCanBeMovedTo(SERVER.hv1, '10.77.100.16/29'))).toMatch(
      /^400 .*duplicate virtual MAC/,
    )
    expect(await reason(api.ipCanBeMovedTo(SERVER.hv1, BLOCK))).toMatch(/^400 .* is already routed to/)
    expect(await reason(api.ipCanBeMovedTo(SERVER.hv2, BLOCK))).toBe('allowed')
  })

  it('moves a whole block in a task that takes time, suspends its virtual MACs, and routes the lab to the new server', async () => {
    expect(routeOf('10.77.100.9')).toContain('dev hv1-pub')
    const first = await api.ipMove(SERVER.hv2, BLOCK)
    expect(first).toMatchObject({ function: 'genericMoveFloatingIp', status: 'init' })
    // a second move while the first runs: 409
    expect(await api.ipMove(SERVER.hv2, BLOCK).catch((e: OvhHttpError) => e.status)).toBe(409)
    // the block's virtual MAC is listed nowhere during the move
    expect((await api.virtualMacs(SERVER.hv1)).map((m) => m.macAddress)).not.toContain('02:00:00:77:08:09')
    expect((await api.virtualMacs(SERVER.hv2)).map((m) => m.macAddress)).not.toContain('02:00:00:77:08:09')
    const seen: OvhTask['status'][] = []
    const done = await api.followTask(SERVER.hv2, first, {
      intervalMs: 150,
      onStatus: (task) => seen.push(task.status),
    })
    expect(done.status).toBe('done')
    expect(seen).toEqual(['init', 'todo', 'doing', 'done'])
    // every address of the /29 now routes to hv2, in OVH and in the lab
    expect((await api.failoverBlocks()).find((b) => b.ip === BLOCK)?.routedTo?.serviceName).toBe(SERVER.hv2)
    for (const address of routedAddresses(BLOCK)) expect(routeOf(address)).toContain('dev hv2-pub')
    expect(routeOf('10.77.100.1')).toContain('dev hv1-pub') // other blocks untouched
    expect(
      (await api.virtualMacs(SERVER.hv2)).find((m) => m.macAddress === '02:00:00:77:08:09')?.addresses,
    ).toEqual([{ ipAddress: '10.77.100.9', virtualMachineName: 'web9' }])
  }, 30_000)

  it('creates a virtual MAC on the server the IP routes to, following its task; reuses it the second time', async () => {
    const elsewhere = await api
      .ensureVirtualMac({ serviceName: SERVER.hv1, ipAddress: '10.77.100.10', virtualMachineName: 'web10' })
      .catch((e: unknown) => e)
    expect(elsewhere).toMatchObject({ code: 'ovh.ip.elsewhere' })
    const statuses: string[] = []
    const made = await api.ensureVirtualMac({
      serviceName: SERVER.hv2,
      ipAddress: '10.77.100.10',
      virtualMachineName: 'web10',
      intervalMs: 150,
      onStatus: (task) => statuses.push(`${task.function}:${task.status}`),
    })
    expect(made).toMatchObject({
      created: true,
      macAddress: expect.stringMatching(/^02:00:00:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}$/),
    })
    expect(statuses[statuses.length - 1]).toBe('virtualMacAdd:done')
    const again = await api.ensureVirtualMac({
      serviceName: SERVER.hv2,
      ipAddress: '10.77.100.10',
      virtualMachineName: 'web10',
    })
    expect(again).toEqual({ macAddress: made.macAddress, created: false })
    // OVH refuses a second MAC for the same IP
    const twice = await api
      .createVirtualMac(SERVER.hv2, '10.77.100.10', 'web10')
      .catch((e: OvhHttpError) => e.status)
    expect(twice).toBe(409)
  }, 30_000)

  it('moves the block back (lab routes restored)', async () => {
    const task = await api.ipMove(SERVER.hv1, BLOCK)
    await api.followTask(SERVER.hv1, task, { intervalMs: 150 })
    for (const address of routedAddresses(BLOCK)) expect(routeOf(address)).toContain('dev hv1-pub')
  }, 30_000)
})
