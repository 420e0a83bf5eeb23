import { commandStep } from '../../src/shared/errors'
/**
 * Issue 5's fault tests against the real lab: sshd stopped on one host, a wrong key (tried once,
 * never retried: fail2ban), an unknown and a changed host key, and Ceph with its monitor stopped.
 * Everything broken here is restored in afterAll, whatever happens.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { labCore, type LabCore } from '../support/lab-core'
import {
  faults,
  labCmd,
  readHostSyslog,
  requireLab,
  sshAsEtalab,
  waitFor,
  waitForCephWhole,
} from './support/lab'

beforeAll(requireLab, 60_000)
afterAll(async () => {
  await faults.sshd('hv3', 'start').catch(() => undefined)
  await faults.mon('start').catch(() => undefined)
  await waitForCephWhole('after core-ssh-faults').catch(() => undefined)
}, 240_000)

const cores: LabCore[] = []
afterAll(async () => {
  for (const core of cores) await core.cleanup()
})
/**
 * Reconnection attempts 200 ms apart instead of 1, 2, 4… s: a retry that should never happen would
 * show within a second or two, so the tests that prove there is none wait that long, not 10 s.
 */
const FAST_RETRIES = { connection: { backoffMs: [200] } }

async function newCore(
  edit?: Parameters<typeof labCore>[0],
  options?: Parameters<typeof labCore>[1],
): Promise<LabCore> {
  const core = await labCore(edit, options)
  cores.push(core)
  return core
}

/**
 * The monitor test's core (hv2 only, a 5 s monitor timeout), started once the lab is checked: it
 * connects and its connect-time doctor runs (5-8 s on a loaded machine) while the tests before it
 * run, on hosts and connections of their own. The test still waits for that doctor's report.
 */
let monitorCore: Promise<LabCore> | undefined
beforeAll(() => {
  monitorCore = newCore((cluster) => {
    cluster.hosts = cluster.hosts.filter((host: { name: string }) => host.name === 'hv2')
    cluster.ceph.monitorTimeoutSeconds = 5
  })
  monitorCore.catch(() => undefined) // awaited by its test, which reports the failure
})

/** One core on the whole lab for the tests that do not need their own cluster file. */
let shared: LabCore | undefined
async function sharedCore(): Promise<LabCore> {
  shared ??= await newCore(undefined, FAST_RETRIES)
  return shared
}

function fingerprintOf(publicLine: string, dir: string): string {
  const file = path.join(dir, `fp-${Date.now()}.pub`)
  fs.writeFileSync(file, `${publicLine}\n`)
  return execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', file], { encoding: 'utf8' }).split(/\s+/)[1]!
}

describe('faults', () => {
  it('a host whose sshd stops goes offline, the others keep working, and it comes back by itself', async () => {
    const lab = await sharedCore()
    await Promise.all(['hv1', 'hv2', 'hv3'].map((host) => lab.waitForStatus(host, 'online')))
    const { hosts, runner } = lab.context
    const localPort = hosts.get('hv3').stats.localPort
    expect(localPort).toBeGreaterThan(0)

    await faults.sshd('hv3', 'stop')
    try {
      // Stopping sshd keeps open sessions (as on a real host): end ours as a reboot would, by the
      // pid of the sshd process that serves exactly our TCP connection.
      const sockets = await labCmd('hv', 'hv3', 'ss', '-tnpH', 'state', 'established', '( sport = :22 )')
      const ours = sockets.split('\n').find((line) => new RegExp(`:${localPort}\\s`).test(line))
      const pids = [...(ours ?? '').matchAll(/pid=(\d+)/g)].map((match) => match[1]!)
      expect(pids.length).toBeGreaterThan(0)
      await labCmd('hv', 'hv3', 'kill', ...pids)
      const offline = await lab.waitForStatus('hv3', 'offline', 20_000)
      expect(offline.error).toMatchObject({ code: 'host.offline', host: 'hv3' })
      console.log(`hv3 offline: ${offline.error?.message}`)

      // The others keep answering while hv3 is down.
      const [one, two] = await Promise.all([runner.run('hv1', ['hostname']), runner.run('hv2', ['hostname'])])
      expect([one.stdout.trim(), two.stdout.trim()]).toEqual(['hv1', 'hv2'])
      await expect(runner.run('hv3', ['hostname'])).rejects.toMatchObject({
        code: 'host.offline',
        host: 'hv3',
      })
      // Retries hit a closed port: still offline, with the reason.
      await waitFor(
        'a refused retry',
        () =>
          lab.history.some((state) => state.name === 'hv3' && /refused/.test(state.error?.message ?? '')) ||
          undefined,
      )
    } finally {
      await faults.sshd('hv3', 'start')
    }
    const started = Date.now()
    await lab.waitForStatus('hv3', 'online', 45_000)
    console.log(`hv3 back online ${Date.now() - started} ms after sshd started`)
    expect((await runner.run('hv3', ['hostname'])).stdout.trim()).toBe('hv3')
  }, 120_000)

  it('a wrong key is offered exactly once and never retried', async () => {
    const dir = fs.mkdtempSync('/tmp/hd-wrongkey-')
    const keyFile = path.join(dir, 'id_wrong')
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', keyFile])
    const wrongPrint = fingerprintOf(fs.readFileSync(`${keyFile}.pub`, 'utf8').trim(), dir)
    // hv2's syslog keeps every run's lines, and a local port comes round again: an earlier run's
    // accepted login from the same port once matched below. Only what is logged from here on counts.
    const logBefore = (await readHostSyslog('hv2')).length
    const lab = await newCore((cluster) => {
      cluster.ssh.identityFile = keyFile
      cluster.hosts = cluster.hosts.filter((host: { name: string }) => host.name === 'hv2')
    }, FAST_RETRIES)
    const failed = await lab.waitForStatus('hv2', 'auth-failed', 20_000)
    expect(failed.error?.hint).toMatch(/fail2ban/)
    // With retries 200 ms apart, 2 s would have seen about ten.
    await new Promise((resolve) => setTimeout(resolve, 2000))
    const connection = lab.context.hosts.get('hv2')
    expect(connection.current.status).toBe('auth-failed')
    expect(connection.stats).toMatchObject({ connectAttempts: 1, keyOffers: 1 })
    const failedAt = lab.history.findIndex((state) => state.status === 'auth-failed')
    expect(lab.history.slice(failedAt + 1).filter((state) => state.status === 'connecting')).toEqual([])
    // The host's own log (sshd at LogLevel INFO does not log each key query): our one TCP
    // connection, found by its port, ended unauthenticated; nothing else came from that port.
    const port = connection.stats.localPort
    const ours = (await readHostSyslog('hv2'))
      .slice(logBefore)
      .split('\n')
      .filter((line) => line.includes(` port ${port}`))
    console.log(`hv2 sshd lines for our connection (port ${port}), key ${wrongPrint}:\n${ours.join('\n')}`)
    expect(
      ours.some((line) => /Disconnected from authenticating user etalab .* \[preauth\]/.test(line)),
    ).toBe(true)
    expect(ours.filter((line) => /Accepted/.test(line))).toEqual([])
    fs.rmSync(dir, { recursive: true, force: true })
  }, 60_000)

  it('an unknown host key is asked about, and a changed one (same type or another) is refused naming both fingerprints', async () => {
    // Last user of the shared core: it leaves hv1 refused.
    const lab = await sharedCore()
    const lines = fs.readFileSync(lab.knownHostsFile, 'utf8').split('\n')
    const hv1Line = lines.find((line) => line.startsWith('10.77.11.1 '))!
    const realPrint = fingerprintOf(hv1Line.split(' ').slice(1).join(' '), lab.dir)
    // hv1: replace its key by another one; hv2: remove it; hv3: an ECDSA key, a type the lab's hosts
    // do not have (they have only ed25519: once read as "offline", the handshake finding no key type).
    const otherFile = path.join(lab.dir, 'other')
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', otherFile])
    const otherKey = fs.readFileSync(`${otherFile}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ')
    const otherPrint = fingerprintOf(otherKey, lab.dir)
    const ecdsaFile = path.join(lab.dir, 'other-ecdsa')
    execFileSync('ssh-keygen', ['-q', '-t', 'ecdsa', '-b', '256', '-N', '', '-f', ecdsaFile])
    const ecdsaKey = fs.readFileSync(`${ecdsaFile}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ')
    const ecdsaPrint = fingerprintOf(ecdsaKey, lab.dir)
    const hv3Line = lines.find((line) => line.startsWith('10.77.13.1 '))!
    const hv3Print = fingerprintOf(hv3Line.split(' ').slice(1).join(' '), lab.dir)
    fs.writeFileSync(
      lab.knownHostsFile,
      lines
        .filter((line) => !line.startsWith('10.77.12.1 '))
        .map((line) =>
          line === hv1Line ? `10.77.11.1 ${otherKey}` : line === hv3Line ? `10.77.13.1 ${ecdsaKey}` : line,
        )
        .join('\n'),
    )
    const prompts: unknown[] = []
    lab.core.subscribe('hosts.hostKeyPrompt', (prompt) => prompts.push(prompt))
    const historyBefore = lab.history.length
    await lab.core.call('hosts.disconnect', { host: 'hv1' })
    await lab.core.call('hosts.connect', { host: 'hv1' })
    await lab.core.call('hosts.disconnect', { host: 'hv2' })
    await lab.core.call('hosts.connect', { host: 'hv2' })
    await lab.core.call('hosts.disconnect', { host: 'hv3' })
    await lab.core.call('hosts.connect', { host: 'hv3' })

    const changed = await lab.waitForStatus('hv1', 'key-changed')
    expect(changed.error?.code).toBe('host.key-changed')
    expect(changed.error?.message).toContain(realPrint)
    expect(changed.error?.message).toContain(otherPrint)
    expect(changed.knownFingerprints).toEqual([otherPrint])
    console.log(`refused: ${changed.error?.message}`)

    const otherType = await lab.waitForStatus('hv3', 'key-changed')
    expect(otherType.error?.code).toBe('host.key-changed')
    expect(otherType.hostKey).toEqual({ type: 'ssh-ed25519', fingerprint: hv3Print })
    expect(otherType.knownFingerprints).toEqual([ecdsaPrint])
    expect(otherType.error?.message).toContain(ecdsaPrint)
    expect(otherType.error?.hint).toContain('ssh-keygen -R 10.77.13.1')
    expect(
      lab.history.slice(historyBefore).filter((state) => state.name === 'hv3' && state.status === 'offline'),
    ).toEqual([])
    console.log(`refused (other key type): ${otherType.error?.message}`)

    const unknown = await lab.waitForStatus('hv2', 'key-unknown')
    const hv2Print = unknown.hostKey!.fingerprint
    expect(prompts).toContainEqual({
      host: 'hv2',
      hostname: '10.77.12.1',
      port: 22,
      type: 'ssh-ed25519',
      fingerprint: hv2Print,
    })
    await lab.core.call('hosts.acceptHostKey', { host: 'hv2', fingerprint: hv2Print })
    await lab.waitForStatus('hv2', 'online')
    expect(fs.readFileSync(lab.knownHostsFile, 'utf8')).toMatch(/\n10\.77\.12\.1 ssh-ed25519 \S+\n$/)
    // hv1 stays refused: no automatic retry on a changed key (retries would come every 200 ms).
    await new Promise((resolve) => setTimeout(resolve, 1500))
    expect(lab.states.get('hv1')?.status).toBe('key-changed')
    // Refreshing a refused host is an error (issue 15, item 10), never its last known inventory.
    await expect(lab.core.call('inventory.refresh', { host: 'hv1' })).rejects.toMatchObject({
      code: 'inventory.refresh-failed',
      host: 'hv1',
    })
  }, 60_000)

  it('a Ceph call with the monitor stopped times out with a clear error and leaves no process', async () => {
    const lab = await monitorCore!
    await lab.waitForStatus('hv2', 'online')
    // Let the connect-time doctor finish first: its own Ceph probes would otherwise be running.
    await waitFor('hv2 doctor report', () => lab.states.get('hv2')?.doctor, 60_000)
    const { runner } = lab.context
    await faults.mon('stop')
    try {
      // Two calls side by side, each timed from its own start: they wait on different clocks (ceph's
      // connect timeout, the host's timeout), so one run's wait covers both (~5 s, not 5 + 4 s).
      const timed = async (call: () => Promise<unknown>) => {
        const started = Date.now()
        const outcome = await call().catch((e: unknown) => e)
        return [outcome, Date.now() - started] as const
      }
      const [[viaCeph, cephMs], [hung, hungMs]] = await Promise.all([
        // 1. The app's way: ceph's own connect timeout (5 s) inside timeout -k on the host.
        timed(() => runner.ceph('hv2', ['-s'], { step: commandStep('read Ceph status') })),
        // 2. A Ceph call that would hang forever (no connect timeout): the host's timeout ends it.
        timed(() => runner.run('hv2', ['ceph', '--id', 'libvirt', 'health'], { timeoutSeconds: 4 })),
      ])
      expect(viaCeph).toMatchObject({ code: 'remote.timeout', host: 'hv2', step: 'read Ceph status' })
      // ceph gave up by itself (its connect timeout): connect-failure.ts says which tool, host and Ceph
      // client got no answer from the monitors and what to check; the step stays in `step`, the command
      // line in the details, and ceph's own words (its connect timeout) are the detail.
      expect((viaCeph as { hint?: string }).hint).toMatch(
        /^Check the monitors \(`ceph -s` on a monitor host\) and that hv2 reaches the addresses of mon_host/,
      )
      expect((viaCeph as Error).message).toMatch(
        /^ceph on hv2 got no answer from the Ceph monitors \(as client\.libvirt\)/,
      )
      expect((viaCeph as Error).message).toMatch(/timed out|errno 110/i)
      expect((viaCeph as { details?: { command?: string } }).details?.command).toMatch(
        /ceph --id libvirt --connect-timeout 5 -s/,
      )
      expect(cephMs).toBeLessThan(5_000 + 5_000)
      console.log(
        `ceph -s, monitor down: ${(viaCeph as { code: string }).code} after ${cephMs} ms: ${(viaCeph as Error).message}`,
      )

      expect(hung).toMatchObject({ code: 'remote.timeout', host: 'hv2' })
      expect((hung as { hint?: string }).hint).toMatch(/Ceph did not answer/)
      expect(hungMs).toBeGreaterThanOrEqual(4_000)
      expect(hungMs).toBeLessThan(4_000 + 5_000 + 3_000)
      console.log(`hung ceph health stopped by the host's timeout after ${hungMs} ms`)

      // No live process of either call (zombies wait for this machine's init to reap them).
      const ps = await sshAsEtalab('hv2', 'ps -u etalab -o stat=,args=')
      const left = ps.stdout
        .split('\n')
        .filter(
          (line) => !/^\s*Z/.test(line) && /ceph --id libvirt (--connect-timeout 5 -s|health)$/.test(line),
        )
      expect(left).toEqual([])
    } finally {
      await faults.mon('start')
    }
    // Ceph's own readiness (quorum, manager, every PG clean), not one HEALTH_OK sample.
    await waitForCephWhole('after the monitor restarted')
  }, 240_000)
})
