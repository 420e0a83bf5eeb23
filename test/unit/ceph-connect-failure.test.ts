/**
 * Reading a failed Ceph tool's output (src/main/core/ceph/connect-failure.ts) on what Ceph 16.2.15
 * really printed in the lab (test/unit/fixtures/ceph/pacific/connect-failure, see SOURCES.md), with
 * and without librados' log lines, which its log thread can fail to write before a tool exits; and
 * the errors the maintenance, fencing, lease and storage paths make of it.
 */
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ApiError, commandStep } from '../../src/shared/errors'
import { englishLine, englishText } from '../../src/shared/messages'
import {
  cephCaller,
  connectFailure,
  connectFailureError,
  couldNotConnect,
  rbdSaysNotFound,
  type ConnectFailureKind,
} from '../../src/main/core/ceph/connect-failure'
import { runPrivileged } from '../../src/main/core/ceph/privileged'
import { Blocklist } from '../../src/main/core/ceph/blocklist'
import { ClusterLease } from '../../src/main/core/lease/cluster-lease'
import type { RemoteResult, RemoteRunner } from '../../src/main/core/remote/runner'
import { explainCephFailure } from '../../src/main/core/storage/rbd-host'

const dir = path.join(__dirname, 'fixtures', 'ceph', 'pacific', 'connect-failure')

/** A recorded stderr and its exit status (in the file name). */
function recorded(name: string): { stderr: string; exitCode: number } {
  const exitCode = Number(/\.exit(\d+)\.stderr$/.exec(name)?.[1])
  return { stderr: readFileSync(path.join(dir, name), 'utf8'), exitCode }
}

/** The same output as printed when librados' log thread had not run: its timestamped lines gone. */
function withoutLogLines(stderr: string): string {
  return stderr.replace(/^\d{4}-\d\d-\d\dT\S+ [0-9a-f]+ -?\d+ .*\n/gm, '')
}

type Kind = ConnectFailureKind | undefined
/**
 * Every recorded file: what it reads as, with librados' log lines and without them. Without them
 * a cause is only as certain as the tool's own line: rbd's exit status and the ceph CLI's errno
 * keep ENOENT, EACCES and ETIMEDOUT apart, rados's "failed to fetch mon config" keeps nothing.
 */
const READS: Record<string, [Kind, Kind]> = {
  'keyring-off.rbd-ls.exit2.stderr': ['keyring', 'keyring-or-config'],
  'keyring-off.rbd-info.exit2.stderr': ['keyring', 'keyring-or-config'],
  'keyring-off.ceph-s.exit1.stderr': ['keyring', 'keyring-or-config'],
  'keyring-off.rados-lock-info.exit1.stderr': ['keyring', 'unknown'],
  // No ceph.conf: the tools say so themselves ("did not load config file", the CLI's conf_read_file).
  'conf-off.ceph-s.exit1.stderr': ['config-missing', 'config-missing'],
  'conf-off.rados-lock-info.exit1.stderr': ['config-missing', 'config-missing'],
  'conf-off.rbd-info.exit2.stderr': ['config-missing', 'config-missing'],
  'conf-off.rbd-ls.exit2.stderr': ['config-missing', 'config-missing'],
  // The maintenance and fencing clients' keyrings hidden (their own ids, their own files).
  'maint-keyring-off.ceph-ok-to-stop.exit1.stderr': ['keyring', 'keyring-or-config'],
  'fence-keyring-off.ceph-blocklist-ls.exit1.stderr': ['keyring', 'keyring-or-config'],
  // A ceph.conf the user cannot read: Ceph says "can't open ceph.conf: (2)", as if it were missing.
  'conf-unreadable.ceph-s.exit1.stderr': ['config-missing', 'config-missing'],
  'conf-unreadable.rados-lock-info.exit1.stderr': ['config-missing', 'config-missing'],
  'conf-unreadable.rbd-ls.exit2.stderr': ['config-missing', 'config-missing'],
  // ceph.conf without mon_host: rbd and rados say so; the ceph CLI waits, then says "timed out".
  'no-mon-host.ceph-s.exit1.stderr': ['unreachable', 'unreachable'],
  'no-mon-host.rados-lock-info.exit1.stderr': ['no-monitor', 'no-monitor'],
  'no-mon-host.rbd-ls.exit2.stderr': ['no-monitor', 'no-monitor'],
  // A wrong key, and a client Ceph does not have: the same refusal (EACCES when connecting).
  'wrong-key.ceph-s.exit13.stderr': ['key-refused', 'key-refused'],
  'wrong-key.rbd-ls.exit13.stderr': ['key-refused', 'key-refused'],
  'wrong-key.rados-lock-info.exit1.stderr': ['key-refused', 'unknown'],
  'unknown-client.ceph-s.exit13.stderr': ['key-refused', 'key-refused'],
  'unknown-client.rbd-ls.exit13.stderr': ['key-refused', 'key-refused'],
  // The monitor stopped: ceph says "timed out", rbd exits 110, rados says nothing more.
  'mon-down.ceph-s.exit1.stderr': ['unreachable', 'unreachable'],
  'mon-down.rbd-ls.exit110.stderr': ['unreachable', 'unreachable'],
  'mon-down.rados-lock-info.exit1.stderr': ['unknown', 'unknown'],
  // The operation's own ENOENT, after connecting.
  'image-missing.rbd-info.exit2.stderr': [undefined, undefined],
  'object-missing.rados-lock-break.exit1.stderr': [undefined, undefined],
}

describe('why a Ceph tool could not connect, on the lab’s recorded outputs', () => {
  it('reads every recorded file (none left out of the table)', () => {
    const files = readdirSync(dir).filter((name) => name.endsWith('.stderr'))
    expect(files.sort()).toEqual(Object.keys(READS).sort())
  })

  it.each(Object.entries(READS))('%s', (name, [full, bare]) => {
    const { stderr, exitCode } = recorded(name)
    expect(connectFailure(stderr, exitCode)?.kind).toBe(full)
    expect(connectFailure(withoutLogLines(stderr), exitCode)?.kind).toBe(bare)
    expect(couldNotConnect(stderr)).toBe(full !== undefined)
  })

  it('the ceph CLI’s line exactly as a CI run got it, alone: ENOENT, the keyring or ceph.conf', () => {
    expect(connectFailure('[errno 2] RADOS object not found (error connecting to the cluster)\n', 1)).toEqual(
      {
        kind: 'keyring-or-config',
        toolLine: '[errno 2] RADOS object not found (error connecting to the cluster)',
      },
    )
  })

  it('names the keyring librados looked for first', () => {
    const { stderr, exitCode } = recorded('keyring-off.rbd-info.exit2.stderr')
    expect(connectFailure(stderr, exitCode)).toEqual({
      kind: 'keyring',
      keyring: '/etc/ceph/ceph.client.libvirt.keyring',
      toolLine: "rbd: couldn't connect to the cluster!",
    })
  })
})

describe('rbd’s own "not found"', () => {
  it('is an image missing, not a connect failure’s ENOENT (keyring or ceph.conf gone)', () => {
    expect(rbdSaysNotFound(recorded('image-missing.rbd-info.exit2.stderr').stderr)).toBe(true)
    for (const name of Object.keys(READS).filter(
      (file) => /\.rbd-/.test(file) && !file.startsWith('image-'),
    )) {
      const { stderr } = recorded(name)
      expect(rbdSaysNotFound(stderr)).toBe(false)
      expect(rbdSaysNotFound(withoutLogLines(stderr))).toBe(false)
    }
  })
})

describe('who ran: the tool and the Ceph client, from the argv the app built', () => {
  it.each([
    [
      ['ceph', '--id', 'libvirt', '--connect-timeout', '10', 'status'],
      { tool: 'ceph', client: 'client.libvirt' },
    ],
    [
      ['ceph', '--id', 'hyperdesk-maint', '--connect-timeout', '10', 'osd', 'set', 'noout'],
      { tool: 'ceph', client: 'client.hyperdesk-maint' },
    ],
    [
      ['sudo', '-n', '/usr/bin/ceph', '--connect-timeout', '10', 'osd', 'set', 'noout'],
      { tool: 'ceph', client: 'client.admin' },
    ],
    [['rbd', '--id', 'libvirt', 'ls', 'p'], { tool: 'rbd', client: 'client.libvirt' }],
    [
      ['rados', '--id', 'libvirt', '-p', 'p', 'lock', 'info', 'o', 'n'],
      { tool: 'rados', client: 'client.libvirt' },
    ],
    [['virsh', 'list'], undefined],
    [['sudo', '-n', '-l', '/usr/bin/ceph'], undefined],
  ] as const)('%j', (argv, expected) => {
    expect(cephCaller(argv)).toEqual(expected)
  })
})

describe('the error a connect failure becomes', () => {
  const call = (name: string, client = 'client.libvirt', tool: 'ceph' | 'rbd' | 'rados' = 'rbd') => {
    const { stderr, exitCode } = recorded(name)
    return connectFailureError({ host: 'hv3', tool, client, stderr, exitCode })
  }

  it('a missing keyring: the host, the client, the file, and how to put it back; the tool’s line as detail', () => {
    const error = call('keyring-off.rbd-info.exit2.stderr')
    expect(error).toMatchObject({ code: 'ceph.no-keyring', host: 'hv3' })
    expect(error?.text).toEqual({
      code: 'cephErrors.connectNoKeyring',
      params: {
        tool: 'rbd',
        host: 'hv3',
        client: 'client.libvirt',
        keyring: '/etc/ceph/ceph.client.libvirt.keyring',
        conf: '/etc/ceph/ceph.conf',
      },
      detail: "rbd: couldn't connect to the cluster!",
    })
    expect(englishLine(error!.text!)).toContain(
      'rbd could not connect to Ceph on hv3: there is no keyring for client.libvirt that it can read (/etc/ceph/ceph.client.libvirt.keyring).',
    )
    // librados' log stays in the details (the logs), not in what the window shows.
    expect(error?.details?.stderr).toContain('auth: unable to find a keyring')
    expect(englishText(error!.hintText!)).toContain(
      'ceph auth get client.libvirt -o /etc/ceph/ceph.client.libvirt.keyring',
    )
  })

  it('no ceph.conf: says the file and that the monitors are unknown', () => {
    const error = call('conf-off.ceph-s.exit1.stderr', 'client.libvirt', 'ceph')
    expect(error).toMatchObject({ code: 'ceph.no-config', host: 'hv3' })
    expect(englishLine(error!.text!)).toContain('/etc/ceph/ceph.conf is missing there')
  })

  it('leaves an operation’s own failure alone', () => {
    expect(call('image-missing.rbd-info.exit2.stderr')).toBeUndefined()
    expect(call('object-missing.rados-lock-break.exit1.stderr', 'client.libvirt', 'rados')).toBeUndefined()
  })
})

/** A runner whose every command exits as recorded. */
function recordedRunner(name: string, argvs: string[][] = []): RemoteRunner {
  const { stderr, exitCode } = recorded(name)
  return {
    run: async (_host: string, argv: readonly string[]): Promise<RemoteResult> => {
      argvs.push([...argv])
      return { stdout: '', stderr, exitCode, durationMs: 1 }
    },
  } as unknown as RemoteRunner
}

describe('the paths that run Ceph and show its failure', () => {
  const settings = {
    clientId: 'libvirt',
    monitorTimeoutSeconds: 8,
    user: 'etalab',
  }

  it('storage (rbd): explainCephFailure says the keyring, or both files when only rbd’s line is left', () => {
    const { stderr, exitCode } = recorded('keyring-off.rbd-info.exit2.stderr')
    const failure = (said: string) =>
      new ApiError({
        code: 'remote.failed',
        message: 'rbd info failed',
        host: 'hv3',
        details: { stderr: said, exitCode },
      })
    expect(explainCephFailure(failure(stderr), 'hv3', 'libvirt').text?.code).toBe(
      'cephErrors.connectNoKeyring',
    )
    const either = explainCephFailure(failure(withoutLogLines(stderr)), 'hv3', 'libvirt')
    expect(either).toMatchObject({ code: 'ceph.no-keyring', host: 'hv3' })
    expect(either.text?.code).toBe('cephErrors.connectNoKeyringOrConfig')
    expect(either.message).toContain('/etc/ceph/ceph.client.libvirt.keyring')
    expect(either.message).toContain('/etc/ceph/ceph.conf')
    const image = recorded('image-missing.rbd-info.exit2.stderr')
    const notFound = failure(image.stderr)
    expect(explainCephFailure(notFound, 'hv3', 'libvirt')).toBe(notFound)
  })

  it('maintenance (privileged client): its own keyring gone is said with its own id and file, not as caps', async () => {
    const argvs: string[][] = []
    const runner = recordedRunner('maint-keyring-off.ceph-ok-to-stop.exit1.stderr', argvs)
    const error = await runPrivileged(
      runner,
      'hv3',
      { ...settings, privilegedClientId: 'hyperdesk-maint' },
      ['osd', 'ok-to-stop', '3', '--format', 'json'],
      { step: commandStep('ceph osd ok-to-stop 3'), allowFailure: true },
    ).catch((e: unknown) => ApiError.from(e))
    expect(argvs[0]?.slice(0, 3)).toEqual(['ceph', '--id', 'hyperdesk-maint'])
    expect(error).toMatchObject({ code: 'ceph.no-keyring', host: 'hv3' })
    expect((error as ApiError).text).toMatchObject({
      code: 'cephErrors.connectNoKeyring',
      params: {
        tool: 'ceph',
        client: 'client.hyperdesk-maint',
        keyring: '/etc/ceph/ceph.client.hyperdesk-maint.keyring',
      },
      detail: '[errno 2] RADOS object not found (error connecting to the cluster)',
    })
    expect((error as ApiError).stepText).toEqual(commandStep('ceph osd ok-to-stop 3'))
  })

  it('maintenance: a key the monitors refuse (exit 13) is the key, not missing caps', async () => {
    const error = await runPrivileged(
      recordedRunner('wrong-key.ceph-s.exit13.stderr'),
      'hv3',
      { ...settings, privilegedClientId: 'hyperdesk-maint' },
      ['osd', 'set', 'noout'],
      { step: commandStep('ceph osd set noout') },
    ).catch((e: unknown) => ApiError.from(e))
    expect(error).toMatchObject({ code: 'ceph.key-refused', host: 'hv3' })
    expect((error as ApiError).message).toContain(
      'The Ceph monitors refused client.hyperdesk-maint from hv3 (permission denied when connecting)',
    )
    expect((error as ApiError).hint).toContain('ceph auth get client.hyperdesk-maint')
  })

  it('fencing: the fencing client’s keyring gone, with its id and file', async () => {
    const blocklist = new Blocklist(
      recordedRunner('fence-keyring-off.ceph-blocklist-ls.exit1.stderr'),
      () => ({
        ...settings,
        fenceClientId: 'hyperdesk-fence',
      }),
    )
    const error = await blocklist
      .add('hv3', '10.77.0.1:0/3358795907', 604800)
      .catch((e: unknown) => ApiError.from(e))
    expect(error).toMatchObject({ code: 'ceph.no-keyring', host: 'hv3' })
    expect((error as ApiError).text).toMatchObject({
      code: 'cephErrors.connectNoKeyring',
      params: { client: 'client.hyperdesk-fence', keyring: '/etc/ceph/ceph.client.hyperdesk-fence.keyring' },
    })
  })

  it('monitors that never answered are a timeout (not worth asking another host), naming the client', () => {
    const { stderr, exitCode } = recorded('mon-down.ceph-s.exit1.stderr')
    const error = connectFailureError({
      host: 'hv1',
      tool: 'ceph',
      client: 'client.libvirt',
      stderr,
      exitCode,
    })
    expect(error).toMatchObject({ code: 'remote.timeout', host: 'hv1' })
    expect(error?.message).toContain(
      'ceph on hv1 got no answer from the Ceph monitors (as client.libvirt): they are down, or hv1 cannot reach them.',
    )
  })

  it('the cluster lease (rados): a connect failure is said as such, never "no such lock"', async () => {
    const lease = new ClusterLease({
      runner: recordedRunner('keyring-off.rados-lock-info.exit1.stderr'),
      hosts: () => ['hv3'],
      pool: () => 'libvirt-sata',
      ceph: () => ({ clientId: 'libvirt', monitorTimeoutSeconds: 8 }),
      holder: () => 'root@desk',
      audit: async () => undefined,
    })
    const error = await lease
      .holders('vm:1ab0c0de-0000-4000-8000-000000000001')
      .catch((e: unknown) => ApiError.from(e))
    expect(error).toMatchObject({ code: 'lease.unavailable', host: 'hv3' })
    expect((error as ApiError).text).toMatchObject({
      code: 'cephErrors.connectNoKeyring',
      params: { tool: 'rados', client: 'client.libvirt', host: 'hv3' },
      detail: 'failed to fetch mon config (--no-mon-config to skip)',
    })
  })
})
