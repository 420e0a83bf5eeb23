import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resolveHost } from '../../src/main/core/config/ssh-config'
import { parseClusterConfig, type ClusterConfig } from '../../src/shared/config'
import { CONFIG_PROBLEMS, KNOWN_HOSTS_REASONS, SSH_TEXTS } from '../../src/shared/ssh-texts'
import { configProblemsFr, knownHostsReasonsFr, sshTextsFr } from '../../src/renderer/src/i18n/ssh-texts.fr'
import { expandHome } from '../../src/main/core/paths'
import {
  OPENSSH_DEFAULT_USER_KNOWN_HOSTS,
  readOpenSshConfig,
  splitArguments,
  type OpenSshHost,
  type SshEnvironment,
} from '../../src/main/core/config/openssh-config'

/**
 * The app's reading of ~/.ssh/config held against the real OpenSSH client: for every alias of every
 * fixture in test/fixtures/openssh-config/, `ssh -G -F <fixture> <alias>` (which never connects) must
 * give the same host name, port, user, identity files (as listed, then as expanded), certificate
 * files, known_hosts files, StrictHostKeyChecking, IdentitiesOnly and IdentityAgent. ssh runs with a
 * temporary HOME holding the fixture as ~/.ssh (never the developer's config). OpenSSH 9.2's `ssh -G`
 * prints IdentityFile before expanding it, so the expansion is checked the way its regress test
 * percent.sh checks tokens: the same string given as `-o UserKnownHostsFile=…`, which ssh -G prints
 * expanded by the same function. Aliases listed as "Refused" (Match exec) are never given to ssh.
 */

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'openssh-config')
const SSH = 'ssh'
let sshVersion = ''
let scratch: string

const me = os.userInfo()

function sshG(home: string, config: string, alias: string, extra: string[] = []): Map<string, string[]> {
  const output = execFileSync(SSH, ['-G', '-F', config, ...extra, alias], {
    // A clean environment: HOME is the fixture's home, nothing else of the developer's leaks in.
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, HYPERDESK_TEST_DIR: home },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 10_000,
  })
  const values = new Map<string, string[]>()
  for (const line of output.split('\n')) {
    const space = line.indexOf(' ')
    if (space < 0) continue
    const key = line.slice(0, space)
    values.set(key, [...(values.get(key) ?? []), line.slice(space + 1)])
  }
  return values
}

/** What ssh makes of a path string in UserKnownHostsFile: tilde, %-tokens and ${VAR}. */
function sshExpands(home: string, config: string, alias: string, value: string): string {
  const quoted = `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
  const out = sshG(home, config, alias, ['-o', `UserKnownHostsFile=${quoted}`])
  return out.get('userknownhostsfile')?.[0] ?? '(none)'
}

interface Fixture {
  name: string
  aliases: string[]
  refused: string[]
}

function fixtures(): Fixture[] {
  return fs
    .readdirSync(FIXTURES)
    .sort()
    .map((name) => {
      const text = fs.readFileSync(path.join(FIXTURES, name, 'config'), 'utf8')
      const list = (label: string) =>
        (new RegExp(`^# ${label}:(.*)$`, 'm').exec(text)?.[1] ?? '').trim().split(/\s+/).filter(Boolean)
      expect(text, `${name} names its source`).toMatch(/^# Source: /m)
      return { name, aliases: list('Aliases'), refused: list('Refused') }
    })
}

function install(fixture: string): { home: string; config: string; env: SshEnvironment } {
  const home = fs.mkdtempSync(path.join(scratch, `${fixture}-`))
  fs.cpSync(path.join(FIXTURES, fixture), path.join(home, '.ssh'), { recursive: true })
  fs.chmodSync(path.join(home, '.ssh'), 0o700)
  return {
    home,
    config: path.join(home, '.ssh', 'config'),
    env: {
      home: me.homedir,
      includeHome: home,
      localUser: me.username,
      thisHost: os.hostname(),
      uid: me.uid,
      env: { HYPERDESK_TEST_DIR: home },
    },
  }
}

function cluster(user: string): ClusterConfig {
  const parsed = parseClusterConfig({
    version: 1,
    ssh: { user },
    hosts: [{ name: 'h', address: 'h' }],
  })
  if (!parsed.ok) throw new Error('invalid test cluster')
  return parsed.config
}

const STRICT_G: Record<string, string> = { true: 'yes', false: 'no', ask: 'ask', 'accept-new': 'accept-new' }

function fromSsh(g: Map<string, string[]>) {
  const one = (key: string) => g.get(key)?.[0]
  const list = (key: string) => (one(key) ?? '').split(' ').filter(Boolean)
  return {
    hostname: one('hostname'),
    port: Number(one('port')),
    user: one('user'),
    identityFilesRaw: g.get('identityfile') ?? [],
    // "none": no file at all.
    userKnownHostsFiles: list('userknownhostsfile').filter((file) => file !== 'none'),
    globalKnownHostsFiles: list('globalknownhostsfile'),
    strictHostKeyChecking: STRICT_G[one('stricthostkeychecking') ?? ''],
    identitiesOnly: one('identitiesonly') === 'yes',
    identityAgent: one('identityagent'),
    proxyJump: one('proxyjump'),
  }
}

function fromApp(app: OpenSshHost) {
  return {
    hostname: app.hostname,
    port: app.port,
    user: app.user,
    identityFilesRaw: app.identityFilesRaw,
    userKnownHostsFiles: app.userKnownHostsFiles,
    globalKnownHostsFiles: app.globalKnownHostsFiles,
    strictHostKeyChecking: app.strictHostKeyChecking,
    identitiesOnly: app.identitiesOnly,
    identityAgent: app.identityAgent,
    proxyJump: app.proxyJump,
  }
}

beforeAll(() => {
  try {
    sshVersion = execFileSync(SSH, ['-V'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  } catch (error) {
    // ssh -V writes to stderr.
    sshVersion = String((error as { stderr?: string }).stderr ?? '')
  }
  if (!sshVersion) {
    const result = execFileSync('sh', ['-c', 'ssh -V 2>&1'], { encoding: 'utf8' })
    sshVersion = result
  }
  expect(sshVersion, 'the OpenSSH client is needed: apt-get install openssh-client').toMatch(/OpenSSH_/)
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'hd-openssh-'))
})

afterAll(() => {
  fs.rmSync(scratch, { recursive: true, force: true })
})

describe('~/.ssh/config as `ssh -G` reads it', () => {
  for (const fixture of fixtures()) {
    it(`${fixture.name}: ${fixture.aliases.join(' ') || '(no alias for ssh)'}`, () => {
      const { home, config, env } = install(fixture.name)
      for (const alias of fixture.aliases) {
        const app = readOpenSshConfig([config], alias, env)
        expect(app.refusal, `${fixture.name} ${alias}: ${app.refusal?.message}`).toBeUndefined()
        const g = sshG(home, config, alias)
        expect(fromApp(app), `${fixture.name} ${alias} (${sshVersion.trim()})`).toEqual(fromSsh(g))
        // Expansion: each identity and certificate file as ssh expands it.
        expect(app.identityFiles, `${fixture.name} ${alias} identity files`).toEqual(
          app.identityFilesRaw.map((raw) => sshExpands(home, config, alias, raw)),
        )
        // And what the connection uses (resolveHost: cluster file layered over the config; with the
        // cluster's default user set to the local user, it must be exactly what ssh would use).
        const effective = resolveHost({ name: 'h', address: alias }, cluster(me.username), config, env)
        const ssh = fromSsh(g)
        expect(
          {
            hostname: effective.hostname,
            port: effective.port,
            user: effective.user,
            // Unset: the pool's default, OpenSSH's two files in the home directory.
            userKnownHostsFiles:
              effective.userKnownHostsFiles ??
              OPENSSH_DEFAULT_USER_KNOWN_HOSTS.map((file) => expandHome(file, env.home)),
            identitiesOnly: effective.identitiesOnly,
          },
          `${fixture.name} ${alias} resolved`,
        ).toEqual({
          hostname: ssh.hostname,
          port: ssh.port,
          user: ssh.user,
          userKnownHostsFiles: ssh.userKnownHostsFiles,
          identitiesOnly: ssh.identitiesOnly,
        })
        expect(effective.identityFiles).toEqual(app.defaultIdentityFiles ? [] : app.identityFiles)
        expect(app.certificateFiles.length).toBe((g.get('certificatefile') ?? []).length)
        expect(app.certificateFiles, `${fixture.name} ${alias} certificate files`).toEqual(
          (g.get('certificatefile') ?? []).map((raw) => sshExpands(home, config, alias, raw)),
        )
      }
      for (const alias of fixture.refused) {
        const app = readOpenSshConfig([config], alias, env)
        expect(app.refusal, `${fixture.name} ${alias} is refused`).toBeDefined()
        expect(app.refusal?.message).toMatch(/^\S+ line \d+: |UserKnownHostsFile/)
      }
    })
  }

  it('reads the cfginclude.sh expectations (OpenSSH regress, V_9_2_P1)', () => {
    const { config, env } = install('include-scope')
    const expected: Record<string, string> = {
      a: 'aa',
      b: 'bb',
      c: 'ccc',
      d: 'dd',
      e: 'ee',
      f: 'fff',
      m: 'xxxx',
      n: 'xxxx',
      x: 'x',
    }
    for (const [alias, hostname] of Object.entries(expected))
      expect(readOpenSshConfig([config], alias, env).hostname, alias).toBe(hostname)
    // The Include inside "Host a" applied there only, and its "Host x" did not end that block.
    expect(readOpenSshConfig([config], 'a', env)).toMatchObject({ port: 2401, user: 'after-include' })
    expect(readOpenSshConfig([config], 'x', env)).toMatchObject({ port: 22, user: me.username })
  })

  it('refuses Match exec where OpenSSH would run it, naming the file and line, and never runs it', () => {
    const { config, env, home } = install('match-exec')
    const marker = path.join(home, 'exec-ran')
    fs.appendFileSync(config, `\nMatch originalhost marker exec "touch ${marker}"\n  User x\n`)
    const refused = readOpenSshConfig([config], 'marker', env)
    expect(refused.refusal).toMatchObject({ text: 'configMatchExec', params: { line: 16, alias: 'marker' } })
    expect(refused.refusal?.message).toContain(
      `${config} line 16: "Match exec" would run a command for marker`,
    )
    expect(fs.existsSync(marker)).toBe(false)
    expect(readOpenSshConfig([config], 'guarded', env).refusal?.params).toMatchObject({ line: 7 })
    const inIncluded = install('match-exec-include')
    for (const alias of ['unguarded', 'other'])
      expect(readOpenSshConfig([inIncluded.config], alias, inIncluded.env).refusal).toMatchObject({
        text: 'configMatchExec',
        params: { file: path.join(inIncluded.home, '.ssh', 'exec.conf'), line: 1 },
      })
  })

  it('refuses what OpenSSH refuses, loudly: bad lines, unknown tokens, unset variables, odd Match', () => {
    const dir = fs.mkdtempSync(path.join(scratch, 'bad-'))
    const env: SshEnvironment = {
      home: dir,
      includeHome: dir,
      localUser: 'me',
      thisHost: 'ws.example',
      uid: 1000,
      env: {},
    }
    const cases: [string, RegExp][] = [
      ['Host h\n  Port 0\n', /line 2: bad port "0"/],
      ['Host h\n  Port ssh22\n', /line 2: bad port "ssh22"/],
      ['Host h\n  User\n', /line 2: no argument after User/],
      ['Host h\n  HostName "unbalanced\n', /line 2: unbalanced quotes/],
      ['Host h\n  IdentityFile ~/.ssh/%j\n', /line 2: IdentityFile uses "%j"/],
      ['Host h\n  HostName %r.example\n', /line 2: HostName uses "%r"/],
      ['Host h\n  IdentityFile ${NOPE}/key\n', /line 2: IdentityFile uses \$\{NOPE\}, which is not set/],
      ['Host h\n  IdentityFile ~other/.ssh/key\n', /expands only "~\/"/],
      ['Match localnetwork 10.0.0.0/8\n  User x\n', /"Match localnetwork" is not understood/],
      ['Match host\n  User x\n', /bad Match condition/],
      ['Match all host h\n  User x\n', /bad Match condition/],
      ['Host h\n  StrictHostKeyChecking maybe\n', /StrictHostKeyChecking does not accept "maybe"/],
      ['Host h\n  UserKnownHostsFile a none\n', /UserKnownHostsFile does not accept "none"/],
      ['Host h\n  Include loop\n', /Include nested deeper than 16/],
    ]
    for (const [text, expected] of cases) {
      const file = path.join(dir, '.ssh', 'loop')
      fs.mkdirSync(path.dirname(file), { recursive: true })
      fs.writeFileSync(file, text)
      const refusal = readOpenSshConfig([file], 'h', env).refusal
      expect(refusal?.message, text).toMatch(expected)
      expect(refusal?.hint).toBeTruthy()
    }
  })

  it('reports keywords OpenSSH does not know, unless IgnoreUnknown names them', () => {
    const dir = fs.mkdtempSync(path.join(scratch, 'unknown-'))
    const file = path.join(dir, 'config')
    fs.writeFileSync(
      file,
      'IgnoreUnknown Frobnicate*\nHost h\n  FrobnicateLevel 3\n  Wibble yes\n  UseKeychain yes\n',
    )
    const env: SshEnvironment = {
      home: dir,
      includeHome: dir,
      localUser: 'me',
      thisHost: 'ws',
      uid: 1,
      env: {},
    }
    expect(readOpenSshConfig([file], 'h', env).unknownKeywords).toEqual(['Wibble'])
  })

  it('splits arguments like OpenSSH (quotes, escapes, comments)', () => {
    expect(splitArguments(`a "b c" 'd e' f\\ g h\\"i # comment`)).toEqual(['a', 'b c', 'd e', 'f g', 'h"i'])
    expect(splitArguments('"unbalanced')).toBeUndefined()
  })

  it('has every SSH sentence in French, with the same placeholders', () => {
    const placeholders = (sentence: string) =>
      [...sentence.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort()
    for (const [english, french] of [
      [SSH_TEXTS, sshTextsFr],
      [CONFIG_PROBLEMS, configProblemsFr],
      [KNOWN_HOSTS_REASONS, knownHostsReasonsFr],
    ] as [Record<string, string>, Record<string, string>][]) {
      for (const [key, sentence] of Object.entries(english)) {
        expect(french[key], key).toBeTruthy()
        expect(placeholders(french[key]!), key).toEqual(placeholders(sentence))
      }
    }
  })
})
