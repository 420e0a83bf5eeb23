/**
 * A start on a host asks that host for the CD-ROM images and boot files the VM's definition opens
 * (vm/host-files.ts), judged as the migration judges its destination (judgeHostFiles): a missing one
 * refuses the start, naming the files and the host, before the VM is started. The existence check is
 * the real one (pathsArgv's script, run here by sh on a temporary directory).
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { JobContext } from '../../src/main/core/jobs/job-manager'
import type { RemoteRunner } from '../../src/main/core/remote/runner'
import { hostFilePaths, hostFilesOf, localDisksOf } from '../../src/main/core/vm/host-files'
import { Lifecycle } from '../../src/main/core/vm/lifecycle'
import { ApiError } from '../../src/shared/errors'
import type { DomainDefinition, DomainOnHost } from '../../src/shared/inventory'
import { englishLine } from '../../src/shared/messages'
import { domainDefinition } from '../support/domain-definition'
import { twoHostStart } from '../support/start-harness'

const UUID = '1ab0c0de-0000-4000-8000-000000000002'
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hyperdesk-start-files-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))
const file = (name: string, exists: boolean): string => {
  const at = path.join(dir, name)
  if (exists) fs.writeFileSync(at, '')
  return at
}
const kernel = file('vmlinuz', false)
const initrd = file('initrd.img', true)
const iso = file('debian.iso', false)
const isoThere = file('tools.iso', true)
const qcow2 = file('labvm1.qcow2', false)
const qcow2There = file('data.qcow2', true)

const definition = (extra: Partial<DomainDefinition>) => domainDefinition({ uuid: UUID, ...extra })
const localDisk = (target: string, source: string) =>
  ({ target, device: 'disk', readonly: false, file: source }) as DomainDefinition['disks'][number]
const cdrom = (target: string, source?: string) =>
  ({
    target,
    device: 'cdrom',
    readonly: true,
    ...(source ? { file: source } : {}),
  }) as DomainDefinition['disks'][number]

/** hv1 and hv2 both define the VM, off; starts go to hv2, whose "disk" is the temporary directory. */
function setup(defined: DomainDefinition, hv2Reachable = true) {
  const domain: DomainOnHost = {
    uuid: UUID,
    name: 'labvm1',
    state: 'shutoff',
    autostart: false,
    managedSave: false,
    definition: defined,
  }
  const execs: { host: string; argv: string[] }[] = []
  const runner = {
    run: async (host: string, argv: string[]) => {
      execs.push({ host, argv })
      const ran = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' })
      return { exitCode: ran.status ?? 1, stdout: ran.stdout, stderr: ran.stderr, durationMs: 1 }
    },
    virsh: async (host: string, argv: string[]) => {
      execs.push({ host, argv: ['virsh', ...argv] })
      return { exitCode: 0, stdout: '', stderr: '', durationMs: 1 }
    },
  } as unknown as RemoteRunner
  const { lifecycle, lease } = twoHostStart({ domain, runner, hv2Reachable })
  const context = { step: () => undefined, log: () => undefined } as unknown as JobContext
  return { lifecycle, execs, lease, context }
}

/** A start on hv2 that must be refused: its error and its refusals. */
async function refusedStart(lifecycle: Lifecycle, context: JobContext) {
  const error = await lifecycle.start({ uuid: UUID, host: 'hv2' }, context).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(ApiError)
  const refused = error as ApiError
  expect(refused.code).toBe('vm.start.refused')
  const details = refused.details as { refusals: { code: string; host: string; message: string }[] }
  return { refused, refusals: details.refusals }
}

describe('the files a definition opens from the host’s disk', () => {
  it('are the CD-ROM images with a medium and the <os> boot files, each once', () => {
    const files = hostFilesOf(
      definition({
        disks: [cdrom('sda', iso), cdrom('sdb'), cdrom('sdc', iso)],
        bootFiles: [kernel, initrd],
      }),
    )
    expect(files).toEqual({ isos: [iso], bootFiles: [kernel, initrd] })
    expect(hostFilePaths(files)).toEqual([iso, kernel, initrd])
    expect(hostFilePaths(hostFilesOf(definition({ disks: [cdrom('sda')] })))).toEqual([])
  })

  it('have, apart, the other disks that are files or devices on the host (not the CD-ROMs, not Ceph)', () => {
    const rbd = { target: 'vdc', device: 'disk', readonly: false, rbd: { pool: 'vms', image: 'x' } } as const
    const disks = localDisksOf(
      definition({
        disks: [localDisk('vda', qcow2), cdrom('sda', iso), rbd, localDisk('vdb', '/dev/vg0/x')],
      }),
    )
    expect(disks).toEqual([
      { target: 'vda', file: qcow2 },
      { target: 'vdb', file: '/dev/vg0/x' },
    ])
  })
})

describe('a start on a host that lacks them', () => {
  it('is refused before anything is done, naming the missing files and the host, in one existence check', async () => {
    const { lifecycle, execs, lease, context } = setup(
      definition({ disks: [cdrom('sda', iso), cdrom('sdb', isoThere)], bootFiles: [kernel, initrd] }),
    )
    const { refused, refusals } = await refusedStart(lifecycle, context)
    expect(refusals.map(({ code, host }) => ({ code, host }))).toEqual([
      { code: 'cdrom-missing', host: 'hv2' },
      { code: 'boot-files-missing', host: 'hv2' },
    ])
    // Only what is missing is named; present files are not.
    expect(refusals[0]!.message).toBe(
      `The CD-ROM image ${iso} is missing on hv2: copy it to the same path there, or eject it.`,
    )
    expect(refusals[1]!.message).toContain(`${kernel} missing on hv2`)
    expect(refusals[1]!.message).toContain('Copy them to the same path on hv2 first.')
    expect(refusals[1]!.message).not.toContain(initrd)
    expect(englishLine(refused.text!)).toContain('labvm1 was not started on hv2')
    // One exec, on hv2, asked every path; no virsh start; the lease let go.
    expect(execs).toEqual([{ host: 'hv2', argv: expect.arrayContaining([iso, isoThere, kernel, initrd]) }])
    expect(lease.held.size).toBe(0)
  })

  it('is refused, one refusal per disk, when a local disk file is missing there', async () => {
    const { lifecycle, execs, lease, context } = setup(
      definition({ disks: [localDisk('vda', qcow2), localDisk('vdb', qcow2There)], bootFiles: [kernel] }),
    )
    const { refusals } = await refusedStart(lifecycle, context)
    expect(refusals.map(({ code, host }) => ({ code, host }))).toEqual([
      { code: 'local-disk-missing', host: 'hv2' },
      { code: 'boot-files-missing', host: 'hv2' },
    ])
    expect(refusals[0]!.message).toBe(
      `labvm1’s disk vda (${qcow2}) is missing on hv2: it is a file on a host’s own disk, not on Ceph, and each host has its own. Start labvm1 on the host that holds it, or move the file to the same path on hv2 first.`,
    )
    // The disks and the boot files in the same one existence check; no virsh start.
    expect(execs).toEqual([{ host: 'hv2', argv: expect.arrayContaining([qcow2, qcow2There, kernel]) }])
    expect(lease.held.size).toBe(0)
  })

  it('starts once the files are there', async () => {
    const present = file('vmlinuz-present', true)
    const { lifecycle, execs, context } = setup(
      definition({
        disks: [localDisk('vda', qcow2There), cdrom('sdb', isoThere)],
        bootFiles: [present, initrd],
      }),
    )
    await lifecycle.start({ uuid: UUID, host: 'hv2' }, context)
    expect(execs.map((exec) => exec.argv[0])).toEqual(['sh', 'virsh'])
    expect(execs[1]!.argv).toEqual(['virsh', 'start', UUID])
  })

  it('asks nothing for a CD-ROM with no medium and no boot file', async () => {
    const { lifecycle, execs, context } = setup(definition({ disks: [cdrom('sda')] }))
    await lifecycle.start({ uuid: UUID, host: 'hv2' }, context)
    expect(execs.map((exec) => exec.argv.slice(0, 2))).toEqual([['virsh', 'start']])
  })

  it('does not probe a host that cannot be asked (its own refusal says so)', async () => {
    const { lifecycle, execs } = setup(definition({ bootFiles: [kernel] }), false)
    const { refusals } = await lifecycle.startRefusals({ uuid: UUID, host: 'hv2' })
    expect(refusals.map((refusal) => refusal.code)).toEqual(['host-unreachable'])
    expect(execs).toEqual([])
  })
})
