/**
 * The long-lived virsh session per host (src/main/core/remote/virsh-session.ts) against the real lab:
 * it answers like a one-shot virsh, keeps one process for many questions, and survives what a host
 * can do to it: a hung libvirtd (frozen with SIGSTOP) and an sshd killed under it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiError, commandStep } from '../../src/shared/errors'
import { labCore, type LabCore } from '../support/lab-core'
import { faults, labGuest, requireLab, run, virsh, waitFor } from './support/lab'

const VM = labGuest('labvm1')
let lab: LabCore

beforeAll(async () => {
  await requireLab()
  lab = await labCore(undefined, { connection: { backoffMs: [200] } })
  await lab.waitForInventory()
}, 120_000)

afterAll(async () => {
  await faults.libvirtd('hv2', 'thaw').catch(() => undefined)
  await faults.libvirtd('hv3', 'thaw').catch(() => undefined)
  await faults.sshd('hv3', 'start').catch(() => undefined)
  await lab?.cleanup()
}, 60_000)

/**
 * etalab's session virsh processes on a host (the one-shot ones are not started with -q). The lab's
 * hosts share one PID namespace: a process belongs to the host whose network namespace it is in.
 */
async function sessionProcesses(host: 'hv1' | 'hv2' | 'hv3'): Promise<number> {
  const { stdout } = await run('sh', [
    '-c',
    `for p in $(pgrep -u etalab -f -- '^virsh -q -c qemu:///system$'); do ` +
      '[ "$(ip netns identify "$p")" = "$1" ] && echo "$p"; done; true',
    'count',
    host,
  ])
  return stdout.split('\n').filter((line) => line.trim()).length
}

function query(host: string, sections: { id: string; command: string[] }[], timeoutSeconds?: number) {
  return lab.context.runner.virshQuery(host, sections, {
    step: commandStep('session test'),
    ...(timeoutSeconds ? { timeoutSeconds } : {}),
  })
}

describe('virsh session', () => {
  it('answers like a one-shot virsh, each section on its own, from one process', async () => {
    const answer = await query('hv1', [
      { id: 'inactive', command: ['dumpxml', '--inactive', VM.uuid] },
      { id: 'state', command: ['domstate', VM.uuid] },
      { id: 'info', command: ['dominfo', VM.uuid] },
      { id: 'nosuch', command: ['domstate', 'no-such-vm'] },
      { id: 'memory', command: ['nodememstats'] },
    ])
    expect(answer.get('inactive')?.text.trim()).toBe(
      (await virsh('hv1', `dumpxml --inactive ${VM.uuid}`)).trim(),
    )
    expect(answer.get('state')?.text.trim()).toBe((await virsh('hv1', `domstate ${VM.uuid}`)).trim())
    expect(answer.get('info')?.text).toMatch(new RegExp(`^UUID:\\s+${VM.uuid}$`, 'm'))
    expect(answer.get('nosuch')?.errors.join(' ')).toMatch(/failed to get domain 'no-such-vm'/)
    expect(answer.get('memory')?.text).toMatch(/^total\s*:\s+\d+ KiB$/m)
    for (const id of ['inactive', 'state', 'info', 'memory']) expect(answer.get(id)?.errors).toEqual([])

    // Twenty more questions, some at once: still one virsh on the host, and every answer its own.
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        query('hv1', [{ id: `s${i}`, command: ['domstate', i % 2 ? VM.uuid : 'no-such-vm'] }]),
      ),
    )
    answers.forEach((sections, i) => {
      const section = sections.get(`s${i}`)
      if (i % 2) expect(section).toEqual({ text: expect.stringMatching(/^(running|shut off)$/), errors: [] })
      else expect(section?.errors.join(' ')).toMatch(/no-such-vm/)
    })
    expect(await sessionProcesses('hv1')).toBe(1)
  })

  it('refuses a command that changes a host, before sending anything', async () => {
    await expect(query('hv1', [{ id: 'x', command: ['destroy', VM.uuid] }])).rejects.toThrow(
      /not a read-only/,
    )
  })

  it('libvirtd restarted between two questions: virsh reconnects, and the answer has no error', async () => {
    await query('hv2', [{ id: 'v', command: ['version'] }])
    await faults.libvirtd('hv2', 'restart')
    const answer = await query('hv2', [{ id: 'inactive', command: ['dumpxml', '--inactive', VM.uuid] }])
    expect(answer.get('inactive')?.errors).toEqual([])
    expect(answer.get('inactive')?.text).toContain(`<uuid>${VM.uuid}</uuid>`)
  }, 60_000)

  it('a hung libvirtd: the question times out naming the host, the other hosts answer, and it recovers', async () => {
    await query('hv2', [{ id: 'v', command: ['version'] }])
    expect(await sessionProcesses('hv2')).toBe(1)
    await faults.libvirtd('hv2', 'freeze')
    const started = Date.now()
    const hung = query('hv2', [{ id: 'state', command: ['domstate', VM.uuid] }], 2).catch(
      (error: unknown) => error,
    )
    // Meanwhile hv1 answers at once.
    const other = await query('hv1', [{ id: 'state', command: ['domstate', VM.uuid] }])
    expect(other.get('state')?.errors).toEqual([])
    const error = await hung
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ code: 'remote.timeout', host: 'hv2', step: 'session test' })
    expect((error as ApiError).message).toMatch(/virsh did not answer on hv2 within 2 s \(domstate\)/)
    expect(Date.now() - started).toBeLessThan(10_000)
    await faults.libvirtd('hv2', 'thaw')
    // The stuck virsh was killed; the next question starts a new one and gets its answer.
    const again = await query('hv2', [{ id: 'state', command: ['domstate', VM.uuid] }])
    expect(again.get('state')?.errors).toEqual([])
    await waitFor('the stuck virsh on hv2 to be gone', async () =>
      (await sessionProcesses('hv2')) === 1 ? true : undefined,
    )
  }, 60_000)

  it('sshd killed while it waits for an answer: offline at once, and the session comes back with the host', async () => {
    await query('hv3', [{ id: 'v', command: ['version'] }])
    // A question that cannot be answered yet (libvirtd frozen), then sshd and its sessions killed.
    await faults.libvirtd('hv3', 'freeze')
    const started = Date.now()
    const pending = query('hv3', [{ id: 'v', command: ['version'] }], 30).catch((e: unknown) => e)
    await new Promise((resolve) => setTimeout(resolve, 300))
    await faults.sshd('hv3', 'kill')
    const error = await pending
    await faults.libvirtd('hv3', 'thaw')
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ code: 'host.offline', host: 'hv3' })
    expect(Date.now() - started).toBeLessThan(10_000)
    // While hv3 is down, hv1 still answers.
    expect((await query('hv1', [{ id: 'v', command: ['version'] }])).get('v')?.errors).toEqual([])
    await faults.sshd('hv3', 'start')
    await lab.waitForStatus('hv3', 'online', 30_000)
    const back = await query('hv3', [{ id: 'state', command: ['domstate', VM.uuid] }])
    expect(back.get('state')?.errors).toEqual([])
    await waitFor('one session virsh on hv3', async () =>
      (await sessionProcesses('hv3')) === 1 ? true : undefined,
    )
  }, 90_000)
})
