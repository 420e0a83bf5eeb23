import { commandStep } from '../../src/shared/errors'
/**
 * The core's SSH layer against the real lab: one connection per host, commands through the runner
 * (quoting, LC_ALL=C, errors, Ceph, cancel), MaxSessions queueing, and the audit line in syslog.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { audit, localAdminName } from '../../src/main/core/remote/audit'
import { labCore, type LabCore } from '../support/lab-core'
import { LAB_HOSTS, readHostSyslog, requireLab, sshAsEtalab, waitFor } from './support/lab'

let lab: LabCore
const hostNames = LAB_HOSTS.map((host) => host.name)

beforeAll(async () => {
  await requireLab()
  lab = await labCore()
  await Promise.all(hostNames.map((host) => lab.waitForStatus(host, 'online', 30_000)))
}, 90_000)
afterAll(async () => {
  await lab?.cleanup()
})

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? NaN
}

describe('SSH to every hypervisor', () => {
  it('connects once to each host and answers commands on each', async () => {
    const { hosts, runner } = lab.context
    for (const host of hostNames) {
      const state = hosts.get(host).current
      expect(state.status).toBe('online')
      expect(state.connectMs).toBeGreaterThan(0)
      expect(hosts.get(host).stats.connectAttempts).toBe(1)
      console.log(`${host}: connected in ${state.connectMs} ms`)
    }
    const names = await Promise.all(hostNames.map((host) => runner.run(host, ['hostname'])))
    expect(names.map((result) => result.stdout.trim())).toEqual(hostNames)

    const latencies: number[] = []
    for (let i = 0; i < 20; i++) latencies.push((await runner.run('hv1', ['true'])).durationMs)
    console.log(`exec latency on hv1: median ${median(latencies)} ms, max ${Math.max(...latencies)} ms`)
    expect(median(latencies)).toBeLessThan(500)
  })

  it('runs virsh as qemu:///system in the C locale and reports failures with host, command and stderr', async () => {
    const { runner } = lab.context
    const list = await runner.virsh('hv1', ['list', '--all'])
    expect(list.stdout).toMatch(/Id\s+Name\s+State/)
    expect(list.stdout).toContain('labvm1')

    const missing = '00000000-0000-4000-8000-00000000dead'
    const error = await runner
      .virsh('hv2', ['dominfo', missing], { step: commandStep('read VM') })
      .catch((e: unknown) => e)
    expect(error).toMatchObject({
      code: 'remote.failed',
      host: 'hv2',
      step: 'read VM',
      details: { exitCode: 1, command: `virsh -c qemu:///system dominfo ${missing}` },
    })
    expect((error as Error).message).toMatch(/failed to get domain/)

    // A hostile argument stays one argument, through the host's shell and virsh.
    const hostile = `x'; touch /tmp/pwned; echo '$(id)`
    const echo = await runner.virsh('hv3', ['echo', '--', hostile])
    expect(echo.stdout).toBe(`${hostile}\n`)
    expect((await sshAsEtalab('hv3', 'test -e /tmp/pwned && echo yes || echo no')).stdout.trim()).toBe('no')
  })

  it('reaches Ceph as client.libvirt with the monitor timeout', async () => {
    const { runner } = lab.context
    const health = await runner.ceph('hv1', ['health'])
    expect(health.stdout).toMatch(/HEALTH_/)
    const images = await runner.rbd('hv1', ['ls', '-p', 'libvirt-ssd', '--format', 'json'])
    expect(JSON.parse(images.stdout)).toEqual(expect.arrayContaining(['labvm1', 'labvm2']))
  })

  it('cancels a command by killing its process on the host', async () => {
    const { runner } = lab.context
    const seconds = `${300 + Math.floor(Math.random() * 600)}.${process.pid}`
    const controller = new AbortController()
    const running = runner.run('hv2', ['sh', '-c', `sleep ${seconds}; echo done`], {
      signal: controller.signal,
    })
    const alive = async () =>
      (await sshAsEtalab('hv2', `pgrep -u etalab -f '^sleep ${seconds}$'`)).stdout.trim()
    await waitFor('the remote sleep', async () => (await alive()) !== '' || undefined, 10_000)
    const cancelledAt = Date.now()
    controller.abort()
    await expect(running).rejects.toMatchObject({ code: 'remote.cancelled', host: 'hv2' })
    await waitFor('the remote sleep to be killed', async () => (await alive()) === '' || undefined, 5_000)
    console.log(`cancel: remote process gone ${Date.now() - cancelledAt} ms after abort`)
  })

  it('stops a stream’s remote process (virsh event) when its connection closes', async () => {
    const { runner, hosts } = lab.context
    const lines: string[] = []
    const stream = await runner.stream(
      'hv2',
      ['virsh', '-c', 'qemu:///system', 'event', '--all', '--loop', '--timestamp'],
      (line) => lines.push(line),
    )
    const ours = async () =>
      (await sshAsEtalab('hv2', 'ps -u etalab -o stat=,args=')).stdout
        .split('\n')
        .filter(
          (line) =>
            !/^\s*Z/.test(line) && line.includes('virsh -c qemu:///system event --all --loop --timestamp'),
        )
    await waitFor('virsh event running', async () => (await ours()).length > 0 || undefined, 10_000)
    const before = (await ours()).length
    hosts.get('hv2').disconnect()
    expect(await stream.done).toBeNull()
    // Only ours goes: other clients (the inventory) may run the same command.
    await waitFor('our virsh event to stop', async () => (await ours()).length < before || undefined, 10_000)
    hosts.get('hv2').connect()
    await lab.waitForStatus('hv2', 'online')
  })

  it('queues more commands than sshd allows sessions, and keeps two slots for consoles', async () => {
    const { runner, hosts } = lab.context
    const connection = hosts.get('hv3')
    const first = await connection.reserveInteractive()
    const second = await connection.reserveInteractive()
    const shells = await Promise.all(
      [first, second].map(
        ({ client }) =>
          new Promise<import('ssh2').ClientChannel>((resolve, reject) =>
            client.shell(false, (error, channel) => (error ? reject(error) : resolve(channel))),
          ),
      ),
    )
    const started = Date.now()
    const results = await Promise.all(Array.from({ length: 20 }, () => runner.run('hv3', ['sleep', '0.5'])))
    expect(results.every((result) => result.exitCode === 0)).toBe(true)
    // 20 commands, 8 at a time: three waves.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400)
    await expect(connection.reserveInteractive()).rejects.toMatchObject({ code: 'host.busy' })
    for (const shell of shells) shell.close()
    first.release()
    second.release()
  })

  it('writes the audit line to the host’s syslog', async () => {
    const { runner } = lab.context
    const action = `test-audit-${Date.now()}`
    await audit(runner, 'hv1', { action, vm: 'labvm1' })
    const line = await waitFor('the audit line in hv1 syslog', async () =>
      (await readHostSyslog('hv1')).split('\n').find((entry) => entry.includes(action)),
    )
    expect(line).toContain(`hyperdesk: ${localAdminName()}: ${action} labvm1`)
  })
})
