import { ApiError, causeText, commandStep } from '../../../shared/errors'
import { englishLine, msg, type Message } from '../../../shared/messages'
import type { ConfigStore } from '../config/config-store'
import { audit } from '../remote/audit'
import type { RemoteRunner } from '../remote/runner'
import type { HostPool } from '../ssh/pool'
import { nooutCommand, type NooutTarget } from './cluster-commands'
import { runPrivileged, type PrivilegeSettings } from './privileged'
import { connectCauseKey } from './connect-failure'

/**
 * What the Ceph panel and host maintenance share: which host to ask, with which privileges, and
 * the noout flag (cluster-wide, or per CRUSH host with `osd set-group`, Luminous and later).
 */

/** What choosing a Ceph host and its privileges reads: the cluster file and the hosts' states. */
export interface CephSite {
  readonly config: Pick<ConfigStore, 'requireConfig'>
  readonly hosts: Pick<HostPool, 'list' | 'get'>
  /** The hosts whose whole IP this app fenced (Ceph refuses every client there); none if absent. */
  readonly wholeIpFenced?: () => readonly string[]
}

export function privilegeSettings(context: CephSite): PrivilegeSettings {
  const cluster = context.config.requireConfig()
  return {
    clientId: cluster.ceph.clientId,
    privilegedClientId: cluster.ceph.privilegedClientId,
    privilegedSudo: cluster.ceph.privilegedSudo,
    monitorTimeoutSeconds: cluster.ceph.monitorTimeoutSeconds,
    user: cluster.ssh.user,
  }
}

/** A host as the choice of where to ask Ceph sees it. */
export interface CephHostCandidate {
  name: string
  online: boolean
  /** What the host's doctor found; unknown until it has answered (the call itself will say). */
  canReadKeyring?: boolean
}

/**
 * The hosts to ask Ceph through, best first: the one ranking of the Ceph panel, host maintenance and
 * the cluster lease. Online hosts only, in the given order, except that a host whose doctor found no
 * readable keyring comes after those where it did (or has not looked yet), a host to avoid (the one
 * in maintenance) after those, and a host whose whole IP is fenced last (Ceph refuses every client
 * there): each is still tried when nothing better is online.
 */
export function cephHostOrder(
  hosts: readonly CephHostCandidate[],
  { avoid = [], wholeIpFenced = [] }: { avoid?: readonly string[]; wholeIpFenced?: readonly string[] } = {},
): string[] {
  const rank = (host: CephHostCandidate) =>
    (wholeIpFenced.includes(host.name) ? 4 : 0) +
    (host.canReadKeyring === false ? 2 : 0) +
    (avoid.includes(host.name) ? 1 : 0)
  return hosts
    .filter((host) => host.online)
    .map((host, index) => ({ host, index }))
    .sort((a, b) => rank(a.host) - rank(b.host) || a.index - b.index)
    .map(({ host }) => host.name)
}

/** The cluster's hosts in cephHostOrder, from their connections and their doctors' reports. */
export function cephHosts(context: CephSite, avoid: readonly string[] = []): string[] {
  return cephHostOrder(
    context.hosts.list().map((state) => {
      const canRead = state.doctor?.capabilities.canReadCephKeyring
      return {
        name: state.name,
        online: state.status === 'online',
        ...(canRead !== undefined ? { canReadKeyring: canRead } : {}),
      }
    }),
    { avoid, wholeIpFenced: context.wholeIpFenced?.() ?? [] },
  )
}

function noHostOnline(): ApiError {
  return ApiError.of('ceph.no-online-host', msg('cephHosts.noneOnline'), {
    step: msg('errorSteps.chooseCephHost'),
    hint: msg('cephHosts.noneOnlineHint'),
  })
}

/**
 * An online host to run Ceph commands on: the preferred one (which must then be online), else the
 * best of cephHosts (a host to avoid, e.g. the one in maintenance, after the others that can read
 * the keyring).
 */
export function cephHost(context: CephSite, preferred?: string, avoid: readonly string[] = []): string {
  if (preferred) {
    const state = context.hosts.get(preferred).current
    if (state.status !== 'online')
      throw ApiError.of(
        'host.offline',
        msg('cephHosts.notOnline', { host: preferred, status: state.status }),
        {
          host: preferred,
          step: msg('errorSteps.chooseCephHost'),
          hint: msg('cephHosts.notOnlineHint'),
        },
      )
    return preferred
  }
  const [best] = cephHosts(context, avoid)
  if (!best) throw noHostOnline()
  return best
}

/**
 * Not worth another host: Ceph did not answer in time (the runner says remote.timeout, also when
 * ceph gave up on the monitors itself), every host would wait as long; or the caller cancelled.
 */
function notWorthAnotherHost(error: ApiError): boolean {
  return error.code === 'remote.timeout' || error.code === 'remote.cancelled'
}

/** The same error, its text saying more (code, host, step and hint kept: what callers act on). */
function retold(error: ApiError, text: Message): ApiError {
  return ApiError.from({ ...error.toData(), message: englishLine(text), text })
}

/** Two hosts' errors that say the same but for the host's name: one cause, Ceph-wide. */
function sameCause(a: ApiError, b: ApiError): boolean {
  const withoutHost = (text: Message | undefined) => {
    const { host: _host, ...params } = text?.params ?? {}
    const code = text?.code && connectCauseKey(text.code)
    return JSON.stringify([code, params, text?.detail])
  }
  return a.code === b.code && withoutHost(a.text) === withoutHost(b.text)
}

/**
 * The error of a read that failed on every host it was tried on, in the order tried: one host's as
 * it is; several that failed alike (same code, same kind of message: a Ceph-wide cause) as one
 * sentence naming the hosts; else each host with its own cause. The best host's code, host, step
 * and hint stay (what callers and the panel act on).
 */
export function everyHostFailed(failures: readonly { host: string; error: ApiError }[]): ApiError {
  const [best, ...others] = failures
  if (!best) return noHostOnline()
  if (others.length === 0) return best.error
  const alike = others.every(({ error }) => sameCause(error, best.error))
  const hosts = failures.map(({ host }) => host)
  return retold(
    best.error,
    alike
      ? msg('cephHosts.everyHostFailedAlike', { hosts, host: best.host, cause: causeText(best.error) })
      : msg('cephHosts.everyHostFailed', {
          causes: failures.map(({ host, error }) =>
            msg('cephHosts.hostCause', { host, cause: causeText(error) }),
          ),
        }),
  )
}

/**
 * Runs a Ceph read through the best host of cephHosts, and through the next one when it fails: a
 * host without a readable keyring, or gone meanwhile, does not fail a read another host can make
 * (a host's keyring can go after its doctor looked). A Ceph that did not answer in time is not asked
 * again elsewhere, and its error says so. Resolves with the host that answered; if none did, rejects
 * with every host's cause (everyHostFailed).
 */
export async function readThroughCephHosts<T>(
  context: CephSite,
  avoid: readonly string[],
  read: (host: string) => Promise<T>,
): Promise<{ host: string; value: T }> {
  const order = cephHosts(context, avoid)
  const failures: { host: string; error: ApiError }[] = []
  for (const [index, host] of order.entries()) {
    try {
      return { host, value: await read(host) }
    } catch (error) {
      const failure = ApiError.from(error)
      const notAsked = order.slice(index + 1)
      if (failure.code === 'remote.timeout' && notAsked.length > 0)
        throw retold(
          failure,
          msg('cephHosts.notAskedElsewhere', { cause: causeText(failure), hosts: notAsked }),
        )
      if (notWorthAnotherHost(failure)) throw failure
      failures.push({ host, error: failure })
    }
  }
  throw everyHostFailed(failures)
}

/** Sets or unsets noout through the privileged path, and writes it to the host's syslog. */
export async function setNoout(
  runner: RemoteRunner,
  host: string,
  settings: PrivilegeSettings,
  set: boolean,
  target: NooutTarget,
  signal?: AbortSignal,
): Promise<string> {
  const args = nooutCommand(set, target)
  const step = `ceph ${args.join(' ')}`
  await runPrivileged(runner, host, settings, args, {
    step: commandStep(step),
    ...(signal ? { signal } : {}),
  })
  await audit(runner, host, { action: step })
  return step
}
