/**
 * A start on a host asks that host for the CD-ROM images and boot files the VM's definition opens
 * (vm/host-files.ts), judged as the migration judges its destination (judgeHostFiles), for its
 * local disk files and their backing files (those the definition names, and the chain qemu-img
 * reads from each qcow2's header), all in one exec: a missing one refuses the start, naming the
 * disk or file and the host, before the VM is started. The existence check is the real one
 * (pathsAndChainsArgv's script, run here by sh on a temporary directory); qemu-img's answers are
 * recorded ones (fixtures/qemu-img/SOURCES.md). A volume of a local storage pool is found in the same
 * probe (`virsh vol-path`, then its file's existence: a stand-in virsh on the probe's PATH answers as
 * the lab's libvirt 9.0.0 did). The refusals read in the window's two languages.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import i18next from 'i18next'
import { afterAll, describe, expect, it } from 'vitest'
import { errorSentences } from '../../src/renderer/src/components/error-sentence'
import { i18nOptions } from '../../src/renderer/src/i18n'
import { addMessageFormatters, frenchSpacing } from '../../src/renderer/src/i18n/messages'
import type { Rbd } from '../../src/main/core/ceph/rbd'
import type { JobContext } from '../../src/main/core/jobs/job-manager'
import type { RemoteResult, RemoteRunner } from '../../src/main/core/remote/runner'
import { parseDomainXml } from '../../src/main/core/inventory/domain-xml'
import { startFilesArgv } from '../../src/main/core/remote/framing'
import { backingChecksOf, hostFilePaths, hostFilesOf, localDisksOf } from '../../src/main/core/vm/host-files'
import { Lifecycle } from '../../src/main/core/vm/lifecycle'
import { ApiError } from '../../src/shared/errors'
import type { DomainDefinition, DomainOnHost } from '../../src/shared/inventory'
import { englishLine, type Message } from '../../src/shared/messages'
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
/**
 * A stand-in virsh for the probe: prints VOL_PATH_OUT, VOL_PATH_ERR to stderr, exits VOL_PATH_EXIT
 * (as the recorded vol-path answers below).
 */
const bin = path.join(dir, 'bin')
fs.mkdirSync(bin)
fs.writeFileSync(
  path.join(bin, 'virsh'),
  '#!/bin/sh\nprintf %s "$VOL_PATH_ERR" >&2\nprintf %s "$VOL_PATH_OUT"\nexit "${VOL_PATH_EXIT:-0}"\n',
  { mode: 0o755 },
)

/** What virsh 9.0.0 (LC_ALL=C) prints for a volume or a pool the host lacks (recorded on the lab's hv2). */
const VOL_PATH_NOT_FOUND =
  "error: failed to get vol 'labvm1-root'\nerror: Storage volume not found: no storage vol with matching path 'labvm1-root'\n"
const POOL_NOT_FOUND =
  "error: failed to get pool 'vmpool'\nerror: Storage pool not found: no storage pool with matching name 'vmpool'\n"

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

/**
 * hv1 and hv2 both define the VM, off; starts go to hv2, whose "disk" is the temporary directory,
 * or whose answer to the files' probe is `replay` (a recorded real output). `virsh` answers each
 * virsh command (exit 0 and nothing unless it says otherwise).
 */
function setup(
  defined: DomainDefinition,
  hv2Reachable = true,
  options: {
    replay?: string
    virsh?: (argv: string[]) => Partial<RemoteResult> | undefined
    /** What the host's `virsh vol-path` answers in the probe (its stdout, stderr, exit status). */
    volPath?: Partial<RemoteResult>
    rbd?: Partial<Rbd>
  } = {},
) {
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
      if (options.replay !== undefined)
        return { exitCode: 0, stdout: options.replay, stderr: '', durationMs: 1 }
      const ran = spawnSync(argv[0]!, argv.slice(1), {
        encoding: 'utf8',
        env: {
          ...process.env,
          PATH: `${bin}:${process.env.PATH}`,
          VOL_PATH_OUT: options.volPath?.stdout ?? '',
          VOL_PATH_ERR: options.volPath?.stderr ?? '',
          VOL_PATH_EXIT: String(options.volPath?.exitCode ?? 1),
        },
      })
      return { exitCode: ran.status ?? 1, stdout: ran.stdout, stderr: ran.stderr, durationMs: 1 }
    },
    virsh: async (host: string, argv: string[]) => {
      execs.push({ host, argv: ['virsh', ...argv] })
      return { exitCode: 0, stdout: '', stderr: '', durationMs: 1, ...options.virsh?.(argv) }
    },
  } as unknown as RemoteRunner
  const { lifecycle, lease } = twoHostStart({
    domain,
    runner,
    hv2Reachable,
    ...(options.rbd ? { rbd: options.rbd } : {}),
  })
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

  it('asks nothing of a host that cannot be asked, not even its pools (its own refusal says so)', async () => {
    const volume = {
      target: 'vdb',
      device: 'disk',
      readonly: false,
      volume: { pool: 'vmpool', volume: 'labvm1-root' },
    } as DomainDefinition['disks'][number]
    const { lifecycle, execs } = setup(definition({ bootFiles: [kernel], disks: [volume] }), false)
    const { refusals } = await lifecycle.startRefusals({ uuid: UUID, host: 'hv2' })
    expect(refusals.map((refusal) => refusal.code)).toEqual(['host-unreachable'])
    expect(execs).toEqual([])
  })
})

/** A recorded answer of a host to the start's probe (fixtures/qemu-img/SOURCES.md). */
const probeAnswer = (name: string) =>
  fs.readFileSync(path.join(__dirname, 'fixtures', 'qemu-img', name), 'utf8')
/** Where the recorded images were. */
const RECORDED = '/tmp/hyperdesk-chain-fixture'
const qcow2Disk = (target: string, source: string) =>
  ({ ...localDisk(target, source), layeredFormat: 'qcow2' }) as DomainDefinition['disks'][number]
const RECORDED_DISKS = [
  qcow2Disk('vda', `${RECORDED}/labvm9.qcow2`),
  qcow2Disk('vdb', `${RECORDED}/data.qcow2`),
]

describe('a local disk’s backing files', () => {
  it('are read from the definition: a layered format’s chain from its header, or the <backingStore> given', () => {
    const xml = `<domain type='kvm'><name>labvm9</name><uuid>${UUID}</uuid><memory>1024</memory><vcpu>1</vcpu>
      <os><type>hvm</type></os><devices>
      <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='/img/a.qcow2'/><target dev='vda'/></disk>
      <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='/img/b.qcow2'/>
        <backingStore type='file'><format type='qcow2'/><source file='/img/b-mid.qcow2'/>
          <backingStore type='block'><format type='raw'/><source dev='/dev/vg0/base'/><backingStore/></backingStore>
        </backingStore><target dev='vdb'/></disk>
      <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='/img/c.qcow2'/>
        <backingStore type='file'><format type='qcow2'/><source file='/img/c-base.qcow2'/></backingStore><target dev='vdc'/></disk>
      <disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='/img/d.img'/><target dev='vdd'/></disk>
      <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='/img/e.qcow2'/>
        <backingStore type='network'><format type='raw'/><source protocol='rbd' name='vms/base'/></backingStore><target dev='vde'/></disk>
      <disk type='file' device='cdrom'><driver name='qemu' type='raw'/><source file='/iso/x.iso'/><target dev='sda'/><readonly/></disk>
      </devices></domain>`
    const defined = parseDomainXml(xml)
    expect(defined.disks.map((disk) => [disk.target, disk.layeredFormat, disk.backingStore])).toEqual([
      ['vda', 'qcow2', undefined],
      [
        'vdb',
        'qcow2',
        {
          files: [
            { file: '/img/b-mid.qcow2', format: 'qcow2' },
            { file: '/dev/vg0/base', format: 'raw' },
          ],
          complete: true,
        },
      ],
      ['vdc', 'qcow2', { files: [{ file: '/img/c-base.qcow2', format: 'qcow2' }], complete: false }],
      ['vdd', undefined, undefined],
      ['vde', 'qcow2', { files: [], complete: true }],
      ['sda', undefined, undefined],
    ])
    expect(backingChecksOf(defined)).toEqual({
      // The files the definition names, checked for existence with the others.
      named: [
        { target: 'vdb', disk: '/img/b.qcow2', file: '/img/b-mid.qcow2' },
        { target: 'vdb', disk: '/img/b.qcow2', file: '/dev/vg0/base' },
        { target: 'vdc', disk: '/img/c.qcow2', file: '/img/c-base.qcow2' },
      ],
      // Read from a header: a qcow2 disk with no chain given, and the rest of vdc's from its last file.
      chains: [
        { target: 'vda', disk: '/img/a.qcow2', file: '/img/a.qcow2', format: 'qcow2' },
        { target: 'vdc', disk: '/img/c.qcow2', file: '/img/c-base.qcow2', format: 'qcow2' },
      ],
    })
  })

  it('missing on the host refuse the start, naming the disk, the file and the host, in the one probe (qemu-img 7.2, recorded)', async () => {
    const { lifecycle, execs, lease, context } = setup(definition({ disks: RECORDED_DISKS }), true, {
      replay: probeAnswer('start-probe-base-missing.txt'),
    })
    const { refusals } = await refusedStart(lifecycle, context)
    expect(refusals.map(({ code, host }) => ({ code, host }))).toEqual([
      { code: 'backing-file-missing', host: 'hv2' },
    ])
    expect(refusals[0]!.message).toBe(
      `labvm1’s disk vda (${RECORDED}/labvm9.qcow2) is built on the backing file ${RECORDED}/debian-base.qcow2, which is missing on hv2: QEMU opens every file of a disk’s backing chain, and each host has its own. Copy it to the same path on hv2 first, or start labvm1 on the host that holds the whole chain.`,
    )
    // The one exec the recording answered, both disks' chains in it; no virsh start; the lease let go.
    expect(execs).toEqual([
      {
        host: 'hv2',
        argv: startFilesArgv(
          [`${RECORDED}/labvm9.qcow2`, `${RECORDED}/data.qcow2`],
          [
            { format: 'qcow2', file: `${RECORDED}/labvm9.qcow2` },
            { format: 'qcow2', file: `${RECORDED}/data.qcow2` },
          ],
        ),
      },
    ])
    expect(lease.held.size).toBe(0)
  })

  it('start the VM once the chain is read; a host that cannot read it (no qemu-img) leaves it to libvirt', async () => {
    for (const answer of ['start-probe-chain-present.txt', 'start-probe-no-qemu-img.txt']) {
      const { lifecycle, execs, context } = setup(definition({ disks: RECORDED_DISKS }), true, {
        replay: probeAnswer(answer),
      })
      await lifecycle.start({ uuid: UUID, host: 'hv2' }, context)
      expect(execs.map((exec) => exec.argv.slice(0, 2))).toEqual([
        ['sh', '-c'],
        ['virsh', 'start'],
      ])
    }
  })

  it('named by the definition are asked with the other files (the real probe), nothing read from a header when complete', async () => {
    const base = file('base-gone.qcow2', false)
    const mid = file('mid.qcow2', true)
    const disk = {
      ...qcow2Disk('vda', qcow2There),
      backingStore: {
        files: [
          { file: mid, format: 'qcow2' },
          { file: base, format: 'qcow2' },
        ],
        complete: true,
      },
    }
    const { lifecycle, execs, context } = setup(definition({ disks: [disk] }))
    const { refusals } = await refusedStart(lifecycle, context)
    expect(refusals.map(({ code }) => code)).toEqual(['backing-file-missing'])
    expect(refusals[0]!.message).toContain(
      `disk vda (${qcow2Disk('vda', qcow2There).file}) is built on the backing file ${base}, which is missing on hv2`,
    )
    // One exec: the three paths asked, no chain, no volume (the argv ends with no chain's count).
    expect(execs).toHaveLength(1)
    expect(execs[0]!.argv.slice(4)).toEqual(['3', qcow2There, mid, base, '0'])
  })
})

const libvirtFixture = (name: string) =>
  fs.readFileSync(path.join(__dirname, 'fixtures', 'libvirt', name), 'utf8')
const poolDir = libvirtFixture('pool-dir.xml')
const poolRbd = libvirtFixture('pool-rbd.xml')
/** A writable disk that is the volume labvm1-root of the pool vmpool. */
const volumeDisk = (target: string) =>
  ({
    target,
    device: 'disk',
    readonly: false,
    volume: { pool: 'vmpool', volume: 'labvm1-root' },
  }) as DomainDefinition['disks'][number]
/** The host's answer to `virsh pool-dumpxml`. */
const answers = (pool: Partial<RemoteResult>) => (argv: string[]) =>
  argv[0] === 'pool-dumpxml' ? pool : undefined
/** The execs of a start: the probe by its name, a virsh command by its words. */
const asked = (execs: { argv: string[] }[]) =>
  execs.map((exec) => (exec.argv[0] === 'sh' ? exec.argv[3] : exec.argv.join(' ')))
/** `virsh vol-path`'s answer for a volume the host lacks. */
const NO_VOLUME = { exitCode: 1, stderr: VOL_PATH_NOT_FOUND }

describe('a disk that is a volume of a local storage pool (dir, logical…)', () => {
  it('refuses the start when the chosen host lacks the volume, naming the pool, the volume and the host', async () => {
    const { lifecycle, execs, lease, context } = setup(definition({ disks: [volumeDisk('vda')] }), true, {
      virsh: answers({ stdout: poolDir }),
      volPath: NO_VOLUME,
    })
    const { refused, refusals } = await refusedStart(lifecycle, context)
    expect(refusals.map(({ code, host }) => ({ code, host }))).toEqual([
      { code: 'local-volume-missing', host: 'hv2' },
    ])
    expect(refusals[0]!.message).toBe(
      'labvm1’s disk vda is the volume labvm1-root of the local storage pool vmpool, which hv2 cannot find there: a local pool is each host’s own. Create the volume there (or start the pool and refresh it: virsh pool-refresh vmpool), or start labvm1 on the host that holds it.' +
        ` (the host said: ${VOL_PATH_NOT_FOUND.trim()})`,
    )
    // libvirt's words travel as the refusal's detail, under the message.
    const reasons = (refused.text!.params as { reasons: Message[] }).reasons
    expect(reasons[0]!.detail).toBe(VOL_PATH_NOT_FOUND.trim())
    // The volume asked in the files' probe (its pool and name as arguments), beside the pool's read.
    expect(asked(execs)).toEqual(['hyperdesk-start-files', 'virsh pool-dumpxml vmpool'])
    expect(execs[0]!.argv.slice(4)).toEqual(['0', '0', 'vmpool', 'labvm1-root'])
    expect(lease.held.size).toBe(0)
  })

  it('refuses it when libvirt still lists the volume but its file is gone (pool not refreshed), in the same probe', async () => {
    const gone = path.join(dir, 'labvm1-root')
    const { lifecycle, execs, lease, context } = setup(definition({ disks: [volumeDisk('vda')] }), true, {
      virsh: answers({ stdout: poolDir }),
      volPath: { stdout: `${gone}\n`, exitCode: 0 },
    })
    const { refusals } = await refusedStart(lifecycle, context)
    expect(refusals.map(({ code, host }) => ({ code, host }))).toEqual([
      { code: 'local-volume-file-missing', host: 'hv2' },
    ])
    expect(refusals[0]!.message).toBe(
      `labvm1’s disk vda is the volume labvm1-root of the local storage pool vmpool, whose file ${gone} is missing on hv2: libvirt still lists the volume (the pool was not refreshed since the file went), but QEMU cannot open it. Put the file back at ${gone} on hv2, or run virsh pool-refresh vmpool there and create the volume again, or start labvm1 on the host that holds it.`,
    )
    // No exec more than for a volume the host lacks: the probe found the path and tested it.
    expect(asked(execs)).toEqual(['hyperdesk-start-files', 'virsh pool-dumpxml vmpool'])
    expect(lease.held.size).toBe(0)
  })

  it('refuses it when the probe’s answer has no section for the volume (cut or forged output): never taken as there', async () => {
    const { lifecycle, context } = setup(definition({ disks: [volumeDisk('vda')] }), true, {
      replay: '',
      virsh: answers({ stdout: poolDir }),
    })
    const { refusals } = await refusedStart(lifecycle, context)
    expect(refusals.map(({ code, host }) => ({ code, host }))).toEqual([
      { code: 'local-volume-unchecked', host: 'hv2' },
    ])
    expect(refusals[0]!.message).toBe(
      'labvm1’s disk vda is the volume labvm1-root of the local storage pool vmpool, and hv2 did not say where its file is: start labvm1 again once hv2 answers.',
    )
  })

  it('refuses a read-only one (install media) the host lacks too; a read-only RBD one is shared, its answer unused', async () => {
    const media = {
      ...volumeDisk('sda'),
      device: 'cdrom',
      readonly: true,
    } as DomainDefinition['disks'][number]
    const missing = setup(definition({ disks: [media] }), true, {
      virsh: answers({ stdout: poolDir }),
      volPath: NO_VOLUME,
    })
    const { refusals } = await refusedStart(missing.lifecycle, missing.context)
    expect(refusals.map(({ code, host }) => ({ code, host }))).toEqual([
      { code: 'local-volume-missing', host: 'hv2' },
    ])
    expect(refusals[0]!.message).toContain(
      'labvm1’s disk sda is the volume labvm1-root of the local storage pool vmpool',
    )
    const watchers: string[] = []
    // The probe asks every volume (their pools' types are read beside it); an RBD one's answer
    // (libvirt's "POOL/IMAGE", no file) counts for nothing.
    const shared = setup(definition({ disks: [media] }), true, {
      virsh: answers({ stdout: poolRbd }),
      volPath: { stdout: 'rbd/labvm1-root\n', exitCode: 0 },
      rbd: { watchers: async (_host, image) => (watchers.push(image.image), []) },
    })
    await shared.lifecycle.start({ uuid: UUID, host: 'hv2' }, shared.context)
    expect(asked(shared.execs)).toEqual([
      'hyperdesk-start-files',
      'virsh pool-dumpxml vmpool',
      `virsh start ${UUID}`,
    ])
    expect(watchers).toEqual([])
  })

  it('refuses it when the chosen host does not define the pool', async () => {
    const { lifecycle, execs, context } = setup(definition({ disks: [volumeDisk('vda')] }), true, {
      virsh: answers({ exitCode: 1, stderr: POOL_NOT_FOUND }),
      volPath: NO_VOLUME,
    })
    const { refusals } = await refusedStart(lifecycle, context)
    expect(refusals.map(({ code, host }) => ({ code, host }))).toEqual([
      { code: 'pool-missing', host: 'hv2' },
    ])
    expect(refusals[0]!.message).toBe(
      'labvm1’s disk vda is the volume labvm1-root of the libvirt storage pool vmpool, which hv2 does not define: define and start that pool on hv2 (virsh pool-define, pool-start), or start labvm1 on a host that has it.' +
        ` (the host said: ${POOL_NOT_FOUND.trim()})`,
    )
    expect(asked(execs)).toEqual(['hyperdesk-start-files', 'virsh pool-dumpxml vmpool'])
  })

  it('starts when the host has it and its file; an RBD pool’s volume is checked as a Ceph image', async () => {
    const there = file('labvm1-root-there', true)
    const local = setup(definition({ disks: [volumeDisk('vda')] }), true, {
      virsh: answers({ stdout: poolDir }),
      volPath: { stdout: `${there}\n`, exitCode: 0 },
    })
    await local.lifecycle.start({ uuid: UUID, host: 'hv2' }, local.context)
    expect(asked(local.execs)).toEqual([
      'hyperdesk-start-files',
      'virsh pool-dumpxml vmpool',
      `virsh start ${UUID}`,
    ])
    const watchers: string[] = []
    const rbd = setup(definition({ disks: [volumeDisk('vda')] }), true, {
      virsh: answers({ stdout: poolRbd }),
      volPath: { stdout: 'rbd/labvm1-root\n', exitCode: 0 },
      rbd: { watchers: async (_host, image) => (watchers.push(image.image), []) },
    })
    await rbd.lifecycle.start({ uuid: UUID, host: 'hv2' }, rbd.context)
    expect(asked(rbd.execs)).toEqual([
      'hyperdesk-start-files',
      'virsh pool-dumpxml vmpool',
      `virsh start ${UUID}`,
    ])
    expect(watchers).toEqual(['labvm1-root'])
  })
})

describe('the new refusals in the window', () => {
  /** The window's i18n in `language`, as the job-error display renders an error (errorSentences). */
  async function windowIn(language: 'fr' | 'en') {
    const i18n = i18next.createInstance()
    await i18n.init(await i18nOptions(language))
    addMessageFormatters(i18n)
    return (error: ApiError) => errorSentences(i18n.t, error.toData())
  }

  it('read in French and in English: the disk, the file or the pool and volume, the host, what to do', async () => {
    const volume = volumeDisk('vdc')
    // The recorded probe, and after its chains the volume's section as the probe frames vol-path's failure.
    const { lifecycle, context } = setup(definition({ disks: [...RECORDED_DISKS, volume] }), true, {
      replay: `${probeAnswer('start-probe-base-missing.txt')}@@begin volume:1\n${VOL_PATH_NOT_FOUND}\n@@end volume:1 1\n`,
      virsh: answers({ stdout: poolDir }),
    })
    const { refused } = await refusedStart(lifecycle, context)
    const french = (await windowIn('fr'))(refused)
    const english = (await windowIn('en'))(refused)
    const chain = `(${RECORDED}/labvm9.qcow2)`
    const base = `${RECORDED}/debian-base.qcow2`
    expect(french).toEqual({
      message: frenchSpacing(
        'labvm1 n’a pas été démarrée sur hv2 : Le disque vdc de labvm1 est le volume labvm1-root du pool de stockage local vmpool, que hv2 n’y trouve pas : un pool local est propre à chaque hôte. Créez-y le volume (ou démarrez le pool et rafraîchissez-le : virsh pool-refresh vmpool), ou démarrez labvm1 sur l’hôte qui le détient. ' +
          `Le disque vda de labvm1 ${chain} repose sur le fichier de base (backing file) ${base}, qui manque sur hv2 : QEMU ouvre chaque fichier de la chaîne d’un disque, et chaque hôte a les siens. Copiez-le d’abord au même chemin sur hv2, ou démarrez labvm1 sur l’hôte qui détient toute la chaîne.`,
      ),
      step: 'vérifications avant démarrage',
    })
    expect(english).toEqual({
      message:
        'labvm1 was not started on hv2: labvm1’s disk vdc is the volume labvm1-root of the local storage pool vmpool, which hv2 cannot find there: a local pool is each host’s own. Create the volume there (or start the pool and refresh it: virsh pool-refresh vmpool), or start labvm1 on the host that holds it. ' +
        `labvm1’s disk vda ${chain} is built on the backing file ${base}, which is missing on hv2: QEMU opens every file of a disk’s backing chain, and each host has its own. Copy it to the same path on hv2 first, or start labvm1 on the host that holds the whole chain.`,
      step: 'pre-start checks',
    })
    // The pool's own refusal, in French, through the same catalog.
    const noPool = setup(definition({ disks: [volume] }), true, {
      virsh: answers({ exitCode: 1, stderr: POOL_NOT_FOUND }),
      volPath: NO_VOLUME,
    })
    const poolRefused = (await refusedStart(noPool.lifecycle, noPool.context)).refused
    expect((await windowIn('fr'))(poolRefused).message).toBe(
      frenchSpacing(
        'labvm1 n’a pas été démarrée sur hv2 : Le disque vdc de labvm1 est le volume labvm1-root du pool de stockage libvirt vmpool, que hv2 ne définit pas : définissez et démarrez ce pool sur hv2 (virsh pool-define, pool-start), ou démarrez labvm1 sur un hôte qui l’a.',
      ),
    )
    // A volume libvirt still lists whose file is gone, in French.
    const gone = path.join(dir, 'vol-gone')
    const stale = setup(definition({ disks: [volume] }), true, {
      virsh: answers({ stdout: poolDir }),
      volPath: { stdout: `${gone}\n`, exitCode: 0 },
    })
    const staleRefused = (await refusedStart(stale.lifecycle, stale.context)).refused
    expect((await windowIn('fr'))(staleRefused).message).toBe(
      frenchSpacing(
        `labvm1 n’a pas été démarrée sur hv2 : Le disque vdc de labvm1 est le volume labvm1-root du pool de stockage local vmpool, dont le fichier ${gone} manque sur hv2 : libvirt liste encore le volume (le pool n’a pas été rafraîchi depuis la disparition du fichier), mais QEMU ne peut pas l’ouvrir. Remettez le fichier à ${gone} sur hv2, ou lancez-y virsh pool-refresh vmpool et recréez le volume, ou démarrez labvm1 sur l’hôte qui le détient.`,
      ),
    )
  })
})
