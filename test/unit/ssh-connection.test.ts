import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ResolvedHost } from '../../src/shared/contract'
import type { HostKeyPrompt, HostState } from '../../src/shared/hosts'
import { briefCommand, SshRunner } from '../../src/main/core/remote/runner'
import { englishText, msg } from '../../src/shared/messages'
import { fingerprint, lookupHost, parseKnownHosts } from '../../src/main/core/ssh/known-hosts'
import { KeyStore } from '../../src/main/core/ssh/auth'
import { HostPool } from '../../src/main/core/ssh/pool'
import { utils } from 'ssh2'
import { ApiError, commandStep } from '../../src/shared/errors'
import { newKeyPair, startFakeSshd, wellFormedEd25519, type FakeSshd } from '../support/fake-sshd'

/** The connection, pool and runner against an in-process SSH server that runs real `sh -c`. */

let dir: string
let sshd: FakeSshd
let pool: HostPool
let states: HostState[]
let prompts: HostKeyPrompt[]
const hostKey = newKeyPair()
const clientKey = newKeyPair()

function hostKeyBlob(): Buffer {
  return Buffer.from(hostKey.publicSSH.split(' ')[1]!, 'base64')
}

function resolved(identityFile: string): ResolvedHost {
  return {
    name: 'hv1',
    hostname: '127.0.0.1',
    port: sshd.port,
    user: 'etalab',
    identityFiles: [identityFile],
    identitiesOnly: true,
    fromSshConfig: false,
    migrationAddress: '127.0.0.1',
    ignoredDirectives: [],
  }
}

async function until<T>(what: string, probe: () => T | undefined | false, ms = 10_000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const value = probe()
    if (value !== undefined && value !== false) return value
    if (Date.now() > end)
      throw new Error(`timed out waiting for ${what}; states: ${states.map((s) => s.status).join(',')}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

function status(): string | undefined {
  return pool.list()[0]?.status
}

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hd-ssh-'))
  fs.writeFileSync(path.join(dir, 'id_good'), clientKey.privateKey, { mode: 0o600 })
  fs.writeFileSync(path.join(dir, 'id_wrong'), newKeyPair().privateKey, { mode: 0o600 })
  sshd = await startFakeSshd({ hostKey: hostKey.privateKey, clientPublicKey: clientKey.publicSSH })
  states = []
  prompts = []
  pool = new HostPool({
    home: dir,
    globalKnownHostsFiles: [],
    onState: (state) => states.push(state),
    onHostKeyPrompt: (prompt) => prompts.push(prompt),
    onPassphrasePrompt: () => undefined,
    connection: { backoffMs: [200, 400], keepaliveIntervalMs: 1000, readyTimeoutMs: 5000 },
  })
})

afterEach(async () => {
  await pool.close()
  await sshd.stop()
  fs.rmSync(dir, { recursive: true, force: true })
})

const knownHosts = () => path.join(dir, 'known_hosts')
function trustHost(): void {
  fs.writeFileSync(knownHosts(), `[127.0.0.1]:${sshd.port} ${hostKey.publicSSH}\n`)
}

describe('host connection', () => {
  it('asks about an unknown host key, connects after accept, and remembers it', async () => {
    await pool.configure({ hosts: [resolved(path.join(dir, 'id_good'))], knownHostsFile: knownHosts() })
    await until('key-unknown', () => status() === 'key-unknown')
    expect(prompts).toEqual([
      {
        host: 'hv1',
        hostname: '127.0.0.1',
        port: sshd.port,
        type: 'ssh-ed25519',
        fingerprint: fingerprint(hostKeyBlob()),
      },
    ])
    expect(sshd.keyOffers).toEqual([]) // no key is offered to a host we do not trust
    expect(() => pool.get('hv1').acceptHostKey('SHA256:somethingElse')).toThrow(/nothing was saved/)
    pool.get('hv1').acceptHostKey(fingerprint(hostKeyBlob()))
    await until('online', () => status() === 'online')
    expect(fs.readFileSync(knownHosts(), 'utf8')).toBe(`[127.0.0.1]:${sshd.port} ${hostKey.publicSSH}\n`)
  })

  it('refuses a changed host key, naming both fingerprints', async () => {
    const other = newKeyPair()
    fs.writeFileSync(knownHosts(), `[127.0.0.1]:${sshd.port} ${other.publicSSH}\n`)
    await pool.configure({ hosts: [resolved(path.join(dir, 'id_good'))], knownHostsFile: knownHosts() })
    await until('key-changed', () => status() === 'key-changed')
    const state = pool.list()[0]!
    const oldPrint = fingerprint(Buffer.from(other.publicSSH.split(' ')[1]!, 'base64'))
    expect(state.error?.code).toBe('host.key-changed')
    expect(state.error?.message).toContain(fingerprint(hostKeyBlob()))
    expect(state.error?.message).toContain(oldPrint)
    expect(state.knownFingerprints).toEqual([oldPrint])
    expect(sshd.keyOffers).toEqual([])
  })

  it('a known_hosts key of a type the host does not have is a changed key, not "offline"', async () => {
    // The fake sshd, like the lab's hosts, has only an ed25519 key; known_hosts has an ECDSA one.
    const ecdsa = utils.generateKeyPairSync('ecdsa', { bits: 256 })
    fs.writeFileSync(knownHosts(), `[127.0.0.1]:${sshd.port} ${ecdsa.public}\n`)
    await pool.configure({ hosts: [resolved(path.join(dir, 'id_good'))], knownHostsFile: knownHosts() })
    await until('key-changed', () => status() === 'key-changed' || status() === 'offline')
    const state = pool.list()[0]!
    const expected = fingerprint(Buffer.from(ecdsa.public.split(' ')[1]!, 'base64'))
    expect(state.status).toBe('key-changed')
    expect(state.error?.code).toBe('host.key-changed')
    expect(state.knownFingerprints).toEqual([expected])
    expect(state.hostKey).toEqual({ type: 'ssh-ed25519', fingerprint: fingerprint(hostKeyBlob()) })
    expect(state.error?.message).toContain(expected)
    expect(state.error?.message).toContain(fingerprint(hostKeyBlob()))
    expect(state.error?.hint).toContain(`ssh-keygen -R '[127.0.0.1]:${sshd.port}' -f ${knownHosts()}`)
    expect(states.map((s) => s.status)).not.toContain('offline')
    expect(sshd.keyOffers).toEqual([])
    // What the window shows (the error of any call to that host) is the key problem in its words.
    const refused = await pool
      .get('hv1')
      .exec('true')
      .catch((error: unknown) => error)
    expect(refused).toMatchObject({ code: 'host.key-changed', host: 'hv1' })
    expect((refused as ApiError).text?.code).toBe('sshTexts.keyChanged')
  })

  it('a host key that cannot be checked or kept is a host key problem, not "offline"', async () => {
    // accept-new must write known_hosts, whose folder is a file here: appending throws.
    fs.writeFileSync(path.join(dir, 'not-a-dir'), '')
    const file = path.join(dir, 'not-a-dir', 'known_hosts')
    await pool.configure({
      hosts: [{ ...resolved(path.join(dir, 'id_good')), strictHostKeyChecking: 'accept-new' }],
      knownHostsFile: file,
    })
    await until('a verdict', () => status() === 'key-unknown' || status() === 'offline')
    const state = pool.list()[0]!
    expect(state.status).toBe('key-unknown')
    expect(state.error).toMatchObject({ code: 'host.key-check-failed', host: 'hv1' })
    expect(state.error?.message).toContain(fingerprint(hostKeyBlob()))
    expect(state.error?.message).toMatch(/EEXIST|ENOTDIR/)
    expect(state.error?.hint).toContain(file)
    expect(sshd.keyOffers).toEqual([])
  })

  it('offers a wrong key exactly once and never retries by itself', async () => {
    trustHost()
    await pool.configure({ hosts: [resolved(path.join(dir, 'id_wrong'))], knownHostsFile: knownHosts() })
    await until('auth-failed', () => status() === 'auth-failed')
    await new Promise((resolve) => setTimeout(resolve, 1500)) // several backoff periods
    expect(sshd.keyOffers).toHaveLength(1)
    expect(pool.get('hv1').stats).toMatchObject({ connectAttempts: 1, keyOffers: 1 })
    expect(status()).toBe('auth-failed')
    expect(pool.list()[0]?.error?.hint).toMatch(/fail2ban/)
  })

  it('goes offline when the server goes away and comes back by itself', async () => {
    trustHost()
    await pool.configure({ hosts: [resolved(path.join(dir, 'id_good'))], knownHostsFile: knownHosts() })
    await until('online', () => status() === 'online')
    await sshd.stop()
    await until('offline', () => status() === 'offline')
    expect(pool.list()[0]?.error?.code).toBe('host.offline')
    await sshd.start()
    await until('online again', () => status() === 'online')
  })

  it('a cluster file change that is not about reaching the host keeps its connection; one that is reconnects', async () => {
    trustHost()
    const host = resolved(path.join(dir, 'id_good'))
    await pool.configure({ hosts: [host], knownHostsFile: knownHosts() })
    await until('online', () => status() === 'online')
    const first = pool.get('hv1')
    const changed = {
      ...host,
      migrationAddress: '10.77.12.9',
      gateway: '10.77.12.254',
      ovhServiceName: 'ns1',
    }
    await pool.configure({ hosts: [changed], knownHostsFile: knownHosts() })
    expect(pool.get('hv1')).toBe(first)
    expect(status()).toBe('online')
    await pool.configure({ hosts: [{ ...changed, user: 'root' }], knownHostsFile: knownHosts() })
    expect(pool.get('hv1')).not.toBe(first)
  })

  it('while the host refuses connections (sshd restarting), connects as soon as sshd listens, not at the next backoff', async () => {
    trustHost()
    // After the first quick retry (refused), a backoff far longer than the test: only the door watch
    // can bring the host back in time.
    await pool.close()
    pool = new HostPool({
      home: dir,
      globalKnownHostsFiles: [],
      onState: (state) => states.push(state),
      onHostKeyPrompt: (prompt) => prompts.push(prompt),
      onPassphrasePrompt: () => undefined,
      connection: { backoffMs: [200, 60_000], keepaliveIntervalMs: 1000, readyTimeoutMs: 5000 },
    })
    await pool.configure({ hosts: [resolved(path.join(dir, 'id_good'))], knownHostsFile: knownHosts() })
    await until('online', () => status() === 'online')
    const attemptsBefore = pool.get('hv1').stats.connectAttempts
    await sshd.stop()
    await until('offline', () => status() === 'offline')
    // The quick retry is refused: from then on the backoff says a minute.
    await until('the retry refused', () => pool.get('hv1').stats.connectAttempts === attemptsBefore + 1)
    await until('offline again', () => status() === 'offline')
    // Why, as a text the window translates (not the socket's English), and the step as a message.
    const offline = pool.list()[0]?.error
    expect(offline?.details).toMatchObject({ text: 'offlineUnreachable', reasonText: 'reasonRefused' })
    expect(offline?.stepText).toEqual({ code: 'errorSteps.connect' })
    // Refused connects are polled quietly: no "connecting" flicker, no SSH attempt, while sshd is down.
    const statesWhileDown = states.length
    await new Promise((resolve) => setTimeout(resolve, 1600))
    expect(states.length).toBe(statesWhileDown)
    expect(pool.get('hv1').stats.connectAttempts).toBe(attemptsBefore + 1)
    await sshd.start()
    const listening = Date.now()
    await until('online again', () => status() === 'online', 5_000)
    expect(Date.now() - listening).toBeLessThan(5_000)
    // One SSH handshake, on the socket that found sshd listening: no probe connection closed before the banner.
    expect(pool.get('hv1').stats.connectAttempts).toBe(attemptsBefore + 2)
    expect(sshd.keyOffers).toHaveLength(2)
  })
})

describe('~/.ssh/config host key settings and refusals', () => {
  it('StrictHostKeyChecking accept-new keeps a new key and connects; a changed key is still refused', async () => {
    await pool.configure({
      hosts: [{ ...resolved(path.join(dir, 'id_good')), strictHostKeyChecking: 'no' }],
      knownHostsFile: knownHosts(),
    })
    await until('online', () => status() === 'online')
    expect(prompts).toEqual([])
    expect(fs.readFileSync(knownHosts(), 'utf8')).toBe(`[127.0.0.1]:${sshd.port} ${hostKey.publicSSH}\n`)
    await pool.close()
    fs.writeFileSync(knownHosts(), `[127.0.0.1]:${sshd.port} ${newKeyPair().publicSSH}\n`)
    pool = new HostPool({
      home: dir,
      globalKnownHostsFiles: [],
      onState: (state) => states.push(state),
      onHostKeyPrompt: (prompt) => prompts.push(prompt),
      onPassphrasePrompt: () => undefined,
    })
    await pool.configure({
      hosts: [{ ...resolved(path.join(dir, 'id_good')), strictHostKeyChecking: 'accept-new' }],
      knownHostsFile: knownHosts(),
    })
    await until('key-changed', () => status() === 'key-changed')
    expect(sshd.keyOffers).toHaveLength(1) // only the first, trusted-on-first-use connection
  })

  it('StrictHostKeyChecking yes refuses an unknown key without asking', async () => {
    await pool.configure({
      hosts: [{ ...resolved(path.join(dir, 'id_good')), strictHostKeyChecking: 'yes' }],
      knownHostsFile: knownHosts(),
    })
    await until('key-unknown', () => status() === 'key-unknown')
    expect(prompts).toEqual([])
    expect(pool.list()[0]?.error).toMatchObject({
      code: 'host.key-unknown',
      details: { text: 'keyUnknownStrict', params: { fingerprint: fingerprint(hostKeyBlob()) } },
    })
    expect(() => pool.get('hv1').acceptHostKey(fingerprint(hostKeyBlob()))).toThrow(/no unknown host key/)
    expect(fs.existsSync(knownHosts())).toBe(false)
    expect(sshd.keyOffers).toEqual([])
  })

  it('never contacts a host that ~/.ssh/config refused (Match exec), even on the user’s retry', async () => {
    const refusal = {
      code: 'host.ssh-config',
      message: '/home/u/.ssh/config line 3: "Match exec" would run a command for hv1.',
      step: 'read ~/.ssh/config',
    }
    trustHost()
    await pool.configure({
      hosts: [{ ...resolved(path.join(dir, 'id_good')), refusal }],
      knownHostsFile: knownHosts(),
    })
    await until('unsupported', () => status() === 'unsupported')
    pool.get('hv1').connect()
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(pool.list()[0]?.error).toMatchObject({ ...refusal, host: 'hv1' })
    expect(pool.get('hv1').stats.connectAttempts).toBe(0)
    expect(sshd.keyOffers).toEqual([])
  })
})

describe('encrypted keys', () => {
  it('asks for the passphrase, refuses a wrong one locally, and connects with the right one', async () => {
    const { utils } = await import('ssh2')
    const locked = wellFormedEd25519(() =>
      utils.generateKeyPairSync('ed25519', {
        passphrase: 'correct horse',
        cipher: 'aes256-ctr',
        rounds: 4,
      }),
    )
    const lockedSshd = await startFakeSshd({ hostKey: hostKey.privateKey, clientPublicKey: locked.public })
    const keyPath = path.join(dir, 'id_locked')
    fs.writeFileSync(keyPath, locked.private, { mode: 0o600 })
    fs.writeFileSync(knownHosts(), `[127.0.0.1]:${lockedSshd.port} ${hostKey.publicSSH}\n`)
    const asked: unknown[] = []
    const lockedPool = new HostPool({
      home: dir,
      globalKnownHostsFiles: [],
      onState: () => undefined,
      onHostKeyPrompt: () => undefined,
      onPassphrasePrompt: (prompt) => asked.push(prompt),
    })
    try {
      await lockedPool.configure({
        hosts: [{ ...resolved(keyPath), port: lockedSshd.port }],
        knownHostsFile: knownHosts(),
      })
      const connection = lockedPool.get('hv1')
      expect(connection.current).toMatchObject({ status: 'passphrase-needed', lockedKeys: [keyPath] })
      expect(asked).toEqual([{ host: 'hv1', keyPath }])
      expect(lockedSshd.keyOffers).toEqual([])
      expect(() => lockedPool.keys.unlock(keyPath, 'wrong')).toThrow(/does not decrypt/)
      lockedPool.keys.unlock(keyPath, 'correct horse')
      connection.connect()
      await until('online with the unlocked key', () => connection.status === 'online')
      expect(lockedSshd.keyOffers).toHaveLength(1)
    } finally {
      await lockedPool.close()
      await lockedSshd.stop()
    }
  })
})

describe('resume from sleep', () => {
  it('probes every connection when the wall clock jumps between two ticks', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] })
    try {
      const sleepy = new HostPool({
        home: dir,
        onState: () => undefined,
        onHostKeyPrompt: () => undefined,
        onPassphrasePrompt: () => undefined,
      })
      await sleepy.configure({ hosts: [] }, false)
      const probe = vi.spyOn(sleepy, 'probeAll')
      vi.advanceTimersByTime(20_000)
      expect(probe).not.toHaveBeenCalled()
      vi.setSystemTime(Date.now() + 10 * 60_000) // the laptop slept ten minutes
      vi.advanceTimersByTime(5_000)
      expect(probe).toHaveBeenCalledTimes(1)
      await sleepy.close()
    } finally {
      vi.useRealTimers()
    }
  })
})

describe('remote runner', () => {
  let runner: SshRunner
  beforeEach(async () => {
    trustHost()
    await pool.configure({ hosts: [resolved(path.join(dir, 'id_good'))], knownHostsFile: knownHosts() })
    await until('online', () => status() === 'online')
    runner = new SshRunner(pool, () => ({ clientId: 'libvirt', monitorTimeoutSeconds: 3 }))
  })

  it('runs argv with LC_ALL=C under timeout -k, returning output and exit code', async () => {
    const result = await runner.run('hv1', [
      'sh',
      '-c',
      'printf "%s|%s" "$LC_ALL" "$1"; echo oops >&2',
      'x',
      "a'b $(c)",
    ])
    expect(result).toMatchObject({ stdout: "C|a'b $(c)", stderr: 'oops\n', exitCode: 0 })
    expect(sshd.commands.at(-1)).toContain('exec env LC_ALL=C timeout -k 5 30 sh -c')
    const stdin = await runner.run('hv1', ['cat'], { stdin: 'from stdin' })
    expect(stdin.stdout).toBe('from stdin')
  })

  it('throws remote.failed with host, step, command, exit code and stderr (unless allowFailure)', async () => {
    const error = await runner
      .run('hv1', ['sh', '-c', 'echo "no such domain" >&2; exit 3'], { step: commandStep('read the VM') })
      .catch((e: unknown) => e)
    expect(error).toMatchObject({
      code: 'remote.failed',
      host: 'hv1',
      step: 'read the VM',
      details: {
        exitCode: 3,
        stderr: 'no such domain',
        command: 'sh -c \'echo "no such domain" >&2; exit 3\'',
      },
    })
    // The sentence names the step; the command line is in the details (a batch is kilobytes of shell).
    expect((error as Error).message).toBe(
      'read the VM failed on hv1 (exit 3). (the host said: no such domain)',
    )
    const unnamed = (await runner.run('hv1', ['sh', '-c', 'exit 4']).catch((e: unknown) => e)) as Error
    expect(unnamed.message).toBe("sh -c 'exit 4' failed on hv1 (exit 4).")
    const allowed = await runner.run('hv1', ['false'], { allowFailure: true })
    expect(allowed.exitCode).toBe(1)
  })

  it('enforces the timeout on the host and leaves no process behind', async () => {
    const marker = uniqueSleep()
    const started = Date.now()
    const error = await runner
      .run('hv1', ['sh', '-c', `sleep ${marker}; true`], { timeoutSeconds: 1 })
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'remote.timeout', host: 'hv1' })
    expect(Date.now() - started).toBeLessThan(4000)
    expect(livePids(`sleep\0${marker}`)).toEqual([])
  })

  it('a timeout names the step and says what the host printed, never the command line', async () => {
    const [quiet, talking] = [uniqueSleep(), uniqueSleep()]
    const silent = (await runner
      .run('hv1', ['sh', '-c', `sleep ${quiet}; true`], {
        timeoutSeconds: 1,
        step: msg('errorSteps.refreshInventory'),
      })
      .catch((e: unknown) => e)) as ApiError
    expect(silent.text?.detail).toBeUndefined()
    expect(silent.text).toEqual({
      code: 'remoteErrors.timedOutSilent',
      params: { step: { code: 'errorSteps.refreshInventory' }, host: 'hv1', seconds: 1 },
    })
    expect(silent.message).toBe(
      'refresh the inventory did not finish on hv1 within 1 s and was stopped there; it printed nothing.',
    )
    // The whole command stays in the details, for the logs.
    expect(silent.details?.['command']).toContain(`sleep ${quiet}`)

    // No step given: a short start of the command names it; what the host printed is the detail.
    const long = `echo "pool busy" >&2; sleep ${talking}; ${'true; '.repeat(30)}`
    const said = (await runner
      .run('hv1', ['sh', '-c', long], { timeoutSeconds: 1 })
      .catch((e: unknown) => e)) as ApiError
    expect(said.text).toMatchObject({ code: 'remoteErrors.timedOut', detail: 'pool busy' })
    const step = said.text?.params?.['step'] as { code: string; params: { command: string } }
    expect(step.code).toBe('errorSteps.command')
    expect(step.params.command.length).toBeLessThanOrEqual(62)
    expect(step.params.command).toMatch(/^sh -c .* …$/)
    // At most the command's first 60 characters (how many `true;` fit depends on the sleep's digits).
    expect(englishText(said.text!)).not.toContain('true; true; true; true')
    expect(briefCommand('virsh list')).toBe('virsh list')
    expect(livePids(`sleep\0${quiet}`)).toEqual([])
  })

  it('cancels: kills the remote process group and frees the slot', async () => {
    const [first, second] = [uniqueSleep(), uniqueSleep()]
    const controller = new AbortController()
    const running = runner.run('hv1', ['sh', '-c', `sleep ${first} & sleep ${second}; true`], {
      signal: controller.signal,
    })
    const alive = () => [...livePids(`sleep\0${first}`), ...livePids(`sleep\0${second}`)]
    await until('both remote sleeps started', () => alive().length === 2, 5000)
    controller.abort()
    await expect(running).rejects.toMatchObject({ code: 'remote.cancelled' })
    await until('remote processes gone', () => alive().length === 0, 3000)
    await until('slot free', () => pool.get('hv1').slotUse.exec === 0, 3000)
  })

  it('queues commands beyond 8 channels instead of failing', async () => {
    const started = Date.now()
    const results = await Promise.all(Array.from({ length: 12 }, () => runner.run('hv1', ['sleep', '0.3'])))
    expect(results.every((r) => r.exitCode === 0)).toBe(true)
    expect(Date.now() - started).toBeGreaterThanOrEqual(550) // two waves
    const interactive = await pool.get('hv1').reserveInteractive()
    const second = await pool.get('hv1').reserveInteractive()
    await expect(pool.get('hv1').reserveInteractive()).rejects.toMatchObject({ code: 'host.busy' })
    interactive.release()
    second.release()
  })

  it('streams lines until closed', async () => {
    const lines: string[] = []
    const stream = await runner.stream(
      'hv1',
      ['sh', '-c', 'i=0; while :; do i=$((i+1)); echo "line $i"; sleep 0.05; done'],
      (line) => lines.push(line),
    )
    await until('3 lines', () => lines.length >= 3)
    stream.close()
    expect(await stream.done).toBeNull()
    expect(lines.slice(0, 3)).toEqual(['line 1', 'line 2', 'line 3'])
  })

  it('stops a stream’s remote process when the connection closes', async () => {
    const seconds = uniqueSleep()
    const stream = await runner.stream('hv1', ['sh', '-c', `echo started; sleep ${seconds}`], () => undefined)
    await until('remote sleep started', () => livePids(`sleep\0${seconds}`).length > 0, 5000)
    await pool.close()
    await until('remote sleep stopped', () => livePids(`sleep\0${seconds}`).length === 0, 5000)
    expect(await stream.done).toBeNull()
  })

  it('reports a stream’s own exit code', async () => {
    const stream = await runner.stream('hv1', ['sh', '-c', 'echo one; exit 3'], () => undefined)
    expect(await stream.done).toBe(3)
  })

  it('keeps a lone virsh argument as one argument (virsh would re-parse it)', async () => {
    fs.writeFileSync(path.join(dir, 'virsh'), '#!/bin/sh\nprintf "%s\\n" "$@"\n', { mode: 0o755 })
    const original = process.env.PATH
    // The fake host runs the local sh: put a fake virsh first in its PATH.
    process.env.PATH = `${dir}:${original}`
    try {
      const result = await runner.virsh('hv1', ['list; destroy x'])
      expect(result.stdout).toBe("-c\nqemu:///system\n'list; destroy x'\n")
    } finally {
      process.env.PATH = original
    }
  })
})

/** A sleep duration no other process has, to find exactly our processes in /proc. */
function uniqueSleep(): string {
  return `${600 + Math.floor(Math.random() * 1000)}.${process.pid}${Math.floor(Math.random() * 1000)}`
}
function cmdline(pid: string): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8')
  } catch {
    return ''
  }
}
function livePids(marker: string): string[] {
  return fs
    .readdirSync('/proc')
    .filter((pid) => /^\d+$/.test(pid) && cmdline(pid).includes(marker) && !isZombie(pid))
}
function isZombie(pid: string): boolean {
  try {
    return / Z /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return true
  }
}

describe('no key to offer is not "key refused"', () => {
  async function poolWith(env: NodeJS.ProcessEnv): Promise<HostPool> {
    await pool.close()
    pool = new HostPool({
      home: dir,
      keys: new KeyStore(dir, env),
      globalKnownHostsFiles: [],
      onState: (state) => states.push(state),
      onHostKeyPrompt: (prompt) => prompts.push(prompt),
      onPassphrasePrompt: () => undefined,
      connection: { backoffMs: [200, 400], keepaliveIntervalMs: 1000, readyTimeoutMs: 5000 },
    })
    return pool
  }

  it('no agent and no identity file: no-key, the host never contacted, what to set', async () => {
    trustHost()
    await poolWith({})
    await pool.configure({ hosts: [resolved(path.join(dir, 'id_missing'))], knownHostsFile: knownHosts() })
    await until('no-key', () => status() === 'no-key')
    const state = pool.list()[0]!
    expect(state.error?.code).toBe('host.no-key')
    expect(state.error?.message).toMatch(
      /^No SSH key to offer to hv1: no ssh-agent and no usable identity file/,
    )
    expect(state.error?.message).toContain('id_missing')
    expect(state.error?.hint).toMatch(/identityFile/)
    expect(state.error?.details).toMatchObject({ text: 'authNoKey', hintText: 'authNoKeyHint' })
    expect(sshd.keyOffers).toEqual([])
    expect(pool.get('hv1').stats.connectAttempts).toBe(0)
  })

  it('an agent holding no key: no-key after one attempt with zero offers, never retried', async () => {
    trustHost()
    const socket = path.join(dir, 'agent.sock')
    const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' })
    try {
      await until('ssh-agent socket', () => fs.existsSync(socket))
      await poolWith({ SSH_AUTH_SOCK: socket })
      await pool.configure({ hosts: [resolved(path.join(dir, 'id_missing'))], knownHostsFile: knownHosts() })
      await until('no-key', () => status() === 'no-key')
      await new Promise((resolve) => setTimeout(resolve, 800)) // past two backoff periods
      const state = pool.list()[0]!
      expect(state.status).toBe('no-key')
      expect(state.error?.message).toMatch(/^No SSH key was offered to hv1: the ssh-agent holds no key/)
      expect(state.error?.hint).toMatch(/^Add your key to the agent \(ssh-add/)
      expect(sshd.keyOffers).toEqual([])
      expect(pool.get('hv1').stats).toMatchObject({ connectAttempts: 1, keyOffers: 0 })
      expect(states.some((s) => s.status === 'auth-failed')).toBe(false)
    } finally {
      agent.kill()
    }
  })
})

describe('test keys', () => {
  // ssh2's key generator strips an ed25519 public key's leading zero bytes (one key in 256): known_hosts
  // skips such a line, so "another key was known" became "no key known", and accept-new connected.
  const short = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAH88Z8n3CdrOCYUI9oA8wyaLWgihX4+3XrA63gnIsdjs='

  it('a 31-byte ed25519 key in known_hosts is skipped: the host reads as unknown, not changed', () => {
    const { entries, skipped } = parseKnownHosts(`[127.0.0.1]:2222 ${short}\n`)
    expect(skipped).toMatchObject([{ reasonText: 'badKey' }])
    expect(lookupHost(entries, '127.0.0.1', 2222).verify(hostKeyBlob()).kind).toBe('unknown')
  })

  it('newKeyPair draws again when ssh2 generates such a key, so another key reads as changed', async () => {
    const { utils } = await import('ssh2')
    const real = utils.generateKeyPairSync.bind(utils)
    let calls = 0
    const spy = vi.spyOn(utils, 'generateKeyPairSync').mockImplementation(((type: 'ed25519') => {
      const pair = real(type)
      return ++calls === 1 ? { ...pair, public: short } : pair
    }) as typeof utils.generateKeyPairSync)
    try {
      const other = newKeyPair()
      expect(calls).toBe(2)
      const { entries, skipped } = parseKnownHosts(`[127.0.0.1]:2222 ${other.publicSSH}\n`)
      expect(skipped).toEqual([])
      expect(lookupHost(entries, '127.0.0.1', 2222).verify(hostKeyBlob()).kind).toBe('changed')
    } finally {
      spy.mockRestore()
    }
  })
})
