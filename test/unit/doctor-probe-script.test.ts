import { spawnSync } from 'node:child_process'
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { parseProbeOutput } from '../../src/main/core/doctor/doctor'
import { CEPH_PROBES, CEPH_VERSION } from '../../src/main/core/doctor/probe-script'
import { SHELL_SECTIONS } from '../../src/main/core/remote/framing'

/**
 * The doctor's Ceph probes run here by sh, with stand-ins: `ceph` and `rbd` CLIs that say they ran,
 * and either the real program under this machine's python3 with fake `rados`/`rbd` modules (a
 * scenario in FAKE_CEPH) or a stand-in python printing chosen answers. What is checked: which probe
 * the one connection answers, with the text the CLI prints, and that everything else (and every
 * error) comes from the CLI. The lab checks the same against real Ceph (core-doctor.test.ts).
 */
const dir = mkdtempSync(path.join(tmpdir(), 'hyperdesk-doctor-probes-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function executable(name: string, text: string): string {
  const file = path.join(dir, name)
  writeFileSync(file, text)
  chmodSync(file, 0o755)
  return file
}
executable('ceph', '#!/bin/sh\necho "cli: ceph $*"\nexit ${CLI_EXIT:-0}\n')
executable('rbd', '#!/bin/sh\necho "cli: rbd $*"\nexit ${CLI_EXIT:-0}\n')
writeFileSync(
  path.join(dir, 'rados.py'),
  `import json, os
scenario = json.loads(os.environ["FAKE_CEPH"])
class Rados:
    def __init__(self, rados_id): self.id = rados_id
    def conf_read_file(self): pass
    def conf_set(self, name, value): pass
    def connect(self):
        if scenario.get("connect") == "refused": raise Exception("[errno 13] RADOS permission denied")
    def mon_command(self, command, inbuf):
        answer = scenario["mon"][json.loads(command)["prefix"]]
        return answer[0], answer[1].encode(), answer[2]
    def open_ioctx(self, pool):
        if pool not in scenario["pools"]: raise Exception("[errno 2] RADOS object not found")
        return pool
    def shutdown(self): pass
`,
)
writeFileSync(
  path.join(dir, 'rbd.py'),
  `from rados import scenario
RBD_FEATURE_MIGRATING = 128
class RBD:
    def list(self, ioctx): return scenario["pools"][ioctx]
class Image:
    def __init__(self, ioctx, name, read_only): self.spec = ioctx + "/" + name
    def __enter__(self): return self
    def __exit__(self, *args): pass
    def watchers_list(self): return scenario["watchers"]
    def features(self): return scenario.get("features", 61)
`,
)

/** The Ceph probes as the script runs them once a keyring is readable, for client libvirt and two pools. */
function probes(env: Record<string, string>) {
  const script = `${SHELL_SECTIONS}\nclient=$1; shift\nt() { timeout -k 2 "$@"; }\nkeyring_ok=1\n${CEPH_PROBES}`
  const ran = spawnSync('sh', ['-c', script, 'probes', 'libvirt', 'ssd', 'sata'], {
    encoding: 'utf8',
    env: { PATH: `${dir}:${process.env['PATH']}`, PYTHONPATH: dir, ...env },
  })
  return parseProbeOutput(ran.stdout)
}

const HEALTHY = {
  mon: {
    health: [0, 'HEALTH_WARN noout flag(s) set\n', ''],
    'auth get': [0, '[client.libvirt]\n\tkey = AQBsecret==\n\tcaps mon = "profile rbd"\n', ''],
  },
  pools: { ssd: ['vm1', 'vm2'], sata: [] },
  watchers: [{ addr: '10.77.0.1:0/2865504230', id: 4141, cookie: 139662337339824 }],
}

describe('the doctor’s Ceph probes over one connection', () => {
  it('answers every probe with the text the CLI prints, never the key, and no CLI runs', () => {
    const sections = probes({ FAKE_CEPH: JSON.stringify(HEALTHY) })
    expect(Object.fromEntries(sections)).toEqual({
      'ceph-health': { output: 'HEALTH_WARN noout flag(s) set', exitCode: 0 },
      'ceph-caps': { output: '[client.libvirt]\n\tcaps mon = "profile rbd"', exitCode: 0 },
      'rbd-ls ssd': { output: 'vm1\nvm2', exitCode: 0 },
      'rbd-ls sata': { output: '', exitCode: 0 },
      'rbd-status': {
        output: 'Watchers:\n\twatcher=10.77.0.1:0/2865504230 client.4141 cookie=139662337339824',
        exitCode: 0,
      },
      'ceph-one-connection': { output: 'health caps ls-0 ls-1 status', exitCode: 0 },
    })
  })

  it('words the monitors’ refusal of the caps as the CLI does; leaves it a pool it cannot open, then the status', () => {
    const scenario = {
      ...HEALTHY,
      mon: { ...HEALTHY.mon, 'auth get': [-13, '', 'access denied'] },
      pools: { sata: ['vm3'] },
      watchers: [],
    }
    const sections = probes({ FAKE_CEPH: JSON.stringify(scenario) })
    // The CLI's main(): `Error <errno name>: <status>` and the errno as its exit code.
    expect(sections.get('ceph-caps')).toEqual({ output: 'Error EACCES: access denied', exitCode: 13 })
    expect(sections.get('rbd-ls ssd')?.output).toMatch(/^cli: rbd --id libvirt .* ls -p ssd$/)
    expect(sections.get('rbd-ls sata')).toEqual({ output: 'vm3', exitCode: 0 })
    // The CLI listed ssd: its first line names the image, so the CLI reads its status too.
    expect(sections.get('rbd-status')?.output).toMatch(/^cli: rbd .* status ssd\/cli: rbd/)
    expect(sections.get('ceph-one-connection')?.output).toBe('health caps-refused ls-1')
  })

  it('says "Watchers: none" as the CLI does, and leaves a migrating image’s status to the CLI', () => {
    const none = probes({ FAKE_CEPH: JSON.stringify({ ...HEALTHY, watchers: [] }) })
    expect(none.get('rbd-status')).toEqual({ output: 'Watchers: none', exitCode: 0 })
    const migrating = probes({ FAKE_CEPH: JSON.stringify({ ...HEALTHY, features: 61 | 128 }) })
    expect(migrating.get('rbd-status')?.output).toMatch(/^cli: rbd .* status ssd\/vm1$/)
  })

  it('gives every probe to the CLI, whose errors are shown, when it cannot connect or has no python', () => {
    const cannot: Record<string, string>[] = [
      { FAKE_CEPH: JSON.stringify({ ...HEALTHY, connect: 'refused' }), CLI_EXIT: '13' },
      { HYPERDESK_DOCTOR_PYTHON: path.join(dir, 'no-python'), CLI_EXIT: '13' },
    ]
    for (const env of cannot) {
      const sections = probes(env)
      expect(sections.get('ceph-health')).toEqual({
        output: 'cli: ceph --id libvirt --connect-timeout 8 health',
        exitCode: 13,
      })
      // A failed health stops there, as before.
      expect(sections.has('ceph-caps')).toBe(false)
      expect(sections.get('ceph-one-connection')?.output).toBe('')
    }
  })

  it('uses only whole answers of a program cut short; the rest goes to the CLI', () => {
    const b64 = (text: string) => Buffer.from(text).toString('base64')
    const cut = executable(
      'cut-python',
      `#!/bin/sh\ncat >/dev/null\necho "@@fast health ${b64('HEALTH_OK\n')} ."\nprintf '@@fast caps ${b64('[client.libvirt]\n')}'\nexit 124\n`,
    )
    const sections = probes({ HYPERDESK_DOCTOR_PYTHON: cut })
    expect(sections.get('ceph-health')).toEqual({ output: 'HEALTH_OK', exitCode: 0 })
    expect(sections.get('ceph-caps')?.output).toMatch(/^cli: ceph .* auth get client\.libvirt$/)
    expect(sections.get('rbd-ls ssd')?.output).toMatch(/^cli: rbd /)
    expect(sections.get('ceph-one-connection')?.output).toBe('health')
  })

  it('leaves the caps to the CLI when a refusal carries no exit code', () => {
    const b64 = (text: string) => Buffer.from(text).toString('base64')
    const odd = executable(
      'odd-python',
      `#!/bin/sh
cat >/dev/null
echo "@@fast caps-refused ${b64('EACCES\nError EACCES: access denied\n')} ."
`,
    )
    const sections = probes({ HYPERDESK_DOCTOR_PYTHON: odd })
    expect(sections.get('ceph-caps')?.output).toMatch(/^cli: ceph .* auth get client\.libvirt$/)
    expect(sections.get('ceph-one-connection')?.output).toBe('')
  })
})

describe('the Ceph CLI’s version', () => {
  function version(cli: string) {
    const bin = mkdtempSync(path.join(dir, 'bin-'))
    writeFileSync(path.join(bin, 'ceph'), cli)
    chmodSync(path.join(bin, 'ceph'), 0o755)
    return spawnSync('sh', ['-c', `${CEPH_VERSION}\nceph_version`], {
      encoding: 'utf8',
      env: { PATH: `${bin}:${process.env['PATH']}` },
    }).stdout
  }

  it('is read from the constants the CLI prints, with its format, without starting it', () => {
    // The head and the --version branch of Pacific 16.2.15's /usr/bin/ceph (ceph.in); running it fails.
    const pacific = [
      '#!/bin/sh',
      'exit 1',
      'CEPH_GIT_VER = "618f440892089921c3e944a991122ddc44e60516"',
      'CEPH_GIT_NICE_VER = "16.2.15"',
      'CEPH_RELEASE = "16"',
      'CEPH_RELEASE_NAME = "pacific"',
      'CEPH_RELEASE_TYPE = "stable"',
      '    if parsed_args.version:',
      "        print('ceph version {0} ({1}) {2} ({3})'.format(",
    ].join('\n')
    expect(version(pacific)).toBe(
      'ceph version 16.2.15 (618f440892089921c3e944a991122ddc44e60516) pacific (stable)\n',
    )
  })

  it('asks the CLI when its file does not hold them (or prints another format)', () => {
    expect(version('#!/bin/sh\necho "ceph version 12.2.13 (own words) luminous (stable)"\n')).toBe(
      'ceph version 12.2.13 (own words) luminous (stable)\n',
    )
    const otherFormat =
      '#!/bin/sh\necho asked\nexit 0\nCEPH_GIT_VER = "a"\nCEPH_GIT_NICE_VER = "1"\nCEPH_RELEASE_NAME = "x"\nCEPH_RELEASE_TYPE = "y"\n'
    expect(version(otherFormat)).toBe('asked\n')
  })
})
