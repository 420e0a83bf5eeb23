import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCore, type Core } from '../../src/main/core/core'
import { typedCall } from '../support/in-process-core'
import { OVH_ACCESS_RULES } from '../../src/main/core/ovh/api'
import { OvhDouble } from '../lab/ovh-double/server'

/**
 * The OVH service through the core: ovh.status never shows a secret; ovh.failoverView asks the OVH
 * API double (test/lab/ovh-double, on 127.0.0.1, checking signatures and OVH's schema) and composes
 * blocks, routing to cluster hosts (ovhServiceName), virtual MACs and badges. No lab: the hosts are
 * not connected, so their firewall is reported unread (and not blamed).
 */
const SECRET = 'unitAppSecret000000000000000001'
let dir: string
let double: OvhDouble
let core: Core

beforeAll(async () => {
  double = new OvhDouble({
    application: { key: 'unitAppKey000001', secret: SECRET },
    consumers: [{ key: 'unitConsumer0000000000000000001', rules: OVH_ACCESS_RULES.map((r) => ({ ...r })) }],
    state: {
      servers: [
        { serviceName: 'ns1.ip-10-77-11.eu', region: 'eu' },
        { serviceName: 'ns2.ip-10-77-12.eu', region: 'eu' },
      ],
      blocks: [
        { block: '10.77.100.1/32', routedTo: 'ns1.ip-10-77-11.eu', region: 'eu' },
        { block: '10.77.100.8/30', routedTo: 'ns2.ip-10-77-12.eu', region: 'eu' },
      ],
      virtualMacs: [
        {
          server: 'ns2.ip-10-77-12.eu',
          macAddress: '02:00:00:00:00:09',
          type: 'ovh',
          addresses: [{ ipAddress: '10.77.100.9', virtualMachineName: 'web' }],
        },
      ],
    },
  })
  await double.start()
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hd-ovh-'))
  const conf = path.join(dir, 'ovh.conf')
  fs.writeFileSync(
    conf,
    `[default]\nendpoint=${double.url}\n[${double.url}]\napplication_key=unitAppKey000001\napplication_secret=${SECRET}\nconsumer_key=unitConsumer0000000000000000001\n`,
    { mode: 0o600 },
  )
  const configPath = path.join(dir, 'cluster.json')
  fs.writeFileSync(
    configPath,
    JSON.stringify({
      version: 1,
      ssh: { user: 'etalab', useSshConfig: false },
      hosts: [
        { name: 'hv1', address: '127.0.0.1', port: 1, ovhServiceName: 'ns1.ip-10-77-11.eu' },
        { name: 'hv2', address: '127.0.0.1', port: 1, ovhServiceName: 'ns2.ip-10-77-12.eu' },
      ],
    }),
  )
  core = await createCore({
    configPath,
    home: dir,
    version: 'test',
    autoConnect: false,
    ovhCredentials: { env: {}, files: [conf] },
  })
})

afterAll(async () => {
  await core?.close()
  await double?.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('ovh service', () => {
  it('says where the credentials come from, never what they are', async () => {
    const status = await typedCall(core, 'ovh.status', {})
    expect(status).toMatchObject({
      configured: true,
      endpoint: double.url,
      source: path.join(dir, 'ovh.conf'),
      problems: [],
    })
    expect(status.accessRules).toContainEqual({ method: 'POST', path: '/dedicated/server/*/ipMove' })
    expect(JSON.stringify(status)).not.toContain(SECRET)
    expect(JSON.stringify(status)).not.toContain('unitConsumer')
  })

  it('shows every block, the host it routes to, its virtual MACs, and badges', async () => {
    const view = await typedCall(core, 'ovh.failoverView', {})
    expect(double.violations).toEqual([])
    expect(view.blocks.map((b) => [b.block, b.routedHost, b.addresses.map((a) => a.ip)])).toEqual([
      ['10.77.100.1/32', 'hv1', ['10.77.100.1']],
      ['10.77.100.8/30', 'hv2', ['10.77.100.8', '10.77.100.9', '10.77.100.10', '10.77.100.11']],
    ])
    expect(view.blocks[1]!.addresses[1]!.virtualMacs).toEqual([
      { server: 'ns2.ip-10-77-12.eu', macAddress: '02:00:00:00:00:09' },
    ])
    expect(view.firewallUnread).toEqual(['hv1', 'hv2'])
    expect(view.badges).toEqual([]) // no VM claims an address yet, no firewall read
  })

  it('the double refuses what OVH’s schema refuses (an enum value, an undeclared field)', async () => {
    const { OvhClient } = await import('../../src/main/core/ovh/client')
    const client = new OvhClient({
      endpoint: double.url,
      baseUrl: double.url,
      applicationKey: 'unitAppKey000001',
      applicationSecret: SECRET,
      consumerKey: 'unitConsumer0000000000000000001',
      source: 'test',
    })
    const bad = await client
      .request({
        method: 'POST',
        path: '/dedicated/server/ns2.ip-10-77-12.eu/virtualMac',
        body: { ipAddress: '10.77.100.10', type: 'kvm', virtualMachineName: 'x', extra: 1 },
      })
      .catch((e: unknown) => e)
    expect(bad).toMatchObject({ code: 'ovh.http.400' })
    expect(double.violations.join('\n')).toMatch(/undeclared body field extra/)
    expect(double.violations.join('\n')).toMatch(/"kvm" is not one of ovh\|vmware/)
    double.violations.length = 0
  })

  it('refuses a view without credentials, saying where it looked', async () => {
    const bare = await createCore({
      configPath: path.join(dir, 'cluster.json'),
      home: dir,
      version: 'test',
      autoConnect: false,
      ovhCredentials: { env: {}, files: [path.join(dir, 'none.conf')] },
    })
    try {
      await expect(bare.call('ovh.failoverView', {})).rejects.toMatchObject({
        code: 'ovh.not-configured',
        message: expect.stringContaining('none.conf'),
      })
    } finally {
      await bare.close()
    }
  })
})
