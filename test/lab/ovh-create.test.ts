/**
 * Creating a VM with a failover IP through OVH (issue 20 item 4) on the lab, against the lab's OVH
 * double: the plan reads the IP's block and the server's virtual MACs (create / refused elsewhere);
 * a virtual MAC task that OVH ends in customerError fails the job with OVH's reason and leaves
 * nothing (no definition on any host, no image, no MAC); then the job creates the virtual MAC, follows
 * OVH's task to done before anything else, and the MAC is in the definition on all three hosts with
 * the IP recorded in the VM's settings; a second VM cannot claim the same IP; once the first is
 * deleted, a new one reuses the MAC OVH kept (no new task). Everything made is removed in afterAll.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { OVH_ACCESS_RULES } from '../../src/main/core/ovh/api'
import type { CreatePlan, CreateVmResult } from '../../src/shared/vmdef'
import { typedCall } from '../support/in-process-core'
import { labCore, type LabCore } from '../support/lab-core'
import { OvhDouble } from './ovh-double/server'
import { LAB_HOSTS, labRun, requireLab, sshAsEtalab, virsh, type LabHostName } from './support/lab'

const HOSTS: LabHostName[] = LAB_HOSTS.map((host) => host.name)
const SERVER: Record<string, string> = { hv1: 'ns3000001.ip-10-77-11.eu', hv2: 'ns3000002.ip-10-77-12.eu' }
const POOL = 'libvirt-sata'
const IP = '10.77.100.53'
const FIRST = 'hd-ovh-create'
const FAILED = 'hd-ovh-fail'
const SECOND = 'hd-ovh-create2'
const NAMES = [FIRST, FAILED, SECOND]
const BASE = {
  pool: POOL,
  sizeBytes: 64 * 2 ** 20,
  vcpus: 1,
  memoryMiB: 64,
  keyboardLayout: 'fr' as const,
  // The lab's KVM cannot boot guests (test/lab/README.md): TCG, as the lab's own VMs.
  domainType: 'qemu' as const,
}
const OVH_NETWORK = { kind: 'ovh' as const, failoverIp: IP, host: 'hv1' }
let double: OvhDouble
let lab: LabCore

async function definedNames(host: LabHostName): Promise<string[]> {
  return (await virsh(host, 'list --all --name')).split('\n').map((line) => line.trim())
}
async function imageExists(name: string): Promise<boolean> {
  return (await labRun('rbd', 'info', `${POOL}/${name}`)).code === 0
}
const macsOf = (ip: string) =>
  double.state.virtualMacs.filter((mac) => mac.addresses.some((address) => address.ipAddress === ip))

async function removeEverything(): Promise<void> {
  // Side by side: one ssh per host for every name, one look per image.
  await Promise.all(
    HOSTS.map((host) =>
      sshAsEtalab(
        host,
        `${NAMES.map((name) => `virsh -c qemu:///system destroy ${name} >/dev/null 2>&1; virsh -c qemu:///system undefine ${name} >/dev/null 2>&1; `).join('')}true`,
      ),
    ),
  )
  await Promise.all(
    NAMES.map(async (name) => {
      if (await imageExists(name)) await labRun('rbd', 'rm', '--no-progress', `${POOL}/${name}`)
    }),
  )
}

beforeAll(async () => {
  await requireLab()
  await removeEverything()
  double = new OvhDouble({
    application: { key: 'hdLabAppKey00004', secret: 'hdLabAppSecret000000000000000004' },
    consumers: [{ key: 'hdLabConsumerKey0000000000000004', rules: OVH_ACCESS_RULES.map((r) => ({ ...r })) }],
    state: {
      servers: Object.values(SERVER).map((serviceName) => ({ serviceName, region: 'eu-west-gra' })),
      blocks: [{ block: '10.77.100.52/30', routedTo: SERVER['hv1']!, region: 'eu-west-gra' }],
      virtualMacs: [],
    },
    // OVH's task still goes init, todo, doing (700 ms), done: several of the app's 200 ms polls.
    vmacMs: 1000,
  })
  await double.start()
  const conf = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hd-ovhcreate-')), 'ovh.conf')
  fs.writeFileSync(
    conf,
    `[default]\nendpoint=${double.url}\n[${double.url}]\napplication_key=hdLabAppKey00004\napplication_secret=hdLabAppSecret000000000000000004\nconsumer_key=hdLabConsumerKey0000000000000004\n`,
    { mode: 0o600 },
  )
  lab = await labCore(
    (cluster) => {
      for (const host of cluster.hosts) if (SERVER[host.name]) host.ovhServiceName = SERVER[host.name]
    },
    { ovhCredentials: { env: {}, files: [conf] }, ovhTaskIntervalMs: 200 },
  )
  await lab.waitForInventory()
}, 120_000)

afterAll(async () => {
  await lab?.cleanup()
  await removeEverything()
  await double?.settle()
  await double?.close()
}, 120_000)

describe('VM creation with an OVH failover IP (issue 20 item 4)', () => {
  it('the plan reads OVH: a virtual MAC to create on hv1’s server; hv2 refused, its block routing elsewhere', async () => {
    const plan: CreatePlan = await typedCall(lab.core, 'vm.createPlan', {
      ...BASE,
      name: FIRST,
      network: OVH_NETWORK,
    })
    expect(plan.canCreate, JSON.stringify(plan.checks.filter((c) => c.level !== 'ok'))).toBe(true)
    expect(plan.virtualMac).toEqual({ server: SERVER['hv1'], action: 'create' })
    expect(plan.checks.filter((c) => c.id === 'ovh').map((c) => c.message.code)).toEqual([
      'ovhCreate.routed',
      'ovhCreate.create',
    ])
    const elsewhere: CreatePlan = await typedCall(lab.core, 'vm.createPlan', {
      ...BASE,
      name: FIRST,
      network: { ...OVH_NETWORK, host: 'hv2' },
    })
    expect(elsewhere.canCreate).toBe(false)
    expect(elsewhere.checks.filter((c) => c.level === 'fail').map((c) => c.message.code)).toEqual([
      'ovhCreate.elsewhere',
    ])
    // starting it on another host than the one its IP routes to is refused too
    const startElsewhere: CreatePlan = await typedCall(lab.core, 'vm.createPlan', {
      ...BASE,
      name: FIRST,
      network: OVH_NETWORK,
      startOn: 'hv2',
    })
    expect(startElsewhere.checks.filter((c) => c.level === 'fail').map((c) => c.message.code)).toEqual([
      'ovhCreate.startElsewhere',
    ])
  })

  it('OVH ends the virtual MAC task in customerError: the job fails with OVH’s reason, nothing is left', async () => {
    double.failNext.virtualMacAdd = { status: 'customerError', comment: 'virtual MAC quota reached' }
    const job = await lab.runJob('vm.create', { ...BASE, name: FAILED, network: OVH_NETWORK }, 120_000)
    expect(job.state).toBe('failed')
    expect(job.error?.code).toBe('vm.create.ovh-failed')
    // OVH's own words are the message's detail (quoted, never set inside our sentence).
    expect(job.error?.message).toMatch(
      new RegExp(
        `^OVH did not make a virtual MAC for ${IP.replace(/\./g, '\\.')} on ${SERVER['hv1']!.replace(/\./g, '\\.')}: OVH refused the request \\(task \\d+\\)\\. Nothing was created: no image, no definition\\. \\(OVH said: virtual MAC quota reached\\)$`,
      ),
    )
    const log = job.log.map((line) => line.text).join('\n')
    expect(log).toMatch(/OVH task \d+ \(virtualMacAdd\) started: init[\s\S]*OVH task \d+: customerError/)
    expect(log).not.toContain('rbd create')
    for (const host of HOSTS) expect(await definedNames(host)).not.toContain(FAILED)
    expect(await imageExists(FAILED)).toBe(false)
    expect(macsOf(IP)).toEqual([])
  }, 150_000)

  let first: CreateVmResult
  it('creates the virtual MAC, follows OVH’s task, defines the VM with it on all three hosts, records the IP', async () => {
    const posts = () =>
      double.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/virtualMac')).length
    const before = posts()
    const job = await lab.runJob('vm.create', { ...BASE, name: FIRST, network: OVH_NETWORK }, 150_000)
    expect(job.state, JSON.stringify(job.error)).toBe('succeeded')
    first = job.result as CreateVmResult
    expect(posts()).toBe(before + 1)
    // OVH's task followed from init to done before the image was made
    const log = job.log.map((line) => line.text).join('\n')
    expect(log).toMatch(
      /OVH task \d+ \(virtualMacAdd\) started: init[\s\S]*OVH task \d+: doing[\s\S]*OVH task \d+: done/,
    )
    const made = macsOf(IP)
    expect(made).toEqual([
      {
        server: SERVER['hv1'],
        macAddress: expect.stringMatching(/^02:00:00:/),
        type: 'ovh',
        addresses: [{ ipAddress: IP, virtualMachineName: FIRST }],
      },
    ])
    expect(first.mac).toBe(made[0]!.macAddress.toLowerCase())
    const xmls = await Promise.all(HOSTS.map((host) => virsh(host, `dumpxml --inactive ${FIRST}`)))
    for (const xml of xmls) {
      expect(xml).toContain(`<uuid>${first.uuid}</uuid>`)
      expect(xml).toContain(`<mac address='${first.mac}'/>`)
      expect(xml).toMatch(
        new RegExp(`<hd:setting name="failoverIp">${IP.replace(/\./g, '\\.')}</hd:setting>`),
      )
    }
    // the VM's settings (the inventory's reading of the metadata) carry the IP
    await lab.context.inventory.refreshAll({ definitions: true })
    for (const host of HOSTS)
      expect(
        lab.context.inventory.host(host)?.domains.find((d) => d.uuid === first.uuid)?.definition?.hyperdesk[
          'failoverIp'
        ],
      ).toBe(IP)
    expect(double.violations).toEqual([])
  }, 200_000)

  it('a second VM cannot claim the same IP; once the first is deleted, a new one reuses OVH’s MAC', async () => {
    const claimed: CreatePlan = await typedCall(lab.core, 'vm.createPlan', {
      ...BASE,
      name: SECOND,
      network: OVH_NETWORK,
    })
    expect(claimed.canCreate).toBe(false)
    expect(claimed.checks.filter((c) => c.level === 'fail').map((c) => c.message.code)).toEqual([
      'ovhCreate.claimed',
      'ovhCreate.macUsed',
    ])
    const deleted = await lab.runJob(
      'vm.delete',
      { uuid: first.uuid, confirmName: FIRST, deleteImages: true },
      120_000,
    )
    expect(deleted.state, JSON.stringify(deleted.error)).toBe('succeeded')
    const plan: CreatePlan = await typedCall(lab.core, 'vm.createPlan', {
      ...BASE,
      name: SECOND,
      network: OVH_NETWORK,
    })
    expect(plan.canCreate, JSON.stringify(plan.checks.filter((c) => c.level !== 'ok'))).toBe(true)
    expect(plan.virtualMac).toEqual({ server: SERVER['hv1'], action: 'reuse', mac: first.mac })
    const posts = double.calls.filter((c) => c.method === 'POST').length
    const job = await lab.runJob('vm.create', { ...BASE, name: SECOND, network: OVH_NETWORK }, 150_000)
    expect(job.state, JSON.stringify(job.error)).toBe('succeeded')
    expect((job.result as CreateVmResult).mac).toBe(first.mac)
    expect(double.calls.filter((c) => c.method === 'POST').length).toBe(posts)
    for (const host of HOSTS)
      expect(await virsh(host, `dumpxml --inactive ${SECOND}`)).toContain(`<mac address='${first.mac}'/>`)
    expect(double.violations).toEqual([])
  }, 300_000)
})
