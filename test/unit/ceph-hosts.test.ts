/**
 * Which host the app asks Ceph through (the Ceph panel, host maintenance, the cluster lease): one
 * ranking from the hosts' connections and their doctors, and a read that goes on to the next host
 * when one fails on something of its own (a keyring gone since its doctor looked) but not when Ceph
 * itself does not answer in time.
 */
import { describe, expect, it } from 'vitest'
import {
  cephHost,
  cephHostOrder,
  readThroughCephHosts,
  type CephSite,
} from '../../src/main/core/ceph/cluster'
import { ApiError } from '../../src/shared/errors'
import type { HostState } from '../../src/shared/hosts'
import { msg, withDetail } from '../../src/shared/messages'

/** Hosts as the pool lists them: online or not, and what each one's doctor found of the keyring. */
function site(hosts: { name: string; online: boolean; canReadKeyring?: boolean }[], fenced: string[] = []) {
  const states = hosts.map(
    (host) =>
      ({
        name: host.name,
        status: host.online ? 'online' : 'offline',
        ...(host.canReadKeyring !== undefined
          ? { doctor: { capabilities: { canReadCephKeyring: host.canReadKeyring } } }
          : {}),
      }) as unknown as HostState,
  )
  return {
    config: { requireConfig: () => ({}) },
    hosts: {
      list: () => states,
      get: (name: string) => ({ current: states.find((state) => state.name === name)! }),
    },
    wholeIpFenced: () => fenced,
  } as unknown as CephSite
}

/** The error of a read on a host without its keyring, as the runner words it. */
const noKeyring = (host: string) =>
  ApiError.of(
    'ceph.no-keyring',
    withDetail(
      msg('cephErrors.connectNoKeyring', {
        tool: 'ceph',
        host,
        client: 'client.libvirt',
        keyring: '/etc/ceph/ceph.client.libvirt.keyring',
      }),
      '[errno 2] RADOS object not found (error connecting to the cluster)',
    ),
    { host, hint: msg('cephHosts.noneOnlineHint') },
  )

/** What a read rejected with (fails the test if it resolved). */
const rejection = (promise: Promise<unknown>): Promise<ApiError> =>
  promise.then(
    () => Promise.reject(new Error('expected a rejection')),
    (error: unknown) => ApiError.from(error),
  )

const failed = (code: string, stderr: string) =>
  ApiError.of(code, msg('common.untranslated', { text: stderr }), { details: { stderr } })

describe('the hosts to ask Ceph through', () => {
  it('online ones, a readable keyring first, a host to avoid next, a host whose whole IP is fenced last', () => {
    const hosts = [
      { name: 'hv1', online: true },
      { name: 'hv2', online: true, canReadKeyring: false },
      { name: 'hv3', online: true, canReadKeyring: true },
      { name: 'hv4', online: false },
    ]
    expect(cephHostOrder(hosts)).toEqual(['hv1', 'hv3', 'hv2'])
    // hv1 came back after a whole-IP fence: the OSDs refuse its clients; tried only if alone.
    expect(cephHostOrder(hosts, { wholeIpFenced: ['hv1'] })).toEqual(['hv3', 'hv2', 'hv1'])
    expect(cephHostOrder([{ name: 'hv1', online: true }], { wholeIpFenced: ['hv1'] })).toEqual(['hv1'])
    // hv1 is in maintenance: another host that can read the keyring first, then hv1 itself, which
    // answers where a host without its keyring cannot (the walk's maintenance sheet: hv3's keyring gone).
    expect(cephHostOrder(hosts, { avoid: ['hv1'] })).toEqual(['hv3', 'hv1', 'hv2'])
    expect(
      cephHostOrder(
        [
          { name: 'hv1', online: true, canReadKeyring: true },
          { name: 'hv2', online: false },
          { name: 'hv3', online: true, canReadKeyring: false },
        ],
        { avoid: ['hv1'] },
      ),
    ).toEqual(['hv1', 'hv3'])
  })

  it('cephHost: the best host from the states and the fences; none online says so', () => {
    const hosts = [
      { name: 'hv1', online: true, canReadKeyring: true },
      { name: 'hv2', online: true, canReadKeyring: true },
      { name: 'hv3', online: true, canReadKeyring: false },
    ]
    expect(cephHost(site(hosts), undefined, ['hv1'])).toBe('hv2')
    expect(cephHost(site(hosts, ['hv2']), undefined, ['hv1'])).toBe('hv1')
    expect(() => cephHost(site([{ name: 'hv1', online: false }]))).toThrow(
      expect.objectContaining({ code: 'ceph.no-online-host' }),
    )
  })

  it('a read goes on to the next host when one fails, and says which host answered', async () => {
    // hv2's doctor saw its keyring before it went: it is tried first, fails, and hv1 answers.
    const context = site([
      { name: 'hv1', online: true, canReadKeyring: true },
      { name: 'hv2', online: true, canReadKeyring: true },
      { name: 'hv3', online: false },
    ])
    const tried: string[] = []
    const read = await readThroughCephHosts(context, ['hv1'], async (host) => {
      tried.push(host)
      if (host === 'hv2')
        throw failed(
          'remote.failed',
          'auth: unable to find a keyring on /etc/ceph/ceph.client.libvirt.keyring',
        )
      return `status read on ${host}`
    })
    expect(tried).toEqual(['hv2', 'hv1'])
    expect(read).toEqual({ host: 'hv1', value: 'status read on hv1' })
  })

  it('a Ceph that does not answer in time is not asked again elsewhere, and its error says so', async () => {
    const context = site([
      { name: 'hv1', online: true },
      { name: 'hv2', online: true },
      { name: 'hv3', online: true },
    ])
    const tried: string[] = []
    const timeout = failed('remote.timeout', '[errno 110] RADOS timed out (error connecting to the cluster)')
    const error = await rejection(
      readThroughCephHosts(context, [], async (host) => {
        tried.push(host)
        throw timeout
      }),
    )
    expect(tried).toEqual(['hv1'])
    expect(error).toMatchObject({ code: 'remote.timeout', details: timeout.details })
    expect(error.text).toEqual(
      msg('cephHosts.notAskedElsewhere', { cause: timeout.text!, hosts: ['hv2', 'hv3'] }),
    )
    expect(error.message).toBe(
      '[errno 110] RADOS timed out (error connecting to the cluster) The other hosts (hv2 and hv3) were not asked: Ceph did not answer in time, and it would keep them waiting as long.',
    )
    // The only host online: its error as it is.
    await expect(
      readThroughCephHosts(site([{ name: 'hv1', online: true }]), [], async () => {
        throw timeout
      }),
    ).rejects.toBe(timeout)
    await expect(readThroughCephHosts(site([]), [], async () => 'never')).rejects.toMatchObject({
      code: 'ceph.no-online-host',
    })
  })

  it('every host failing on its own: each host with its cause, the best host’s code, step and hint kept', async () => {
    const context = site([
      { name: 'hv1', online: true },
      { name: 'hv2', online: true },
      { name: 'hv3', online: true },
    ])
    const causes: Record<string, ApiError> = {
      hv1: noKeyring('hv1'),
      hv2: ApiError.of('host.offline', msg('cephHosts.notOnline', { host: 'hv2', status: 'offline' }), {
        host: 'hv2',
      }),
      hv3: failed('remote.failed', 'monclient(hunting): authenticate timed out'),
    }
    const error = await rejection(
      readThroughCephHosts(context, [], async (host) => {
        throw causes[host]
      }),
    )
    expect(error).toMatchObject({ code: 'ceph.no-keyring', host: 'hv1', hint: causes['hv1']!.hint })
    expect(error.text).toEqual(
      msg('cephHosts.everyHostFailed', {
        causes: ['hv1', 'hv2', 'hv3'].map((host) =>
          msg('cephHosts.hostCause', { host, cause: causes[host]!.text! }),
        ),
      }),
    )
    expect(error.message).toContain('hv2: hv2 is offline: Ceph commands cannot run there.')
    expect(error.message).toContain('hv3: monclient(hunting): authenticate timed out')
    expect(error.message).toMatch(/^Ceph could not be read through any host: hv1: /)
  })

  it('every host failing alike (the same cause but for the host): one sentence naming them', async () => {
    const context = site([
      { name: 'hv1', online: true },
      { name: 'hv2', online: true },
    ])
    const error = await rejection(
      readThroughCephHosts(context, [], async (host) => {
        throw noKeyring(host)
      }),
    )
    expect(error).toMatchObject({ code: 'ceph.no-keyring', host: 'hv1' })
    expect(error.text).toEqual(
      msg('cephHosts.everyHostFailedAlike', {
        hosts: ['hv1', 'hv2'],
        host: 'hv1',
        cause: noKeyring('hv1').text!,
      }),
    )
    // A missing keyring told as "keyring or ceph.conf" on one host (librados' log line did not reach
    // stderr before the tool exited) and as "keyring" on the other: still one cause.
    const toldBothWays = await rejection(
      readThroughCephHosts(context, [], async (host) => {
        const error = noKeyring(host)
        if (host === 'hv1') return Promise.reject(error)
        const text = { ...error.text!, code: 'cephErrors.connectNoKeyringOrConfig' }
        throw ApiError.from({ ...error.toData(), text })
      }),
    )
    expect(toldBothWays.text).toMatchObject({
      code: 'cephHosts.everyHostFailedAlike',
      params: { hosts: ['hv1', 'hv2'], host: 'hv1' },
    })
    // The same code but not the same words: each host's own.
    const different = await rejection(
      readThroughCephHosts(context, [], async (host) => {
        throw failed('remote.failed', `no keyring on ${host}`)
      }),
    )
    expect(different.text?.code).toBe('cephHosts.everyHostFailed')
  })
})
