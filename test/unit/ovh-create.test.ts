/**
 * A new VM's failover IP through OVH (issue 20 item 4): the decision the plan makes from what OVH and
 * the definitions say (reuse the IP's virtual MAC, create one, or refuse), the job's OVH step (the
 * task followed, its failures in plain words, nothing asked of OVH when reusing) and the wizard's
 * reading of the failover IP view.
 */
import { describe, expect, it } from 'vitest'
import { ApiError } from '../../src/shared/errors'
import { detailsOf, englishText, msg, withDetail } from '../../src/shared/messages/message'
import '../../src/shared/messages/catalog'
import { failoverChoices, type FailoverView, type OvhTask } from '../../src/shared/ovh'
import type { JobContext } from '../../src/main/core/jobs/job-manager'
import type { OvhApi } from '../../src/main/core/ovh/api'
import {
  decideVirtualMac,
  planVirtualMac,
  virtualMacFailed,
  virtualMacForJob,
  type OvhFacts,
} from '../../src/main/core/vmdef/ovh-mac'
import { initialForm, readForm } from '../../src/renderer/src/features/vmdef/wizard-form'

const NS1 = 'ns1.ip-1-2-3.eu'
const NS2 = 'ns2.ip-1-2-3.eu'
const facts = (over: Partial<OvhFacts> = {}): OvhFacts => ({
  blocks: [
    { block: '203.0.113.8/30', routedTo: NS1 },
    { block: '198.51.100.7/32', routedTo: NS2 },
  ],
  virtualMacs: [
    {
      server: NS1,
      macAddress: '02:00:00:AA:00:01',
      type: 'ovh',
      addresses: [{ ipAddress: '203.0.113.9', virtualMachineName: 'web1' }],
    },
  ],
  ...over,
})
const base = { host: 'hv1', serviceName: NS1, usedMacs: [], claims: [] }
const codes = (checks: { level: string; message: { code: string } }[]) =>
  checks.map((check) => `${check.level} ${check.message.code}`)

describe('reuse, create or refuse (the plan’s decision)', () => {
  it('reuses the virtual MAC the IP already has on the host’s server', () => {
    const decided = decideVirtualMac({ ...base, ip: '203.0.113.9', facts: facts() })
    expect(decided.action).toEqual({ kind: 'reuse', mac: '02:00:00:aa:00:01' })
    expect(codes(decided.checks)).toEqual(['ok ovhCreate.routed', 'ok ovhCreate.reuse'])
  })

  it('creates one when the IP has none, the VM starting on that host', () => {
    const decided = decideVirtualMac({ ...base, ip: '203.0.113.10', startOn: 'hv1', facts: facts() })
    expect(decided.action).toEqual({ kind: 'create' })
    expect(codes(decided.checks)).toEqual(['ok ovhCreate.routed', 'ok ovhCreate.create'])
  })

  it('refuses an IP whose block routes to another server, naming both', () => {
    const decided = decideVirtualMac({ ...base, ip: '198.51.100.7', facts: facts() })
    expect(decided.action).toBeUndefined()
    expect(codes(decided.checks)).toEqual(['fail ovhCreate.elsewhere', 'ok ovhCreate.create'])
    expect(englishText(decided.checks[0]!.message)).toBe(
      `198.51.100.7's block 198.51.100.7/32 routes to ${NS2}, not to ${NS1} (hv1): move the block to hv1's server first, or create the VM on the host its block routes to.`,
    )
  })

  it('refuses an IP in no block of the account', () => {
    const decided = decideVirtualMac({ ...base, ip: '192.0.2.1', facts: facts() })
    expect(decided.action).toBeUndefined()
    expect(codes(decided.checks)).toEqual(['fail ovhCreate.ipUnknown'])
  })

  it('refuses starting the VM on another host than the one its IP routes to', () => {
    const decided = decideVirtualMac({ ...base, ip: '203.0.113.10', startOn: 'hv2', facts: facts() })
    expect(decided.action).toBeUndefined()
    expect(codes(decided.checks)).toContain('fail ovhCreate.startElsewhere')
  })

  it('refuses an IP another VM’s settings claim', () => {
    const decided = decideVirtualMac({
      ...base,
      ip: '203.0.113.10',
      claims: [
        { vm: 'db1', failoverIp: '203.0.113.10' },
        { vm: 'db1', failoverIp: '203.0.113.10' },
        { vm: 'web1', failoverIp: '203.0.113.9' },
      ],
      facts: facts(),
    })
    expect(decided.action).toBeUndefined()
    expect(decided.checks.find((c) => c.level === 'fail')?.message).toEqual({
      code: 'ovhCreate.claimed',
      params: { ip: '203.0.113.10', vms: ['db1'] },
    })
  })

  it('refuses reusing a MAC another definition uses (any case), naming the VM once with its hosts', () => {
    const decided = decideVirtualMac({
      ...base,
      ip: '203.0.113.9',
      usedMacs: [
        { mac: '02:00:00:aa:00:01', vm: 'old-web1', host: 'hv2' },
        { mac: '02:00:00:AA:00:01', vm: 'old-web1', host: 'hv3' },
      ],
      facts: facts(),
    })
    expect(decided.action).toBeUndefined()
    expect(decided.checks.find((c) => c.level === 'fail')?.message).toEqual({
      code: 'ovhCreate.macUsed',
      params: { ip: '203.0.113.9', mac: '02:00:00:aa:00:01', vm: 'old-web1', hosts: ['hv2', 'hv3'] },
    })
  })

  it('refuses an IP with several virtual MACs (a duplicate blocks OVH’s moves too)', () => {
    const twice = facts()
    const decided = decideVirtualMac({
      ...base,
      ip: '203.0.113.9',
      facts: {
        ...twice,
        virtualMacs: [
          ...twice.virtualMacs,
          {
            server: NS1,
            macAddress: '02:00:00:aa:00:02',
            type: 'ovh',
            addresses: [{ ipAddress: '203.0.113.9', virtualMachineName: 'other' }],
          },
        ],
      },
    })
    expect(decided.action).toBeUndefined()
    expect(codes(decided.checks)).toContain('fail ovhCreate.duplicate')
  })
})

describe('the plan’s OVH part', () => {
  it('OVH not configured: a failed check saying how to configure it, its own words (a file’s) the detail', async () => {
    const ovh = {
      intervalMs: undefined,
      serverOf: () => NS1,
      api: () =>
        Promise.reject(
          ApiError.of(
            'ovh.not-configured',
            withDetail(
              msg('ovhErrors.notConfigured', { files: ['~/.ovh.conf'] }),
              'No OVH credentials: none',
            ),
          ),
        ),
    }
    const planned = await planVirtualMac(ovh, { ip: '203.0.113.9', host: 'hv1', usedMacs: [], claims: [] })
    expect(planned.action).toBeUndefined()
    expect(planned.checks).toEqual([
      {
        id: 'ovh',
        level: 'fail',
        message: {
          code: 'ovhCreate.notConfigured',
          params: { ip: '203.0.113.9' },
          detail: 'No OVH credentials: none',
        },
        fix: { message: { code: 'ovhCreate.notConfiguredHint' } },
      },
    ])
  })

  it('a host with no OVH service name is refused by name', async () => {
    const ovh = {
      intervalMs: undefined,
      serverOf: () => {
        throw new ApiError({ code: 'ovh.host.unmapped', message: 'x' })
      },
      api: () => Promise.reject(new Error('not asked')),
    }
    const planned = await planVirtualMac(ovh, { ip: '203.0.113.9', host: 'hv3', usedMacs: [], claims: [] })
    expect(codes(planned.checks)).toEqual(['fail ovhCreate.hostUnmapped'])
  })
})

/** A job that records its steps, logs and details. */
function recordingJob(abort?: AbortController) {
  const lines: string[] = []
  const controller = abort ?? new AbortController()
  const job = {
    id: 'job-1',
    signal: controller.signal,
    step: (text: { code: string }) => lines.push(`step ${englishText(text as never)}`),
    log: (text: { code: string }) => lines.push(`log ${englishText(text as never)}`),
    detail: () => undefined,
  } as unknown as JobContext
  return { job, lines }
}

/** An OVH whose virtual MAC task goes through `statuses`, the MAC appearing once done. */
function fakeOvh(statuses: OvhTask['status'][], comment?: string) {
  const calls: string[] = []
  let index = 0
  let made = false
  const task = (): OvhTask => ({
    taskId: 77,
    function: 'virtualMacAdd',
    status: statuses[Math.min(index, statuses.length - 1)]!,
    comment: comment ?? null,
  })
  const api = {
    createVirtualMac: async (server: string, ip: string, name: string) => {
      calls.push(`create ${server} ${ip} ${name}`)
      return task()
    },
    task: async () => {
      index++
      if (task().status === 'done') made = true
      return task()
    },
    virtualMacFor: async () =>
      made || task().status === 'done'
        ? { server: NS1, macAddress: '02:00:00:AA:00:09', type: 'ovh', addresses: [] }
        : undefined,
  } as unknown as OvhApi
  return { api, calls }
}

describe('the job’s OVH step', async () => {
  const { OvhApi: RealApi } = await import('../../src/main/core/ovh/api')
  const withFollow = (api: OvhApi) =>
    Object.assign(Object.create(RealApi.prototype) as OvhApi, api, {
      followTask: RealApi.prototype.followTask,
    })
  const planned = { ip: '203.0.113.10', serviceName: NS1 }

  it('reuses without asking OVH anything', async () => {
    const { job, lines } = recordingJob()
    const ovh = { intervalMs: 1, serverOf: () => NS1, api: () => Promise.reject(new Error('asked')) }
    const mac = await virtualMacForJob(
      ovh,
      { ...planned, action: { kind: 'reuse', mac: '02:00:00:aa:00:01' } },
      'web2',
      [],
      job,
    )
    expect(mac).toBe('02:00:00:aa:00:01')
    expect(lines).toEqual([
      `step Using the virtual MAC 02:00:00:aa:00:01 that 203.0.113.10 already has on ${NS1}`,
    ])
  })

  it('creates it and follows OVH’s task to done, each status in the job', async () => {
    const { job, lines } = recordingJob()
    const fake = fakeOvh(['init', 'todo', 'doing', 'done'])
    const api = withFollow(fake.api)
    const mac = await virtualMacForJob(
      { intervalMs: 1, serverOf: () => NS1, api: async () => api },
      { ...planned, action: { kind: 'create' } },
      'web2',
      [],
      job,
    )
    expect(mac).toBe('02:00:00:aa:00:09')
    expect(fake.calls).toEqual([`create ${NS1} 203.0.113.10 web2`])
    expect(lines.slice(0, 6)).toEqual([
      `step Asking OVH for a virtual MAC for 203.0.113.10 on ${NS1}`,
      'log OVH task 77 (virtualMacAdd) started: init',
      'log OVH task 77: init',
      'log OVH task 77: todo',
      'log OVH task 77: doing',
      'log OVH task 77: done',
    ])
    expect(lines[6]).toMatch(/^step OVH made the virtual MAC 02:00:00:aa:00:09 for 203\.0\.113\.10 on /)
  })

  it.each([
    ['customerError', 'ip not routed', 'OVH refused the request (task 77).'],
    ['ovhError', 'internal', 'OVH failed on its side (task 77).'],
    ['cancelled', undefined, 'OVH cancelled its task 77.'],
  ] as const)(
    'a task ending %s fails the step with OVH’s reason in plain words',
    async (status, comment, said) => {
      const { job } = recordingJob()
      const api = withFollow(fakeOvh(['init', status], comment).api)
      const failure = await virtualMacForJob(
        { intervalMs: 1, serverOf: () => NS1, api: async () => api },
        { ...planned, action: { kind: 'create' } },
        'web2',
        [],
        job,
      ).catch((error: unknown) => error as ApiError)
      expect(failure).toBeInstanceOf(ApiError)
      expect((failure as ApiError).code).toBe('vm.create.ovh-failed')
      // OVH's comment is never set inside the sentence: it is the detail, "OVH said" in the log line.
      expect((failure as ApiError).message).toBe(
        `OVH did not make a virtual MAC for 203.0.113.10 on ${NS1}: ${said} Nothing was created: no image, no definition.` +
          (comment ? ` (OVH said: ${comment})` : ''),
      )
    },
  )

  it('a MAC OVH made that a definition already uses fails the job', async () => {
    const { job } = recordingJob()
    const api = withFollow(fakeOvh(['done']).api)
    await expect(
      virtualMacForJob(
        { intervalMs: 1, serverOf: () => NS1, api: async () => api },
        { ...planned, action: { kind: 'create' } },
        'web2',
        [{ mac: '02:00:00:aa:00:09', vm: 'x', host: 'hv2' }],
        job,
      ),
    ).rejects.toMatchObject({ code: 'vm.create.mac-used' })
  })

  it('cancelling stops following: the error says OVH may still make it, nothing was created', () => {
    const error = virtualMacFailed(
      new ApiError({ code: 'ovh.task.unfollowed', message: 'x' }),
      { ip: '203.0.113.10', server: NS1, taskId: 9 },
      true,
    )
    expect(error.code).toBe('vm.create.ovh-unfollowed')
    expect(error.message).toContain('Stopped following OVH’s task 9 for 203.0.113.10')
    expect(error.message).toContain('Nothing was created')
  })

  it('an HTTP refusal keeps OVH’s own words', () => {
    const refusal = msg('ovhErrors.httpRefused', { method: 'POST', path: '/virtualMac', status: 400 })
    const error = virtualMacFailed(
      ApiError.of('ovh.http.400', withDetail(refusal, '203.0.113.10 is not routed to ns1', 'ovh')),
      { ip: '203.0.113.10', server: NS1 },
      false,
    )
    // OVH's refusal as our sentence, its words under "OVH said" — never inside the sentence.
    expect(error.text?.params?.['reason']).toMatchObject({ code: 'ovhErrors.httpRefused' })
    expect(englishText(error.text!)).not.toContain('not routed')
    expect(detailsOf(error.text!)).toEqual([{ text: '203.0.113.10 is not routed to ns1', from: 'ovh' }])
    expect(error.message).toContain('(OVH said: 203.0.113.10 is not routed to ns1)')

    // Anything else (fetch's, node's words): "an error, quoted below", the words as a local detail.
    const other = virtualMacFailed(new Error('fetch failed'), { ip: '203.0.113.10', server: NS1 }, false)
    expect(englishText(other.text!)).toContain(': an error, quoted below Nothing was created')
    expect(detailsOf(other.text!)).toEqual([{ text: 'fetch failed', from: 'local' }])
  })
})

describe('the wizard’s failover IPs from the OVH view', () => {
  const address = (ip: string, macs: string[] = [], vms: string[] = []) => ({
    ip,
    vms: vms.map((name, index) => ({
      uuid: `00000000-0000-4000-8000-00000000000${index}`,
      name,
      runningOn: [],
    })),
    virtualMacs: macs.map((macAddress) => ({ server: NS1, macAddress })),
    firewallHosts: [],
  })
  const view: FailoverView = {
    endpoint: 'ovh-eu',
    hosts: [
      { host: 'hv1', serviceName: NS1 },
      { host: 'hv2', serviceName: NS2 },
    ],
    blocks: [
      {
        block: '203.0.113.8/30',
        routedTo: NS1,
        routedHost: 'hv1',
        addresses: [
          address('203.0.113.8'),
          address('203.0.113.9', ['02:00:00:aa:00:01'], ['web1']),
          address('203.0.113.10', ['02:00:00:aa:00:03']),
          address('203.0.113.11', ['02:00:00:aa:00:04', '02:00:00:aa:00:05']),
        ],
      },
      { block: '198.51.100.7/32', routedTo: NS2, routedHost: 'hv2', addresses: [address('198.51.100.7')] },
      { block: '192.0.2.1/32', routedTo: 'ns9.elsewhere', addresses: [address('192.0.2.1')] },
    ],
    badges: [],
    firewallUnread: [],
  }

  it('says of each address whether it can be chosen for a VM started on hv1, and why not', () => {
    expect(failoverChoices(view, 'hv1').map((c) => `${c.ip} ${c.state} ${c.routedHost ?? '-'}`)).toEqual([
      '203.0.113.8 create hv1',
      '203.0.113.9 claimed hv1',
      '203.0.113.10 reuse hv1',
      '203.0.113.11 duplicate hv1',
      '198.51.100.7 elsewhere hv2',
      '192.0.2.1 unmapped -',
    ])
  })

  it('a VM left stopped runs where its IP routes: every mapped host’s addresses can be chosen', () => {
    expect(failoverChoices(view).find((c) => c.ip === '198.51.100.7')?.state).toBe('create')
  })

  it('the form sends the chosen IP with the host it routes to; none chosen is a problem', () => {
    const form = { ...initialForm(['rbd']), name: 'web2', network: 'ovh' as const }
    expect(readForm(form, []).issues.ovhIp).toBe(true)
    const chosen = readForm({ ...form, ovhIp: '203.0.113.8', ovhHost: 'hv1' }, [])
    expect(chosen.params?.network).toEqual({ kind: 'ovh', failoverIp: '203.0.113.8', host: 'hv1' })
  })
})
