import { msg } from '../../src/shared/messages/message'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ConfigStore } from '../../src/main/core/config/config-store'
import { sshConfigHosts, sshEnvironment } from '../../src/main/core/config/ssh-config'
import { coreOf, type Core } from '../../src/main/core/core'
import { wireCore } from '../../src/main/core/wiring'
import { parseClusterConfig, type ClusterConfigInput } from '../../src/shared/config'
import type { ConfigState, SshConfigImport } from '../../src/shared/contract'
import {
  draftFromConfig,
  draftProblems,
  emptyDraft,
  emptyHost,
  toConfig,
  withImported,
} from '../../src/renderer/src/features/config/cluster-draft'

/**
 * The first run's core half (issue 21 item 2): the cluster file written validated, atomically, the
 * previous one kept; the ~/.ssh/config import read by the app's own reader (held against `ssh -G`);
 * hosts removed only when nothing runs on them; and the README's example still a valid cluster file.
 */

const cluster = (hosts: ClusterConfigInput['hosts']): ClusterConfigInput => ({
  version: 1,
  name: 'lab',
  ssh: { user: 'etalab', useSshConfig: false },
  hosts,
})
const hv = (n: number) => ({
  name: `hv${n}`,
  address: '127.0.0.1',
  port: 1,
  migrationAddress: `10.77.2.${n}`,
  gateway: '10.77.1.254',
})

let dir: string
let file: string
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hd-setup-'))
  file = path.join(dir, 'config', 'cluster.json')
})
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

describe('writing the cluster file', () => {
  const store = () => new ConfigStore({ path: file, home: dir, sshConfigPath: path.join(dir, 'none') })

  it('writes a first file with no previous one, then keeps the file each save replaces', async () => {
    const config = store()
    const first = await config.save(cluster([hv(1)]))
    expect(first.status).toBe('ok')
    expect(first.previousPath).toBeUndefined()
    expect(fs.readdirSync(path.dirname(file))).toEqual(['cluster.json'])
    const firstText = fs.readFileSync(file, 'utf8')

    const second = await config.save(cluster([hv(1), hv(2)]))
    expect(second.hosts.map((host) => host.name)).toEqual(['hv1', 'hv2'])
    expect(second.previousPath).toBe(`${file}.previous`)
    expect(fs.readFileSync(`${file}.previous`, 'utf8')).toBe(firstText)
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).hosts).toHaveLength(2)
    // Nothing else beside it: no temporary file left behind.
    expect(fs.readdirSync(path.dirname(file)).sort()).toEqual(['cluster.json', 'cluster.json.previous'])
    expect(fs.statSync(file).mode & 0o777).toBe(0o600)
  })

  it('refuses an invalid file with every problem and its field, touching neither file', async () => {
    const config = store()
    await config.save(cluster([hv(1)]))
    await config.save(cluster([hv(1), hv(2)]))
    const current = fs.readFileSync(file, 'utf8')
    const previous = fs.readFileSync(`${file}.previous`, 'utf8')
    const broken = cluster([hv(1), { ...hv(1), address: '-oProxyCommand=x', gateway: '10.77.1' }])
    const refusal = await config.save(broken).catch((error: unknown) => error)
    expect(refusal).toMatchObject({ code: 'config.invalid' })
    const fields = ((refusal as { details: { problems: { field: string }[] } }).details.problems ?? []).map(
      (problem) => problem.field,
    )
    expect(fields).toEqual(expect.arrayContaining(['hosts[1].address', 'hosts[1].gateway', 'hosts[1].name']))
    expect(fs.readFileSync(file, 'utf8')).toBe(current)
    expect(fs.readFileSync(`${file}.previous`, 'utf8')).toBe(previous)
  })

  it("keeps the README's example a valid cluster file", () => {
    const readme = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8')
    const section = readme.slice(readme.indexOf('## The cluster file'))
    const json = /```json\n([\s\S]*?)```/.exec(section)?.[1]
    expect(json).toBeDefined()
    const parsed = parseClusterConfig(JSON.parse(json ?? ''))
    expect(parsed.ok ? parsed.config.hosts.map((host) => host.name) : parsed.problems).toEqual([
      'ns235513',
      'ns235977',
      'ns236004',
    ])
  })
})

describe('importing hosts from ~/.ssh/config', () => {
  function sshG(home: string, config: string, alias: string): Map<string, string> {
    const output = execFileSync('ssh', ['-G', '-F', config, alias], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 10_000,
    })
    return new Map(
      output
        .split('\n')
        .filter((line) => line.includes(' '))
        .map((line) => [line.slice(0, line.indexOf(' ')), line.slice(line.indexOf(' ') + 1)]),
    )
  }

  function writeSshConfig(): string {
    const ssh = path.join(dir, '.ssh')
    fs.mkdirSync(path.join(ssh, 'conf.d'), { recursive: true })
    const config = path.join(ssh, 'config')
    fs.writeFileSync(
      config,
      [
        'Host hv1 hv1.lab',
        '  HostName 10.77.1.1',
        '  IdentityFile ~/.ssh/id_lab',
        'Include conf.d/*.conf',
        'Host *.lab !hv3.lab',
        '  Port 2222',
        'Host *',
        '  User etalab',
        '',
      ].join('\n'),
    )
    fs.writeFileSync(
      path.join(ssh, 'conf.d', 'lab.conf'),
      ['Host hv2.lab', '  HostName 10.77.1.2', 'Host hôte9', '  HostName 10.77.1.9', ''].join('\n'),
    )
    return config
  }

  it('lists the named hosts (patterns left out), each as ssh -G resolves it', () => {
    const config = writeSshConfig()
    const found = sshConfigHosts(config, sshEnvironment(dir, { HOME: dir }))
    expect(found.problem).toBeUndefined()
    expect(found.hosts.map((host) => [host.alias, host.name, path.basename(host.file), host.line])).toEqual([
      ['hv1', 'hv1', 'config', 1],
      ['hv1.lab', 'hv1', 'config', 1],
      ['hv2.lab', 'hv2', 'lab.conf', 1],
      ['hôte9', undefined, 'lab.conf', 3],
    ])
    for (const host of found.hosts) {
      const ssh = sshG(dir, config, host.alias)
      expect([host.hostname, String(host.port), host.user]).toEqual([
        ssh.get('hostname'),
        ssh.get('port'),
        ssh.get('user'),
      ])
    }
    expect(found.hosts[0]?.identityFiles).toEqual([path.join(dir, '.ssh/id_lab')])
    expect(found.hosts[2]?.identityFiles).toEqual([])
  })

  it('says why there is nothing to import: no file, only patterns, a file ssh refuses', () => {
    const env = sshEnvironment(dir, { HOME: dir })
    const missing = path.join(dir, 'absent')
    expect(sshConfigHosts(missing, env)).toEqual({
      file: missing,
      hosts: [],
      problem: { code: 'clusterFile.sshConfigMissing', params: { file: missing } },
    })
    const patterns = path.join(dir, 'patterns')
    fs.writeFileSync(patterns, 'Host *\n  User etalab\n')
    expect(sshConfigHosts(patterns, env).problem).toEqual({
      code: 'clusterFile.sshConfigEmpty',
      params: { file: patterns },
    })
    const loop = path.join(dir, '.ssh', 'config')
    fs.mkdirSync(path.dirname(loop))
    fs.writeFileSync(loop, 'Host a\nInclude config\n')
    expect(sshConfigHosts(loop, env).refusal).toMatchObject({
      code: 'host.ssh-config',
      details: { text: 'configIncludeLoop' },
    })
  })

  it('is what the core answers to config.sshConfigHosts (from the core home)', async () => {
    const config = writeSshConfig()
    const wired = await wireCore({ configPath: file, home: dir, sshConfigPath: config, version: 'test' })
    const core = coreOf(wired)
    try {
      const found = (await core.call('config.sshConfigHosts', {})) as SshConfigImport
      expect(found.hosts.map((host) => host.alias)).toEqual(['hv1', 'hv1.lab', 'hv2.lab', 'hôte9'])
    } finally {
      await core.close()
    }
  })
})

describe('editing the hosts while the app runs', () => {
  let core: Core
  let wired: Awaited<ReturnType<typeof wireCore>>
  beforeEach(async () => {
    wired = await wireCore({ configPath: file, home: dir, version: 'test', autoConnect: false })
    core = coreOf(wired)
  })
  afterEach(async () => core.close())

  const save = (input: ClusterConfigInput) =>
    core.call('config.save', { config: input }) as Promise<ConfigState>
  const hostNames = async () =>
    ((await core.call('hosts.list', {})) as { name: string }[]).map((host) => host.name).sort()

  it('adds and removes hosts without a restart', async () => {
    expect(await hostNames()).toEqual([])
    await save(cluster([hv(1), hv(2)]))
    await expect.poll(hostNames).toEqual(['hv1', 'hv2'])
    await save(cluster([hv(1), hv(2), hv(3)]))
    await expect.poll(hostNames).toEqual(['hv1', 'hv2', 'hv3'])
    await save(cluster([hv(1), hv(3)]))
    await expect.poll(hostNames).toEqual(['hv1', 'hv3'])
  })

  it('refuses to remove a host a job is running on, in a message, and leaves the file as it was', async () => {
    await save(cluster([hv(1), hv(2)]))
    const before = fs.readFileSync(file, 'utf8')
    let finish = () => {}
    const { done } = wired.context.jobs.start({
      kind: 'maintenance',
      title: msg('common.untranslated', { text: 'Maintenance of hv2' }),
      target: { host: 'hv2' },
      run: () => new Promise<void>((resolve) => (finish = resolve)),
    })
    const refusal = await save(cluster([hv(1)])).catch((error: unknown) => error)
    expect(refusal).toMatchObject({
      code: 'config.host-busy',
      host: 'hv2',
      text: { code: 'clusterFile.hostBusy', params: { host: 'hv2', job: 'Maintenance of hv2' } },
      hintText: { code: 'clusterFile.removeHint' },
    })
    expect(fs.readFileSync(file, 'utf8')).toBe(before)
    expect(await hostNames()).toEqual(['hv1', 'hv2'])
    // Another host can still be added meanwhile, and hv2 can go once its job has ended.
    await save(cluster([hv(1), hv(2), hv(3)]))
    finish()
    await done
    await save(cluster([hv(1), hv(3)]))
    await expect.poll(hostNames).toEqual(['hv1', 'hv3'])
  })
})

describe("the form's draft of the cluster file", () => {
  it('writes back what the form does not show, and leaves out empty optional fields', () => {
    const parsed = parseClusterConfig({
      ...cluster([{ ...hv(1), user: 'admin', identityFile: '~/.ssh/hv1' }, hv(2)]),
      ssh: { user: 'etalab', knownHostsFile: '~/.ssh/cluster_known_hosts' },
      ceph: { clientId: 'libvirt', privilegedSudo: true },
      maintenance: { rebootCommand: ['sudo', '-n', '/sbin/reboot'] },
      guestKeyboardLayout: 'us',
    })
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems))
    const draft = draftFromConfig(parsed.config)
    expect(draft.auth).toBe('agent')
    // The guests' layout is shown in the form and written back.
    expect(draft.guestKeyboardLayout).toBe('us')
    expect(toConfig({ ...draft, guestKeyboardLayout: 'fr' }).guestKeyboardLayout).toBe('fr')
    const again = parseClusterConfig(toConfig(draft))
    expect(again).toEqual(parsed)

    const edited = { ...draft, hosts: [...draft.hosts, { ...emptyHost(), name: 'hv3', address: 'hv3' }] }
    expect(toConfig(edited).hosts[2]).toEqual({ name: 'hv3', address: 'hv3' })
    expect(draftProblems(edited)).toEqual([])
    expect(draftProblems({ ...edited, pools: ' , ', auth: 'key', keyFile: 'relative/key' })).toEqual([
      {
        field: 'ssh.identityFile',
        message: 'must be an absolute path or start with ~/.',
        text: { code: 'clusterFile.notAbsolutePath' },
      },
      { field: 'pools', message: 'needs at least one item.', text: { code: 'clusterFile.needsItem' } },
    ])
  })

  it('adds imported hosts by alias, replacing the blank first row and skipping names already there', () => {
    const picked = [
      {
        alias: 'hv1.lab',
        name: 'hv1',
        hostname: '10.77.11.1',
        port: 22,
        user: 'etalab',
        identityFiles: [],
        file: 'c',
        line: 1,
      },
      {
        alias: 'hôte9',
        hostname: '10.77.1.9',
        port: 22,
        user: 'etalab',
        identityFiles: [],
        file: 'c',
        line: 4,
      },
    ]
    const first = withImported({ ...emptyDraft(), useSshConfig: false }, picked)
    expect(first.useSshConfig).toBe(true)
    expect(first.hosts.map((host) => [host.name, host.address])).toEqual([
      ['hv1', 'hv1.lab'],
      ['', 'hôte9'],
    ])
    expect(withImported(first, picked.slice(0, 1)).hosts).toHaveLength(2)
  })
})
