import net from 'node:net'
import { ApiError, causeText } from '../../../shared/errors'
import {
  FIREWALL_HELPER,
  firewallDrift,
  type FirewallChangeParams,
  type FirewallChangeResult,
  type FirewallHostOutcome,
  type FirewallState,
  type HostFirewall,
} from '../../../shared/firewall'
import { FIREWALL_LEASE_NAME } from '../../../shared/lease'
import { englishText, msg, withDetail, type Message } from '../../../shared/messages'
import type { JobContext } from '../jobs/job-manager'
import type { LeaseCheck, Leases } from '../lease/cluster-lease'
import type { RemoteRunner } from '../remote/runner'

/**
 * The hosts' firewall (IPS_FAILOVER in /etc/etalab.conf, then packetfilter) as one cluster setting.
 * Everything goes through the root helper `hyperdesk-ips-failover` (resources/host-helpers), run with
 * `sudo -n`: it accepts only IPv4 addresses, checks the new file, keeps the previous one, restarts
 * packetfilter and arms a dead-man restore detached from the SSH session (setsid). A change is then
 * confirmed only when a NEW SSH connection works (an established one survives a broken ruleset) and
 * every failover IP that answered before still answers; otherwise the app does not confirm, waits for
 * the dead-man restore and checks it over a new connection. Hosts are changed one after the other and
 * the job stops at the first failure: that host is named, the next ones are not touched. A change
 * holds the cluster lease `cluster:firewall` (shared/lease.ts) from its first host to its last, so two
 * app instances never rewrite IPS_FAILOVER at once; the lease is re-checked before each host.
 */

export interface FirewallDeps {
  runner: RemoteRunner
  /** The cluster file's hosts, in order. */
  hostNames(): string[]
  /** Runs argv on the host over a NEW SSH connection (not the pool's), closing it afterwards. */
  freshRun(
    host: string,
    argv: readonly string[],
    timeoutMs: number,
  ): Promise<{ stdout: string; stderr?: string; exitCode: number }>
  /** Does this address answer now (within timeoutMs)? */
  reachable(ip: string, timeoutMs: number): Promise<boolean>
  audit?(host: string, action: string): Promise<void>
  /** The cluster lease (every change takes `cluster:firewall`). */
  lease: Leases
  /** Waits; and the clock (both for unit tests: on the hosts the dead-man's delay is real). */
  sleep?(ms: number): Promise<void>
  now?(): number
}

/**
 * How long after its deadline the dead-man restore may take to show (its packetfilter restart),
 * polled over new connections; past it, the host is reported not restored, with the last reason.
 */
export const RESTORE_WAIT_MS = 30_000

const SUDO = ['sudo', '-n', FIREWALL_HELPER] as const

export function parseHelperList(stdout: string): { ips: string[]; armed: boolean } {
  const ips: string[] = []
  let armed = false
  for (const line of stdout.split('\n')) {
    const [word, value] = line.trim().split(/\s+/)
    if (word === 'ip' && value) ips.push(value)
    else if (word === 'armed') armed = true
  }
  return { ips, armed }
}

function helperError(host: string, stderr: string, exitCode: number, step: Message): ApiError {
  const text = stderr.trim().split('\n').pop() ?? ''
  const missing = exitCode === 127 || /command not found|No such file/.test(text)
  const sudo = /sudo:|password is required|not allowed/.test(text)
  const names = { host, helper: FIREWALL_HELPER }
  return ApiError.of(
    missing ? 'firewall.helper-missing' : sudo ? 'firewall.sudo-refused' : 'firewall.helper-failed',
    withDetail(msg('firewallErrors.helperFailed', { host, exitCode }), text),
    {
      host,
      step,
      hint: missing
        ? msg('firewallErrors.helperMissingHint', names)
        : sudo
          ? msg('firewallErrors.sudoRefusedHint', names)
          : msg('firewallErrors.helperHint'),
    },
  )
}

/** The step of a change on one host, as the error and the lease name it. */
function changeStep(action: FirewallChangeParams['action'], ip: string, host: string): Message {
  return msg(action === 'add' ? 'errorSteps.firewallAdd' : 'errorSteps.firewallRemove', { ip, host })
}

export class Firewall {
  constructor(private readonly deps: FirewallDeps) {}

  async readHost(host: string): Promise<HostFirewall> {
    try {
      const result = await this.deps.runner.run(host, [...SUDO, 'list'], {
        allowFailure: true,
        timeoutSeconds: 20,
        step: msg('errorSteps.readIpsFailover'),
      })
      if (result.exitCode !== 0)
        throw helperError(host, result.stderr, result.exitCode, msg('errorSteps.readIpsFailover'))
      return { host, ...parseHelperList(result.stdout) }
    } catch (error) {
      return { host, error: ApiError.from(error).toData() }
    }
  }

  async state(): Promise<FirewallState> {
    const hosts = await Promise.all(this.deps.hostNames().map((host) => this.readHost(host)))
    return { hosts, ...firewallDrift(hosts) }
  }

  /** Adds or removes an address on every host (or the given ones), one host after the other. */
  async change(params: FirewallChangeParams, context?: JobContext): Promise<FirewallChangeResult> {
    const hosts = this.targets(params)
    const seconds = params.confirmWithinSeconds ?? 45
    return this.deps.lease.run(
      [FIREWALL_LEASE_NAME],
      `${params.action} ${params.ip} in IPS_FAILOVER on ${hosts.join(', ')}`,
      // one host's change: its dead-man delay plus the probes and the restore check
      Math.max(120, seconds * 2 + 60),
      (lease) => this.changeLeased(params, hosts, seconds, lease, context),
      context,
    )
  }

  private targets(params: FirewallChangeParams): string[] {
    const all = this.deps.hostNames()
    const unknown = (params.hosts ?? []).filter((host) => !all.includes(host))
    if (unknown.length > 0)
      throw ApiError.of('host.unknown', msg('sshErrors.unknownHost', { host: unknown.join(', ') }), {
        hint: msg('sshErrors.unknownHostHint'),
      })
    return params.hosts ? all.filter((host) => params.hosts!.includes(host)) : all
  }

  private async changeLeased(
    params: FirewallChangeParams,
    hosts: readonly string[],
    seconds: number,
    lease: LeaseCheck,
    context?: JobContext,
  ): Promise<FirewallChangeResult> {
    const outcomes: FirewallHostOutcome[] = []
    let failed: string | undefined
    for (const [index, host] of hosts.entries()) {
      if (failed) {
        outcomes.push({ host, outcome: 'notTried', message: msg('firewall.notTried', { host, failed }) })
        continue
      }
      context?.step(
        msg(params.action === 'add' ? 'jobSteps.firewallAdd' : 'jobSteps.firewallRemove', {
          ip: params.ip,
          host,
        }),
        index / hosts.length,
      )
      await lease.check(changeStep(params.action, params.ip, host), seconds + 60)
      const result = await this.changeHost(host, params, seconds, context)
      outcomes.push(result)
      context?.log(result.message)
      if (result.outcome === 'restored' || result.outcome === 'failed') failed = host
    }
    return { action: params.action, ip: params.ip, hosts: outcomes }
  }

  // Over ~80 lines on purpose: the dead-man change reads as one sequence.
  private async changeHost(
    host: string,
    params: FirewallChangeParams,
    seconds: number,
    context?: JobContext,
  ): Promise<FirewallHostOutcome> {
    const { action, ip } = params
    const before = await this.readHost(host)
    if (!before.ips) return failed(host, causeText(before.error))
    // what must still answer afterwards: the listed addresses that answer now (not the one removed)
    const candidates = before.ips.filter((listed) => !(action === 'remove' && listed === ip))
    const answering = (
      await Promise.all(candidates.map(async (c) => ((await this.deps.reachable(c, 3000)) ? c : undefined)))
    ).filter((c): c is string => c !== undefined)
    context?.log(
      answering.length > 0
        ? msg('jobSteps.firewallAnswering', { host, count: answering.length, ips: answering.join(' ') })
        : msg('jobSteps.firewallNoneAnswering', { host }),
    )

    const armed = await this.deps.runner.run(host, [...SUDO, action, String(seconds), ip], {
      allowFailure: true,
      timeoutSeconds: 60,
      step: changeStep(action, ip, host),
    })
    if (armed.exitCode !== 0) {
      return failed(
        host,
        causeText(helperError(host, armed.stderr, armed.exitCode, changeStep(action, ip, host))),
      )
    }
    if (armed.stdout.trim() === 'unchanged')
      return {
        host,
        outcome: 'unchanged',
        message: msg(action === 'add' ? 'firewall.alreadyListed' : 'firewall.alreadyAbsent', { host, ip }),
      }
    const token = /^armed ([0-9a-f]{32}) /.exec(armed.stdout.trim())?.[1]
    if (!token) return failed(host, withDetail(msg('firewall.reasonHelperAnswer'), armed.stdout))
    const deadline = this.now() + seconds * 1000
    context?.log(msg('jobSteps.firewallArmed', { host, seconds }))

    // 1. a NEW SSH connection must work (and see the new list)
    let why: Message | undefined
    try {
      const fresh = await this.deps.freshRun(host, [...SUDO, 'list'], Math.min(15_000, seconds * 500))
      if (fresh.exitCode !== 0)
        why = withDetail(msg('firewall.newSshExit', { exitCode: fresh.exitCode }), fresh.stderr)
      else if (parseHelperList(fresh.stdout).ips.includes(ip) !== (action === 'add'))
        why = msg('firewall.newSshUnchanged')
    } catch (error) {
      why = causeText(error)
    }
    if (why) why = msg('firewall.reasonNewSsh', { host, why })
    // 2. what answered before still answers
    if (!why) {
      const lost: string[] = []
      for (const address of answering) if (!(await this.retryReachable(address, 6000))) lost.push(address)
      if (lost.length > 0) why = msg('firewall.reasonProbe', { ips: lost })
    }
    if (!why && this.now() < deadline - 2000) {
      try {
        const confirmed = await this.deps.runner.run(host, [...SUDO, 'confirm', token], {
          allowFailure: true,
          timeoutSeconds: 20,
          step: msg('errorSteps.confirmFirewall'),
        })
        if (confirmed.exitCode === 0) {
          await this.deps.audit?.(host, `${action} ${ip} in IPS_FAILOVER (firewall)`).catch(() => undefined)
          return {
            host,
            outcome: 'changed',
            message: msg(action === 'add' ? 'firewall.added' : 'firewall.removed', {
              host,
              ip,
              probed: answering.length > 0 ? answering : [englishText(msg('firewall.nothingProbed'))],
            }),
          }
        }
        why = withDetail(msg('firewall.reasonHelper', { exitCode: confirmed.exitCode }), confirmed.stderr)
      } catch (error) {
        why = causeText(error)
      }
    }
    why ??= msg('firewall.reasonLate', { seconds })
    // 3. not confirmed: the dead-man restore (its timer started before our deadline) puts the previous
    // file back and restarts packetfilter; from the deadline on, polled until a new connection sees it
    context?.step(
      msg('jobSteps.firewallWaitingRestore', { host, seconds: Math.ceil((deadline - this.now()) / 1000) }),
    )
    await this.sleep(Math.max(0, deadline - this.now()))
    const notRestored = await this.restoreNotSeen(host, before.ips, answering, deadline + RESTORE_WAIT_MS)
    if (notRestored)
      return failed(host, msg('firewall.reasonNotRestored', { host, why, seconds, cause: notRestored }))
    await this.deps
      .audit?.(host, `${action} ${ip} in IPS_FAILOVER not confirmed: restored (firewall)`)
      .catch(() => undefined)
    return { host, outcome: 'restored', message: msg('firewall.restored', { host, reason: why }) }
  }

  private async retryReachable(ip: string, withinMs: number): Promise<boolean> {
    const end = Date.now() + withinMs
    for (;;) {
      if (await this.deps.reachable(ip, 2000)) return true
      if (Date.now() >= end) return false
    }
  }

  /**
   * Polls `host` over new SSH connections until the dead-man restore shows, or `end`: undefined once
   * a new connection works (the lockout is over), the helper lists the previous addresses with
   * nothing armed, and what answered before answers again (the helper drops its marker before its
   * packetfilter restart: the probes show the old rules in force). Else the last reason. A
   * connection that fails, a change still armed and a probe not answering yet are waited out; a
   * helper error or another list is final.
   */
  private async restoreNotSeen(
    host: string,
    previous: readonly string[],
    answering: readonly string[],
    end: number,
  ): Promise<Message | undefined> {
    for (;;) {
      let cause: Message
      try {
        const after = await this.deps.freshRun(host, [...SUDO, 'list'], 8000)
        const list = parseHelperList(after.stdout)
        if (after.exitCode !== 0)
          return withDetail(msg('firewall.newSshExit', { exitCode: after.exitCode }), after.stderr)
        if (!list.armed && list.ips.join(' ') !== previous.join(' '))
          return msg('firewall.restoreNotSeen', { ips: list.ips.join(' ') || '—' })
        const lost: string[] = []
        if (!list.armed)
          for (const address of answering) if (!(await this.deps.reachable(address, 2000))) lost.push(address)
        if (!list.armed && lost.length === 0) return undefined
        cause = list.armed ? msg('firewall.restoreStillArmed') : msg('firewall.restoreProbe', { ips: lost })
      } catch (error) {
        cause = causeText(error)
      }
      if (this.now() >= end) return cause
      await this.sleep(1000)
    }
  }

  private now(): number {
    return this.deps.now?.() ?? Date.now()
  }

  private sleep(ms: number): Promise<void> {
    return (this.deps.sleep ?? delay)(ms)
  }
}

function failed(host: string, reason: Message): FirewallHostOutcome {
  return { host, outcome: 'failed', message: msg('firewall.failed', { host, reason }) }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/**
 * Does an address answer? A TCP connection to port 22 that is accepted or refused (RST) proves the
 * address is reachable through every firewall on the way; a timeout or "unreachable" does not.
 * (No ICMP: Node has no unprivileged ping, and a refused port answers as surely.)
 */
export function tcpReachable(ip: string, timeoutMs: number, port = 22): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: ip, port })
    const done = (value: boolean): void => {
      socket.destroy()
      clearTimeout(timer)
      resolve(value)
    }
    const timer = setTimeout(() => done(false), timeoutMs)
    socket.once('connect', () => done(true))
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code === 'ECONNREFUSED'))
  })
}
