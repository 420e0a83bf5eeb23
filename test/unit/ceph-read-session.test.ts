import { afterEach, describe, expect, it, vi } from 'vitest'
import { blocklistArgv } from '../../src/main/core/ceph/blocklist'
import { clusterArgv, clusterReads, nooutCommand } from '../../src/main/core/ceph/cluster-commands'
import type { SessionAnswer } from '../../src/main/core/ceph/rados-session'
import {
  CephReadSessions,
  HEDGE_MS,
  READ_SESSION_PROGRAM,
  sessionReadCommand,
  type ReadCall,
  type ReadSession,
} from '../../src/main/core/ceph/read-session'
import type { RemoteResult } from '../../src/main/core/remote/runner'
import { ApiError, commandStep } from '../../src/shared/errors'
import { msg } from '../../src/shared/messages/message'

const json = (args: readonly string[]) => [...args, '--format', 'json']

describe('the read session’s table', () => {
  it('has each of the app’s JSON reads as the monitor command the CLI sends', () => {
    expect(sessionReadCommand(json(clusterReads.status()))).toEqual({ prefix: 'status' })
    expect(sessionReadCommand(json(clusterReads.healthDetail()))).toEqual({
      prefix: 'health',
      detail: 'detail',
    })
    expect(sessionReadCommand(json(clusterReads.osdTree()))).toEqual({ prefix: 'osd tree' })
    expect(sessionReadCommand(json(clusterReads.osdDump()))).toEqual({ prefix: 'osd dump' })
    expect(sessionReadCommand(json(clusterReads.quorum()))).toEqual({ prefix: 'quorum_status' })
    expect(sessionReadCommand(json(clusterReads.df()))).toEqual({ prefix: 'df' })
    expect(sessionReadCommand(blocklistArgv.list('blocklist'))).toEqual({ prefix: 'osd blocklist ls' })
    expect(sessionReadCommand(blocklistArgv.list('blacklist'))).toEqual({ prefix: 'osd blacklist ls' })
  })

  it('leaves everything else to the CLI: writes, plain output, other arguments', () => {
    for (const args of [
      clusterReads.status(),
      ['status', '--format', 'json-pretty'],
      json(nooutCommand(true, {})),
      clusterArgv.okToStop([1]),
      clusterArgv.health(),
      clusterArgv.version(),
      clusterArgv.watchTimeout(),
      json(['df', 'detail']),
      json(['osd', 'blocklist', 'add', '10.0.0.1:0/1']),
      json(['health']),
    ])
      expect(sessionReadCommand(args), args.join(' ')).toBeUndefined()
  })

  it('sends the command to the monitor and stops once the files it opened with are gone', () => {
    expect(READ_SESSION_PROGRAM).toContain('cluster.mon_command(json.dumps(req["cmd"])')
    expect(READ_SESSION_PROGRAM).toContain('readable(keyrings) != keyrings')
  })
})

/** A host's session as the reads see it: open or not, and what each call gets. */
function fakeSession(state: { open: boolean; usable?: boolean; answer?: () => Promise<SessionAnswer> }) {
  const calls: ReadCall[] = []
  let warmed = 0
  const session: ReadSession = {
    get usable() {
      return state.usable ?? true
    },
    get client() {
      return state.open ? 'client.4242' : undefined
    },
    warm: () => {
      warmed++
    },
    call: async (call) => {
      calls.push(call)
      return {
        client: 'client.4242',
        answer: await (state.answer ?? (() => new Promise<never>(() => undefined)))(),
      }
    },
    close: () => undefined,
  }
  return { session, calls, warmed: () => warmed }
}

function cliResult(stdout: string): RemoteResult {
  return { stdout, stderr: '', exitCode: 0, durationMs: 300 }
}

const STATUS = json(clusterReads.status())
const cancelled = () =>
  ApiError.of(
    'remote.cancelled',
    msg('remoteErrors.cancelled', { step: commandStep('ceph status'), host: 'hv1' }),
  )

describe('the reads: session or CLI', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('a command outside the table is not theirs (undefined: the runner runs the CLI)', () => {
    const { session } = fakeSession({ open: true })
    const reads = new CephReadSessions(() => session)
    const cli = vi.fn(async () => cliResult('x'))
    expect(reads.read('hv1', nooutCommand(true, {}), { cancelled }, cli)).toBeUndefined()
    expect(cli).not.toHaveBeenCalled()
  })

  it('no session open yet: the CLI answers at once while the session opens beside it', async () => {
    const fake = fakeSession({ open: false })
    const reads = new CephReadSessions(() => fake.session)
    const cli = vi.fn(async () => cliResult('{"by":"cli"}'))
    await expect(reads.read('hv1', STATUS, { cancelled }, cli)).resolves.toMatchObject({
      stdout: '{"by":"cli"}',
    })
    expect(fake.warmed()).toBe(1)
    expect(fake.calls).toEqual([])
  })

  it('a host without a usable session (no binding, failed open): the CLI, nothing opened', async () => {
    const fake = fakeSession({ open: false, usable: false })
    const reads = new CephReadSessions(() => fake.session)
    const cli = vi.fn(async () => cliResult('{}'))
    await reads.read('hv1', STATUS, { cancelled }, cli)
    expect(cli).toHaveBeenCalledTimes(1)
    expect(fake.warmed()).toBe(0)
  })

  it('an open session answers with the monitor’s output and status text; no CLI', async () => {
    const fake = fakeSession({
      open: true,
      answer: async () => ({ ok: true, value: { out: '[][]', outs: 'listed 0 entries' } }),
    })
    const reads = new CephReadSessions(() => fake.session)
    const cli = vi.fn(async () => cliResult('x'))
    const result = await reads.read('hv1', blocklistArgv.list('blocklist'), { cancelled }, cli)
    expect(result).toMatchObject({ stdout: '[][]', stderr: 'listed 0 entries', exitCode: 0 })
    expect(fake.calls).toEqual([{ op: 'mon', cmd: { prefix: 'osd blocklist ls', format: 'json' } }])
    expect(cli).not.toHaveBeenCalled()
  })

  it('Ceph’s refusal, or a session that ended: the CLI runs and its own error is the one thrown', async () => {
    const cliError = ApiError.of('ceph.no-keyring', msg('common.internal'))
    for (const answer of [
      async (): Promise<SessionAnswer> => ({ ok: false, errno: 13, error: 'access denied' }),
      async (): Promise<SessionAnswer> => {
        throw ApiError.of(
          'ceph.session-ended',
          msg('cephErrors.readSessionEnded', { host: 'hv1', call: 'ceph status' }),
        )
      },
    ]) {
      const fake = fakeSession({ open: true, answer })
      const reads = new CephReadSessions(() => fake.session)
      const cli = vi.fn(async (): Promise<RemoteResult> => {
        throw cliError
      })
      await expect(reads.read('hv1', STATUS, { cancelled }, cli)).rejects.toBe(cliError)
      expect(cli).toHaveBeenCalledTimes(1)
    }
  })

  it('a session that does not answer: the CLI starts after HEDGE_MS, and its answer ends the read (no second wait)', async () => {
    vi.useFakeTimers()
    const fake = fakeSession({ open: true })
    const reads = new CephReadSessions(() => fake.session)
    let finishCli: (result: RemoteResult) => void = () => undefined
    const cli = vi.fn(() => new Promise<RemoteResult>((resolve) => (finishCli = resolve)))
    let settled: RemoteResult | undefined
    void reads.read('hv1', STATUS, { cancelled }, cli)!.then((result) => (settled = result))
    await vi.advanceTimersByTimeAsync(HEDGE_MS - 1)
    expect(cli).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(1)
    expect(cli).toHaveBeenCalledTimes(1)
    finishCli(cliResult('{"by":"cli"}'))
    await vi.advanceTimersByTimeAsync(0)
    // The session never answered (its own deadline is seconds away): the CLI's answer is the read's.
    expect(settled).toMatchObject({ stdout: '{"by":"cli"}' })
    expect(cli).toHaveBeenCalledTimes(1)
  })

  it('a slow session that answers while the hedged CLI still runs: the first answer wins', async () => {
    vi.useFakeTimers()
    let answer: (value: SessionAnswer) => void = () => undefined
    const fake = fakeSession({ open: true, answer: () => new Promise((resolve) => (answer = resolve)) })
    const reads = new CephReadSessions(() => fake.session)
    const cli = vi.fn(() => new Promise<RemoteResult>(() => undefined))
    const pending = reads.read('hv1', STATUS, { cancelled }, cli)!
    await vi.advanceTimersByTimeAsync(HEDGE_MS)
    expect(cli).toHaveBeenCalledTimes(1)
    answer({ ok: true, value: { out: '{"by":"session"}', outs: '' } })
    await expect(pending).resolves.toMatchObject({ stdout: '{"by":"session"}' })
  })

  it('a cancel while the session works: the runner’s cancelled error, and no CLI started', async () => {
    vi.useFakeTimers()
    const fake = fakeSession({ open: true })
    const reads = new CephReadSessions(() => fake.session)
    const cli = vi.fn(async () => cliResult('x'))
    const controller = new AbortController()
    const pending = reads.read('hv1', STATUS, { signal: controller.signal, cancelled }, cli)!
    controller.abort()
    await expect(pending).rejects.toMatchObject({ code: 'remote.cancelled' })
    await vi.advanceTimersByTimeAsync(HEDGE_MS * 2)
    expect(cli).not.toHaveBeenCalled()
  })
})
