import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ResolvedHost } from '../../src/shared/contract'
import { KeyStore } from '../../src/main/core/ssh/auth'
import { HostPool } from '../../src/main/core/ssh/pool'

/**
 * fail2ban-safe authentication against a REAL OpenSSH sshd (Debian's openssh-server) on 127.0.0.1,
 * with its own sshd_config (MaxAuthTries 2, LogLevel VERBOSE, log to a file with -E) and a real
 * ssh-agent holding four keys. sshd disconnects the client after the second refused key ("Too many
 * authentication failures"): the app must take that as an authentication failure, stop after that
 * one connection, say why with the IdentitiesOnly/identityFile hint, and never reconnect by itself.
 * sshd's own log is the witness: at most two failed keys and one connection.
 *
 * Needs openssh-server and openssh-client (.ci/run installs them). sshd as root needs /run/sshd (its
 * privilege separation directory), created here as Debian's service would.
 */

const SSHD = '/usr/sbin/sshd'
const me = os.userInfo()
let dir: string
let sshd: ChildProcess | undefined
let agent: ChildProcess | undefined
let port = 0
const keys: string[] = []
let outsider: string
const log = () => path.join(dir, 'sshd.log')
const agentSocket = () => path.join(dir, 'agent.sock')

function keygen(name: string, type = 'ed25519'): string {
  const file = path.join(dir, name)
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', name, '-f', file])
  return file
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const found = (server.address() as net.AddressInfo).port
      server.close(() => resolve(found))
    })
  })
}

async function until<T>(what: string, probe: () => T | undefined | false, ms = 10_000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const value = probe()
    if (value !== undefined && value !== false) return value
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

function sshdLog(): string {
  try {
    return fs.readFileSync(log(), 'utf8')
  } catch {
    return ''
  }
}

/** What sshd saw since `from` (an offset in its log). */
function seen(from: number) {
  const text = sshdLog().slice(from)
  return {
    text,
    connections: (text.match(/Connection from 127\.0\.0\.1 port \d+/g) ?? []).length,
    failedKeys: (text.match(/Failed publickey for /g) ?? []).length,
    tooMany: /Too many authentication failures|maximum authentication attempts exceeded/.test(text),
    accepted: (text.match(/Accepted publickey for /g) ?? []).length,
  }
}

function authorize(...publicKeyFiles: string[]): void {
  fs.writeFileSync(
    path.join(dir, 'authorized_keys'),
    publicKeyFiles.map((file) => fs.readFileSync(`${file}.pub`, 'utf8')).join(''),
  )
}

beforeAll(async () => {
  expect(fs.existsSync(SSHD), 'sshd is needed: apt-get install openssh-server').toBe(true)
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hd-fail2ban-'))
  if (process.getuid?.() === 0) fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 })
  const hostKey = keygen('host_ed25519')
  for (const name of ['agent1', 'agent2', 'agent3', 'agent4']) keys.push(keygen(name))
  outsider = keygen('outsider')
  port = await freePort()
  fs.writeFileSync(
    path.join(dir, 'sshd_config'),
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
      'StrictModes no',
      'MaxAuthTries 2',
      'LogLevel VERBOSE',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'PermitRootLogin prohibit-password',
      `AllowUsers ${me.username}`,
      '',
    ].join('\n'),
  )
  authorize(outsider)
  // -D: stays in the foreground (its PID is ours to stop); -e would go to stderr, -E writes the log.
  sshd = spawn(SSHD, ['-D', '-f', path.join(dir, 'sshd_config'), '-E', log()], { stdio: 'ignore' })
  await until('sshd listening', () => /Server listening on 127\.0\.0\.1 port/.test(sshdLog())).catch(
    (error: Error) => {
      throw new Error(`${error.message}; sshd's log:\n${sshdLog()}`)
    },
  )
  agent = spawn('ssh-agent', ['-D', '-a', agentSocket()], { stdio: 'ignore' })
  await until('ssh-agent socket', () => fs.existsSync(agentSocket()))
  for (const key of keys)
    execFileSync('ssh-add', ['-q', key], {
      env: { ...process.env, SSH_AUTH_SOCK: agentSocket() },
      stdio: 'ignore',
    })
  const listed = execFileSync('ssh-add', ['-l'], { env: { SSH_AUTH_SOCK: agentSocket() }, encoding: 'utf8' })
  expect(listed.trim().split('\n')).toHaveLength(4)
  const hostPublic = fs.readFileSync(`${hostKey}.pub`, 'utf8').split(' ').slice(0, 2).join(' ')
  fs.writeFileSync(path.join(dir, 'known_hosts'), `[127.0.0.1]:${port} ${hostPublic}\n`)
}, 30_000)

afterAll(() => {
  // Only the processes this file started, by their own handles.
  sshd?.kill()
  agent?.kill()
  fs.rmSync(dir, { recursive: true, force: true })
})

function host(overrides: Partial<ResolvedHost> = {}): ResolvedHost {
  return {
    name: 'hv1',
    hostname: '127.0.0.1',
    port,
    user: me.username,
    identityFiles: [],
    identitiesOnly: false,
    fromSshConfig: false,
    migrationAddress: '127.0.0.1',
    ignoredDirectives: [],
    ...overrides,
  }
}

async function withPool<T>(resolved: ResolvedHost, run: (pool: HostPool) => Promise<T>): Promise<T> {
  const pool = new HostPool({
    home: dir, // no ~/.ssh/id_* there: only the agent's keys (and the identity file given) are offered
    keys: new KeyStore(dir, { SSH_AUTH_SOCK: agentSocket() }),
    globalKnownHostsFiles: [],
    onState: () => undefined,
    onHostKeyPrompt: () => undefined,
    onPassphrasePrompt: () => undefined,
    // Short backoff: a wrong "offline" would show as a reconnect within the observation.
    connection: { backoffMs: [200, 400], readyTimeoutMs: 8000 },
  })
  try {
    await pool.configure({ hosts: [resolved], knownHostsFile: path.join(dir, 'known_hosts') })
    return await run(pool)
  } finally {
    await pool.close()
  }
}

describe('authentication against a real sshd with MaxAuthTries 2 and an agent holding 4 keys', () => {
  // The watch for a reconnect loop: with withPool's backoff (200 ms, then 400) a wrong retry would
  // come within 0.2 s, and several within the 2 s watched.
  const observeMs = 2_000
  for (const [label, authorized] of [
    ['none of the agent keys is authorized', () => authorize(outsider)],
    ['only the last agent key is authorized', () => authorize(outsider, keys[3]!)],
  ] as const) {
    it(`${label}: one connection, one failure, a clear message, no reconnect`, async () => {
      authorized()
      const from = sshdLog().length
      await withPool(host(), async (pool) => {
        const connection = pool.get('hv1')
        await until('auth-failed', () => connection.status === 'auth-failed', 10_000)
        // Watch for a reconnect loop: nothing may happen on the app's side or in sshd's log.
        await new Promise((resolve) => setTimeout(resolve, observeMs))
        expect(connection.status).toBe('auth-failed')
        expect(connection.stats.connectAttempts).toBe(1)
        const error = connection.current.error
        expect(error).toMatchObject({
          code: 'host.auth-failed',
          host: 'hv1',
          step: 'connect',
          details: {
            text: 'authDisconnected',
            hintText: 'authManyKeysHint',
            params: { agentKeys: 4, offers: 2, reason: 'Too many authentication failures' },
          },
        })
        expect(error?.message).toBe(
          '127.0.0.1 closed the connection during authentication after 2 key(s) were offered (Too many authentication failures).',
        )
        expect(error?.hint).toMatch(/holds 4 keys .* IdentitiesOnly yes/)
        // The user's explicit retry is the only way to try again (and it is one more connection).
      })
      const server = seen(from)
      expect(server.connections, server.text).toBe(1)
      expect(server.failedKeys, server.text).toBeLessThanOrEqual(2)
      expect(server.tooMany, server.text).toBe(true)
      expect(server.accepted).toBe(0)
    }, 40_000)
  }

  it('with the right identityFile the configured key is offered first, from the agent: no failure at all', async () => {
    authorize(outsider, keys[3]!)
    const from = sshdLog().length
    await withPool(host({ identityFiles: [keys[3]!] }), async (pool) => {
      const connection = pool.get('hv1')
      await until('online', () => connection.status === 'online', 10_000)
      expect(connection.stats.keyOffers).toBe(1)
    })
    const server = seen(from)
    expect(server.failedKeys, server.text).toBe(0)
    expect(server.accepted, server.text).toBe(1)
  }, 30_000)

  it('a cluster file change elsewhere does not try a host whose authentication failed again', async () => {
    authorize(outsider)
    const from = sshdLog().length
    await withPool(host(), async (pool) => {
      await until('auth-failed', () => pool.get('hv1').status === 'auth-failed', 10_000)
      // The same host, plus another one: the failed host keeps waiting for the user.
      await pool.configure(
        {
          hosts: [host(), host({ name: 'hv2', port: 1 })],
          knownHostsFile: path.join(dir, 'known_hosts'),
        },
        true,
      )
      await new Promise((resolve) => setTimeout(resolve, 1500))
      expect(pool.get('hv1').status).toBe('auth-failed')
      expect(pool.get('hv1').stats.connectAttempts).toBe(1)
    })
    expect(seen(from).connections).toBe(1)
  }, 30_000)
})
