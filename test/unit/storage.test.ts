import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { RemoteRunner } from '../../src/main/core/remote/runner'
import { unknownHosts, unreadableDefinitions, usersByImage } from '../../src/main/core/storage/image-users'
import { safetySnapshotName } from '../../src/main/core/storage/operations'
import { explainCephFailure, pickRbdHost, rbdWithProgress } from '../../src/main/core/storage/rbd-host'
import { ApiError } from '../../src/shared/errors'
import { msg, type Message } from '../../src/shared/messages/message'
import type { HostState } from '../../src/shared/hosts'
import type { DomainOnHost, HostInventory } from '../../src/shared/inventory'
import { buildVms } from '../../src/main/core/inventory/cluster-model'
import { domainDefinition } from '../support/domain-definition'
import {
  CreateImageParamsSchema,
  formatBytes,
  parseSize,
  ShrinkImageParamsSchema,
} from '../../src/shared/storage'

const MiB = 2 ** 20
const GiB = 2 ** 30

/** A command line as an error's step. */
function step(command: string): Message {
  return msg('errorSteps.command', { command })
}

describe('sizes', () => {
  it('reads sizes as users type them, in binary units, a bare number in the default unit', () => {
    expect(parseSize('20 GiB')).toBe(20 * GiB)
    expect(parseSize('20G')).toBe(20 * GiB)
    expect(parseSize('1,5 Go')).toBe(1.5 * GiB)
    expect(parseSize('512 Mio')).toBe(512 * MiB)
    expect(parseSize('512 MB')).toBe(512 * MiB)
    expect(parseSize('2 TiB')).toBe(2 * 2 ** 40)
    expect(parseSize('10')).toBe(10 * GiB)
    expect(parseSize('10', 'MiB')).toBe(10 * MiB)
    expect(parseSize('4096 B')).toBe(4096)
    for (const bad of ['', 'abc', '-1 GiB', '10 XB', '1e3', '10 GiB extra']) expect(parseSize(bad)).toBeNull()
  })

  it('shows sizes always with a unit', () => {
    expect(formatBytes(24 * MiB)).toBe('24 MiB')
    expect(formatBytes(1.5 * GiB)).toBe('1.5 GiB')
    expect(formatBytes(0)).toBe('0 B')
    expect(formatBytes(1023)).toBe('1023 B')
    expect(formatBytes(undefined)).toBe('–')
  })

  it('accepts only whole MiB, positive, safe names, and shrink only with allowShrink: true', () => {
    const ok = { pool: 'libvirt-ssd', image: 'web1', sizeBytes: 10 * GiB }
    expect(CreateImageParamsSchema.safeParse(ok).success).toBe(true)
    expect(CreateImageParamsSchema.safeParse({ ...ok, sizeBytes: 1000 }).success).toBe(false)
    expect(CreateImageParamsSchema.safeParse({ ...ok, sizeBytes: -MiB }).success).toBe(false)
    for (const image of ['a/b', 'a@b', 'a b', '-x', '', 'x'.repeat(65)])
      expect(CreateImageParamsSchema.safeParse({ ...ok, image }).success).toBe(false)
    const shrink = { ...ok, confirmName: 'web1', allowShrink: true }
    expect(ShrinkImageParamsSchema.safeParse(shrink).success).toBe(true)
    expect(ShrinkImageParamsSchema.safeParse({ ...shrink, allowShrink: false }).success).toBe(false)
    expect(ShrinkImageParamsSchema.safeParse({ ...ok, confirmName: 'web1' }).success).toBe(false)
  })
})

function state(name: string, status: HostState['status'], keyring?: boolean): HostState {
  const doctor =
    keyring === undefined
      ? undefined
      : ({ capabilities: { canReadCephKeyring: keyring } } as unknown as HostState['doctor'])
  return { name, target: name, status, since: '', ...(doctor ? { doctor } : {}) }
}

describe('choosing the host for rbd', () => {
  it('takes the first online host in the file’s order that can read a keyring', () => {
    const order = ['hv1', 'hv2', 'hv3']
    expect(pickRbdHost([state('hv1', 'online', true), state('hv2', 'online', true)], order)).toBe('hv1')
    expect(pickRbdHost([state('hv1', 'offline'), state('hv2', 'online')], order)).toBe('hv2')
    expect(pickRbdHost([state('hv1', 'online', false), state('hv3', 'online', true)], order)).toBe('hv3')
  })

  it('says why no host can run rbd', () => {
    const noKeyring = () => pickRbdHost([state('hv1', 'online', false)], ['hv1'])
    expect(noKeyring).toThrow(/No online host can read a Ceph keyring \(hv1\)/)
    expect(() => pickRbdHost([state('hv1', 'offline')], ['hv1'])).toThrow(/No host is online/)
  })

  it('turns a missing keyring into an error that says so, and leaves other failures alone', () => {
    const stderr =
      "2026-11-25T09:04:26 -1 auth: unable to find a keyring on /etc/ceph/ceph.client.libvirt.keyring: (2) No such file or directory\nrbd: couldn't connect to the cluster!"
    const error = explainCephFailure(
      new ApiError({
        code: 'remote.failed',
        message: 'x',
        host: 'hv3',
        step: 'rbd ls -l libvirt-ssd',
        details: { stderr },
      }),
      'hv3',
      'libvirt',
    )
    expect(error.code).toBe('ceph.no-keyring')
    expect(error.host).toBe('hv3')
    expect(error.message).toContain(
      'rbd could not connect to Ceph on hv3: there is no keyring for client.libvirt that it can read',
    )
    const other = new ApiError({
      code: 'remote.failed',
      message: 'rbd: error opening image',
      details: { stderr: 'ENOENT' },
    })
    expect(explainCephFailure(other, 'hv3', 'libvirt')).toBe(other)
  })
})

it('names safety snapshots after the reason and the time, as valid rbd names', () => {
  expect(safetySnapshotName('shrink', new Date('2026-11-25T09:15:00.123Z'))).toBe(
    'hyperdesk-before-shrink-20261125-091500',
  )
})

describe('image users', () => {
  const domain = (uuid: string, name: string, state: DomainOnHost['state'], image: string): DomainOnHost => ({
    uuid,
    name,
    state,
    autostart: false,
    managedSave: false,
    definition: domainDefinition({
      name,
      uuid,
      disks: [
        { device: 'disk', target: 'vda', readonly: false, rbd: { pool: 'libvirt-ssd', image } },
        { device: 'cdrom', target: 'hdc', readonly: true, file: '/x.iso' },
      ],
    }),
  })
  const host = (name: string, reachable: boolean, domains: DomainOnHost[]): HostInventory => ({
    host: name,
    reachable,
    facts: {},
    domains,
    refreshedAt: 0,
  })
  const uuid1 = '00000000-0000-4000-8000-000000000001'
  const uuid2 = '00000000-0000-4000-8000-000000000002'

  it('finds each image’s VMs from every host’s definitions, with where they run', () => {
    const hosts = [
      host('hv1', true, [domain(uuid1, 'web', 'running', 'web'), domain(uuid2, 'db', 'shutoff', 'db')]),
      host('hv2', true, [domain(uuid1, 'web', 'shutoff', 'web')]),
      // An unreachable host's last known definitions still count; its state makes the VM "maybe running".
      host('hv3', false, [domain(uuid2, 'db', 'running', 'db')]),
    ]
    const snapshot = { hosts, vms: buildVms(hosts) }
    const users = usersByImage(snapshot)
    expect(users.get('libvirt-ssd/web')).toEqual([
      { uuid: uuid1, name: 'web', target: 'vda', runningOn: ['hv1'], lastKnownRunningOn: [] },
    ])
    expect(users.get('libvirt-ssd/db')).toEqual([
      { uuid: uuid2, name: 'db', target: 'vda', runningOn: [], lastKnownRunningOn: ['hv3'] },
    ])
    expect(users.get('libvirt-ssd/other')).toBeUndefined()
    expect(unknownHosts(snapshot, ['hv1', 'hv2', 'hv3', 'hv4'])).toEqual(['hv3', 'hv4'])
  })

  it('keeps images in RBD namespaces apart, and names VMs whose definition could not be read', () => {
    const namespaced = domain(uuid1, 'web', 'shutoff', 'web')
    namespaced.definition!.disks[0]!.rbd = { pool: 'libvirt-ssd', namespace: 'tenant', image: 'web' }
    const broken: DomainOnHost = {
      uuid: uuid2,
      name: 'db',
      state: 'shutoff',
      autostart: false,
      managedSave: false,
      definitionError: { code: 'domain-xml.invalid', message: 'The definition of db on hv1 is not complete' },
    }
    const hosts = [host('hv1', true, [namespaced, broken])]
    const snapshot = { hosts, vms: buildVms(hosts) }
    expect([...usersByImage(snapshot).keys()]).toEqual(['libvirt-ssd/tenant/web'])
    expect(unreadableDefinitions(snapshot)).toEqual([{ host: 'hv1', name: 'db' }])
  })
})

/** Runs the streamed command here, with a fake `rbd` first in PATH: the real shell piece, locally. */
function localRunner(binDir: string): RemoteRunner {
  const runner: Pick<RemoteRunner, 'stream'> = {
    stream: async (_host, argv, onLine) => {
      const child = spawn(argv[0] ?? '', argv.slice(1), {
        env: { ...process.env, PATH: `${binDir}:${process.env.PATH}` },
      })
      let buffer = ''
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        buffer += chunk
        const lines = buffer.split('\n')
        buffer = lines.pop() ?? ''
        for (const line of lines) onLine(line)
      })
      const done = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
      return { close: () => void child.kill(), done }
    },
  }
  return runner as RemoteRunner
}

describe('rbd progress', () => {
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'hd-fake-rbd-'))
  const fake = (script: string) => {
    fs.writeFileSync(path.join(bin, 'rbd'), `#!/bin/sh\n${script}\n`, { mode: 0o755 })
    return localRunner(bin)
  }
  const access = { clientId: 'libvirt', monitorTimeoutSeconds: 10 }
  afterAll(() => fs.rmSync(bin, { recursive: true, force: true }))

  it('reports each percentage rbd prints with carriage returns, and succeeds on exit 0', async () => {
    const runner = fake(
      `printf '\\rRolling back to snapshot: 50%% complete...' >&2; printf '\\rRolling back to snapshot: 100%% complete...done.\\n' >&2`,
    )
    const seen: number[] = []
    await rbdWithProgress(
      runner,
      'hv1',
      access,
      ['snap', 'rollback', 'p/i@s'],
      step('rbd snap rollback'),
      (f) => seen.push(f),
    )
    expect(seen).toEqual([0.5, 1])
  })

  it('fails with rbd’s own words and exit code, and says when the keyring is missing', async () => {
    const failing = fake(`echo 'rbd: image has snapshots - these must be deleted' >&2; exit 39`)
    await expect(
      rbdWithProgress(failing, 'hv2', access, ['rm', 'p/i'], step('rbd rm p/i'), () => undefined),
    ).rejects.toMatchObject({
      code: 'remote.failed',
      host: 'hv2',
      stepText: step('rbd rm p/i'),
      // rbd's own words are the message's detail, shown verbatim.
      text: {
        code: 'storageErrors.failed',
        params: { command: 'rbd rm p/i', host: 'hv2', exitCode: 39 },
        detail: 'rbd: image has snapshots - these must be deleted',
      },
    })
    const noKeyring = fake(
      `echo 'auth: unable to find a keyring on /etc/ceph/ceph.client.libvirt.keyring' >&2; exit 2`,
    )
    await expect(
      rbdWithProgress(noKeyring, 'hv3', access, ['rm', 'p/i'], step('rbd rm p/i'), () => undefined),
    ).rejects.toMatchObject({ code: 'ceph.no-keyring', host: 'hv3' })
  })
})
