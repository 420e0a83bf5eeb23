import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  CLI_BESIDE_AFTER_MS,
  oneConnectionArgv,
  oneConnectionOrCli,
  oneConnectionValues,
} from '../../src/main/core/ceph/one-connection'
import { argvProblem } from '../../src/main/core/remote/quote'
import { deferred } from '../support/deferred'

describe('the program’s answer', () => {
  it('gives each output parsed, in order', () => {
    const stdout = JSON.stringify({ ok: true, outputs: ['{"status":"HEALTH_OK"}', '[1,2]'] }) + '\n'
    expect(oneConnectionValues(stdout, 2)).toEqual([{ status: 'HEALTH_OK' }, [1, 2]])
  })

  it('is null when the program stopped, answered fewer outputs, or an output is not JSON', () => {
    const stopped = JSON.stringify({ ok: false, stage: 'connect', error: '[errno 110] timed out' })
    expect(oneConnectionValues(stopped, 1)).toBeNull()
    expect(oneConnectionValues(JSON.stringify({ ok: true, outputs: ['{}'] }), 2)).toBeNull()
    expect(oneConnectionValues(JSON.stringify({ ok: true, outputs: ['not json'] }), 1)).toBeNull()
    expect(oneConnectionValues('', 1)).toBeNull()
    expect(oneConnectionValues('Traceback (most recent call last):', 1)).toBeNull()
  })

  it('runs through an argv the runner may send (the program itself goes on stdin)', () => {
    const argv = oneConnectionArgv('libvirt', 8, [{ prefix: 'health', detail: 'detail', format: 'json' }])
    expect(argvProblem(argv)).toBeNull()
    expect(argv.slice(3)).toEqual(['libvirt', '8', '[{"prefix":"health","detail":"detail","format":"json"}]'])
  })
})

describe('one connection, or the CLI', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('takes the one connection’s answer and never starts the CLI', async () => {
    const cli = vi.fn(async () => ['cli'])
    await expect(oneConnectionOrCli(async () => ['fast'], cli)).resolves.toEqual(['fast'])
    expect(cli).not.toHaveBeenCalled()
  })

  it('asks the CLI at once when the one connection cannot answer or throws', async () => {
    const cli = vi.fn(async () => ['cli'])
    // No timer is advanced: the CLI must not wait for the delay.
    await expect(oneConnectionOrCli(async () => null, cli)).resolves.toEqual(['cli'])
    await expect(
      oneConnectionOrCli(() => {
        throw new TypeError('no cephMonCommands on this runner')
      }, cli),
    ).resolves.toEqual(['cli'])
    expect(cli).toHaveBeenCalledTimes(2)
  })

  it('gives the CLI’s error when the one connection could not answer', async () => {
    const refused = new Error('ceph on hv1: keyring not found')
    await expect(
      oneConnectionOrCli(
        async () => null,
        async () => Promise.reject(refused),
      ),
    ).rejects.toBe(refused)
  })

  it('starts the CLI beside a slow one connection after the delay; the first answer wins, the other is aborted', async () => {
    const fast = deferred<string[] | null>()
    let fastSignal: AbortSignal | undefined
    const cli = vi.fn(async () => ['cli'])
    const read = oneConnectionOrCli((signal) => {
      fastSignal = signal
      return fast.promise
    }, cli)
    await vi.advanceTimersByTimeAsync(CLI_BESIDE_AFTER_MS - 1)
    expect(cli).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(1)
    await expect(read).resolves.toEqual(['cli'])
    expect(fastSignal?.aborted).toBe(true)
  })

  it('after the delay, a CLI failure waits for the one connection, whose answer then wins', async () => {
    const fast = deferred<string[] | null>()
    const cliDone = deferred<string[]>()
    let cliSignal: AbortSignal | undefined
    const read = oneConnectionOrCli(
      () => fast.promise,
      (signal) => {
        cliSignal = signal
        return cliDone.promise
      },
    )
    await vi.advanceTimersByTimeAsync(CLI_BESIDE_AFTER_MS)
    cliDone.reject(new Error('timed out'))
    await vi.advanceTimersByTimeAsync(0)
    fast.resolve(['fast'])
    await expect(read).resolves.toEqual(['fast'])
    expect(cliSignal).toBeDefined()
  })

  it('after the delay, when both fail the CLI’s error is thrown, whichever ends last', async () => {
    for (const fastEndsFirst of [true, false]) {
      const fast = deferred<string[] | null>()
      const cliDone = deferred<string[]>()
      const cliError = new Error('ceph on hv1 got no answer from the Ceph monitors')
      const read = oneConnectionOrCli(
        () => fast.promise,
        () => cliDone.promise,
      )
      const outcome = read.catch((error: unknown) => error)
      await vi.advanceTimersByTimeAsync(CLI_BESIDE_AFTER_MS)
      if (fastEndsFirst) {
        fast.resolve(null)
        await vi.advanceTimersByTimeAsync(0)
        cliDone.reject(cliError)
      } else {
        cliDone.reject(cliError)
        await vi.advanceTimersByTimeAsync(0)
        fast.reject(new Error('python3: not found'))
      }
      expect(await outcome).toBe(cliError)
    }
  })

  it('a cancel from the caller aborts both paths', async () => {
    const outer = new AbortController()
    const signals: AbortSignal[] = []
    const hang = (signal: AbortSignal) => {
      signals.push(signal)
      return new Promise<never>((_resolve, reject) =>
        signal.addEventListener('abort', () => reject(new Error('cancelled'))),
      )
    }
    const read = oneConnectionOrCli(hang, hang, { signal: outer.signal })
    const outcome = read.catch((error: unknown) => error)
    await vi.advanceTimersByTimeAsync(CLI_BESIDE_AFTER_MS)
    outer.abort()
    expect(((await outcome) as Error).message).toBe('cancelled')
    expect(signals.map((signal) => signal.aborted)).toEqual([true, true])
  })
})
