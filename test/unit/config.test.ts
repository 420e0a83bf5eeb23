import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parseClusterConfig, type ClusterConfigInput } from '../../src/shared/config'
import { ConfigStore } from '../../src/main/core/config/config-store'
import { resolveHost, sshEnvironment } from '../../src/main/core/config/ssh-config'
import { ApiError } from '../../src/shared/errors'

const validInput: ClusterConfigInput = {
  version: 1,
  name: 'etalab',
  hosts: [
    {
      name: 'ns235513',
      address: 'ns235513.ovh.net',
      migrationAddress: '192.168.0.1',
      gateway: '178.33.236.254',
    },
    {
      name: 'ns235977',
      address: '178.33.237.236',
      migrationAddress: '192.168.0.2',
      gateway: '178.33.237.254',
    },
  ],
}

function problemsOf(input: unknown): string[] {
  const result = parseClusterConfig(input)
  if (result.ok) throw new Error('expected problems')
  return result.problems.map((p) => `${p.field}: ${p.message}`)
}

describe('cluster file schema', () => {
  it('accepts the runbook cluster and fills the defaults', () => {
    const result = parseClusterConfig(validInput)
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.config.ssh).toEqual({ user: 'etalab', useSshConfig: true })
    expect(result.config.ceph).toEqual({ clientId: 'libvirt', monitorTimeoutSeconds: 10 })
    expect(result.config.pools).toEqual(['libvirt-ssd', 'libvirt-sata'])
  })

  it('names the field and the reason of every problem', () => {
    const problems = problemsOf({
      version: 1,
      hosts: [
        { name: 'hv 1', address: '-oProxyCommand=evil' },
        { name: 'hv2', address: '10.0.0.2', port: 70000, gateway: 'not-an-ip', user: 'Root' },
      ],
      pools: ['libvirt-ssd', 'libvirt-ssd'],
    })
    expect(problems).toContain(
      `hosts[0].name: contains " ": only ASCII letters, digits, '.', '_' and '-' are allowed.`,
    )
    expect(problems).toContain('hosts[0].address: must be a host name or an IP address.')
    expect(problems.some((p) => p.startsWith('hosts[1].port:'))).toBe(true)
    expect(problems).toContain('hosts[1].gateway: must be an IPv4 address.')
    expect(problems.some((p) => p.startsWith('hosts[1].user: must be a Unix user name'))).toBe(true)
    expect(problems).toContain('pools[1]: lists the pool libvirt-ssd twice.')
  })

  it('refuses duplicate host names, unknown fields, an empty host list and a wrong version', () => {
    expect(problemsOf({ ...validInput, hosts: [validInput.hosts[0], validInput.hosts[0]] })).toContain(
      'hosts[1].name: repeats the name of hosts[0]: each host needs its own name.',
    )
    expect(problemsOf({ ...validInput, extra: true }).some((p) => p.includes('extra'))).toBe(true)
    expect(problemsOf({ ...validInput, hosts: [] })).toContain('hosts: needs at least one host.')
    expect(problemsOf({ ...validInput, version: 2 }).some((p) => p.startsWith('version:'))).toBe(true)
  })
})

describe('ConfigStore', () => {
  let dir: string
  let file: string
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hd-config-'))
    file = path.join(dir, 'sub', 'cluster.json')
  })
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

  const store = (): ConfigStore =>
    new ConfigStore({ path: file, home: dir, sshConfigPath: path.join(dir, 'ssh_config') })

  it('reports a missing file as a state, and requireConfig says where to fix it', async () => {
    const config = store()
    const state = await config.load()
    expect(state).toMatchObject({ status: 'missing', path: file, problems: [] })
    expect(() => config.requireConfig()).toThrowError(ApiError)
    expect(() => config.requireConfig()).toThrowError(`No cluster file at ${file}`)
  })

  it('reports broken JSON with its line and column', async () => {
    fs.mkdirSync(path.dirname(file))
    fs.writeFileSync(file, '{"version": 1,,}')
    const state = await store().load()
    expect(state.status).toBe('invalid')
    expect(state.problems[0]).toMatchObject({ field: '(file)', line: 1, column: 15 })
    expect(state.problems[0]?.message).toBe('Line 1, column 15: a key between double quotes was expected.')
  })

  it('saves a valid config atomically with mode 0600 and refuses an invalid one, leaving the file alone', async () => {
    const config = store()
    const saved = await config.save(validInput)
    expect(saved.status).toBe('ok')
    expect(fs.statSync(file).mode & 0o777).toBe(0o600)
    const before = fs.readFileSync(file, 'utf8')
    await expect(config.save({ ...validInput, hosts: [{ name: '', address: 'x' }] })).rejects.toMatchObject({
      code: 'config.invalid',
    })
    expect(fs.readFileSync(file, 'utf8')).toBe(before)
    expect(fs.readdirSync(path.dirname(file))).toEqual(['cluster.json'])
  })

  it('applies ~/.ssh/config aliases with cluster-file values taking precedence', async () => {
    fs.writeFileSync(
      path.join(dir, 'ssh_config'),
      [
        'Host ns235513.ovh.net',
        '  HostName 10.1.2.3',
        '  User admin',
        '  Port 2222',
        '  IdentityFile ~/.ssh/id_hv',
        '  IdentitiesOnly yes',
        '  ProxyJump bastion',
        '  ProxyCommand nc %h %p',
        // ssh would run this for the second host (its originalhost matches first): refused, never run.
        'Match originalhost 178.33.237.236 exec "touch ' + path.join(dir, 'exec-ran') + '"',
        '  User hacked',
        'Host *',
        '  IdentityAgent ~/agent.sock',
        '  ServerAliveInterval 15',
      ].join('\n'),
    )
    const config = store()
    await config.save({
      ...validInput,
      hosts: [{ ...validInput.hosts[0], port: 22 }, validInput.hosts[1]],
      ssh: { identityFile: '/keys/cluster' },
    } as ClusterConfigInput)
    const [first, second] = config.current.hosts
    expect(first).toMatchObject({
      name: 'ns235513',
      hostname: '10.1.2.3',
      port: 22,
      user: 'admin',
      identitiesOnly: true,
      proxyJump: 'bastion',
      fromSshConfig: true,
      migrationAddress: '192.168.0.1',
      gateway: '178.33.236.254',
      identityAgent: path.join(dir, 'agent.sock'),
    })
    expect(first?.identityFiles).toEqual([path.join(dir, '.ssh/id_hv'), '/keys/cluster'])
    expect(first?.ignoredDirectives).toEqual(['ProxyCommand'])
    expect(first?.refusal).toBeUndefined()
    expect(second).toMatchObject({ hostname: '178.33.237.236', port: 22, user: 'etalab' })
    expect(second?.refusal).toMatchObject({
      code: 'host.ssh-config',
      details: { text: 'configMatchExec', params: { line: 9, alias: '178.33.237.236' } },
    })
    // Match exec must never run a command from the user's ssh config.
    expect(fs.existsSync(path.join(dir, 'exec-ran'))).toBe(false)
  })

  it('does not read ~/.ssh/config when useSshConfig is false', async () => {
    fs.writeFileSync(path.join(dir, 'ssh_config'), 'Host *\n  User other\n')
    const config = store()
    await config.save({ ...validInput, ssh: { useSshConfig: false } })
    expect(config.current.hosts.map((h) => h.user)).toEqual(['etalab', 'etalab'])
    expect(config.current.hosts.every((h) => !h.fromSshConfig)).toBe(true)
  })
})

describe('ssh_config Include', () => {
  const cluster = parseClusterConfig({ ...validInput, hosts: [{ name: 'a', address: 'a' }] })
  if (!cluster.ok) throw new Error('invalid test cluster')
  const host = (address: string) => ({ name: address, address })

  it('reads included files, relative to ~/.ssh, with globs, where the Include stands', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'hd-home-'))
    fs.mkdirSync(path.join(home, '.ssh', 'conf.d'), { recursive: true })
    const config = path.join(home, '.ssh', 'config')
    fs.writeFileSync(config, 'Include conf.d/*.conf\nHost b\n  User bee\n')
    fs.writeFileSync(path.join(home, '.ssh', 'conf.d', '10-a.conf'), 'Host a\n  User ay\n')
    fs.writeFileSync(path.join(home, '.ssh', 'conf.d', 'skip.txt'), 'Host c\n  User sea\n')
    const env = sshEnvironment(home)
    expect(resolveHost(host('a'), cluster.config, config, env).user).toBe('ay')
    expect(resolveHost(host('b'), cluster.config, config, env).user).toBe('bee')
    expect(resolveHost(host('c'), cluster.config, config, env).user).toBe('etalab')
    fs.rmSync(home, { recursive: true, force: true })
  })

  it('refuses an Include loop instead of hanging', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'hd-home-'))
    fs.mkdirSync(path.join(home, '.ssh'))
    fs.writeFileSync(path.join(home, '.ssh', 'config'), 'Include config\n')
    const resolved = resolveHost(
      host('a'),
      cluster.config,
      path.join(home, '.ssh', 'config'),
      sshEnvironment(home),
    )
    expect(resolved.refusal?.message).toMatch(/Include nested deeper than 16/)
    fs.rmSync(home, { recursive: true, force: true })
  })
})
