import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { englishText } from '../../src/shared/messages'
import { domainCpuMode, domcapsModelUsable, parseDomainXml } from '../../src/main/core/inventory/domain-xml'
import {
  judgeMigration,
  type DestinationFacts,
  type MigrationFacts,
} from '../../src/main/core/migration/precheck-judge'

/**
 * The pre-checks' judgement on facts alone. The definitions and the CPU models are the lab's, as
 * libvirt 9.0.0 (QEMU 7.2) printed them: labvm1's live XML (custom CPU qemu64, a Ceph secret, a
 * CD-ROM, bridge br0) and `virsh domcapabilities --virttype qemu` on hv2.
 */
const fixtures = path.resolve(__dirname, '../fixtures/libvirt-9.0.0')
const fixture = (name: string): string => fs.readFileSync(path.join(fixtures, name), 'utf8')
const liveXml = fixture('labvm1-live.xml')
const inactiveXml = fixture('labvm1-inactive.xml')
const domcaps = fixture('domcapabilities-qemu-hv2.xml')
const definition = parseDomainXml(liveXml)
const UUID = definition.uuid
const SECRET = '5a1b7e57-c3f0-4d1b-9a6e-000000000c1b'
const ISO = definition.disks.find((disk) => disk.device === 'cdrom')?.file ?? ''
const KERNEL = '/var/lib/libvirt/boot/labvm-vmlinux'

function healthyDestination(): DestinationFacts {
  return {
    inactiveXml,
    state: 'shut off',
    info: 'Name:           labvm1\nManaged save:   no',
    availableKiB: 4 * 1024 * 1024,
    networks: [],
    secrets: [{ uuid: SECRET, value: 'QVFEQnpBWnI=' }],
    bridges: ['br0'],
    isos: [ISO],
    bootFiles: [KERNEL],
    present: new Set(['/sys/class/net/br0/bridge', ISO, KERNEL]),
    cpuModelUsable: 'yes',
  }
}

function facts(change: (facts: MigrationFacts) => void = () => undefined): MigrationFacts {
  const base: MigrationFacts = {
    uuid: UUID,
    name: 'labvm1',
    from: 'hv1',
    to: 'hv2',
    runningOn: ['hv1'],
    destinationHost: { status: 'online' },
    migrationAddress: '10.77.0.2',
    migrationAddressShared: false,
    gateways: { old: '10.77.11.254', new: '10.77.12.254' },
    cpuModels: { source: 'EPYC', destination: 'EPYC' },
    source: { inactiveXml, definition, cpuMode: 'custom', job: { type: 'None' } },
    destination: healthyDestination(),
  }
  change(base)
  return base
}

const statusOf = (judged: ReturnType<typeof judgeMigration>) =>
  Object.fromEntries(judged.checks.map((check) => [check.id, check.level]))

describe('the domain-XML reader for the pre-checks', () => {
  it('reads the CPU mode and the CPU models a host can run', () => {
    expect(domainCpuMode(liveXml)).toBe('custom')
    expect(definition.cpuModel).toBe('qemu64')
    expect(domcapsModelUsable(domcaps, 'qemu64')).toBe('yes')
    // EPYC is host-model's model (no usability) AND a custom model that QEMU's TCG cannot run.
    expect(domcapsModelUsable(domcaps, 'EPYC')).toBe('no')
    expect(domcapsModelUsable(domcaps, 'NoSuchModel')).toBeUndefined()
    expect(domcapsModelUsable('<not xml', 'qemu64')).toBeUndefined()
  })

  it('reads the local files QEMU boots from (kernel, initrd, dtb, loader), not the per-host nvram', () => {
    expect(definition.bootFiles).toBeUndefined()
    const direct = parseDomainXml(
      liveXml.replace(
        /<os>[\s\S]*?<\/os>/,
        `<os>
    <type arch='x86_64' machine='pc-q35-7.2'>hvm</type>
    <loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE.fd</loader>
    <nvram template='/usr/share/OVMF/OVMF_VARS.fd'>/var/lib/libvirt/qemu/nvram/labvm1_VARS.fd</nvram>
    <kernel>${KERNEL}</kernel>
    <initrd>/var/lib/libvirt/boot/labvm-initrd.gz</initrd>
    <cmdline>console=ttyS0 labvm.name=labvm1</cmdline>
    <dtb>/var/lib/libvirt/boot/labvm.dtb</dtb>
  </os>`,
      ),
    )
    expect(direct.bootFiles).toEqual([
      KERNEL,
      '/var/lib/libvirt/boot/labvm-initrd.gz',
      '/var/lib/libvirt/boot/labvm.dtb',
      '/usr/share/OVMF/OVMF_CODE.fd',
    ])
  })
})

describe('judging a migration on its facts', () => {
  it('passes a healthy migration, persistent since both definitions are equal', () => {
    const judged = judgeMigration(facts())
    expect(judged.checks.filter((check) => check.level !== 'ok').map((check) => check.id)).toEqual([])
    expect(judged.canStart).toBe(true)
    expect(judged.persistent).toBe(true)
    expect(judged.checks.find((check) => check.id === 'boot-files')).toMatchObject({
      message: { code: 'migrationChecks.bootFilesPresent', params: { files: KERNEL, to: 'hv2' } },
    })
    expect(statusOf(judged)).toMatchObject({
      cpu: 'ok',
      'ceph-secret': 'ok',
      cdrom: 'ok',
      bridges: 'ok',
    })
    expect(judged.followUps.gateway).toEqual({ old: '10.77.11.254', new: '10.77.12.254' })
  })

  it('refuses a VM running on two hosts, or not running on its source', () => {
    expect(statusOf(judgeMigration(facts((f) => (f.runningOn = ['hv1', 'hv3']))))['source-running']).toBe(
      'fail',
    )
    const elsewhere = judgeMigration(facts((f) => (f.runningOn = [])))
    expect(elsewhere.checks[0]).toMatchObject({
      id: 'source-running',
      level: 'fail',
      message: { code: 'migrationChecks.sourceNotRunning' },
    })
    expect(elsewhere.canStart).toBe(false)
  })

  it('says what the source could not give, and judges no destination without it', () => {
    const judged = judgeMigration(
      facts((f) => {
        f.source = { readError: 'virsh did not answer within 15 s' }
        delete f.destination
      }),
    )
    expect(judged.checks.find((check) => check.id === 'source-readable')).toMatchObject({
      level: 'fail',
      message: {
        code: 'migrationChecks.sourceUnreadable',
        params: { error: 'virsh did not answer within 15 s' },
      },
      blocks: ['migrate'],
    })
    expect(judged.checks.some((check) => check.id === 'memory')).toBe(false)
    expect(judged.persistent).toBe(false)
  })

  it('fails a running job on the source, a drifted or missing definition on the destination', () => {
    expect(
      statusOf(judgeMigration(facts((f) => (f.source.job = { type: 'Unbounded', operation: 'Backup' })))),
    ).toMatchObject({ 'source-job': 'fail' })
    const drift = judgeMigration(
      facts(
        (f) =>
          (f.destination!.inactiveXml = inactiveXml.replace(
            '</devices>',
            '<watchdog model="i6300esb"/></devices>',
          )),
      ),
    )
    expect(statusOf(drift)).toMatchObject({ defined: 'ok', drift: 'fail' })
    expect(drift.persistent).toBe(false)
    const missing = judgeMigration(
      facts((f) => {
        delete f.destination!.inactiveXml
        f.destination!.inactiveError = "failed to get domain '1ab0c0de'"
        delete f.destination!.state
      }),
    )
    expect(statusOf(missing)).toMatchObject({ defined: 'fail', 'not-running-on-destination': 'ok' })
  })

  it('weighs the destination’s memory against the VM’s, with a margin', () => {
    const need = definition.memoryKiB
    const memory = (availableKiB: number | undefined) =>
      judgeMigration(
        facts((f) => {
          if (availableKiB === undefined) delete f.destination!.availableKiB
          else f.destination!.availableKiB = availableKiB
        }),
      ).checks.find((check) => check.id === 'memory')?.level
    expect(memory(need - 1)).toBe('fail')
    expect(memory(need + 100 * 1024)).toBe('warn')
    expect(memory(need + 512 * 1024)).toBe('ok')
    expect(memory(undefined)).toBe('warn')
  })

  it('names only the boot files missing on the destination; none needed is ok', () => {
    const INITRD = '/var/lib/libvirt/boot/labvm-initrd.gz'
    const bootCheck = (change: (destination: DestinationFacts) => void) =>
      judgeMigration(facts((f) => change(f.destination!))).checks.find((check) => check.id === 'boot-files')
    const halfThere = bootCheck((destination) => (destination.bootFiles = [KERNEL, INITRD]))
    expect(halfThere).toMatchObject({ level: 'fail', message: { params: { files: INITRD, to: 'hv2' } } })
    expect(englishText(halfThere!.message)).toBe(
      `${INITRD} missing on hv2: QEMU opens the VM's kernel, initrd and firmware from the host's own disk as it starts there. Copy them to the same path on hv2 first.`,
    )
    expect(judgeMigration(facts((f) => (f.destination!.bootFiles = [KERNEL, INITRD]))).canStart).toBe(false)
    expect(bootCheck((destination) => (destination.bootFiles = []))).toMatchObject({
      level: 'ok',
      message: { code: 'migrationChecks.noBootFiles' },
    })
  })

  it('fails a missing ISO, bridge, inactive network or secret without value, naming each', () => {
    const judged = judgeMigration(
      facts((f) => {
        const destination = f.destination!
        destination.present = new Set()
        destination.networks = [{ name: 'default', active: false }]
        destination.secrets = [{ uuid: SECRET, value: '' }]
      }),
    )
    const message = (id: string) => judged.checks.find((check) => check.id === id)
    expect(message('cdrom')).toMatchObject({ level: 'fail', message: { params: { images: ISO, to: 'hv2' } } })
    expect(message('boot-files')).toMatchObject({
      level: 'fail',
      message: { code: 'migrationChecks.bootFilesMissing', params: { files: KERNEL, to: 'hv2' } },
    })
    expect(message('bridges')).toMatchObject({
      level: 'fail',
      message: { params: { missing: 'br0, network:default' } },
    })
    expect(message('ceph-secret')).toMatchObject({
      level: 'fail',
      message: { params: { problems: `${SECRET}: no value` } },
    })
  })

  it('judges the CPU by mode: the host models for passthrough, domcapabilities for a named model', () => {
    const cpu = (change: (f: MigrationFacts) => void) =>
      judgeMigration(facts(change)).checks.find((check) => check.id === 'cpu')
    expect(cpu((f) => (f.destination!.cpuModelUsable = 'no'))).toMatchObject({
      level: 'fail',
      message: { code: 'migrationChecks.cpuModelUnusable' },
    })
    expect(cpu((f) => delete f.destination!.cpuModelUsable)).toMatchObject({ level: 'warn' })
    const passthrough = (destination: string) =>
      cpu((f) => {
        f.source.cpuMode = 'host-passthrough'
        f.cpuModels = { source: 'EPYC', destination }
      })
    expect(passthrough('EPYC')).toMatchObject({ level: 'ok', message: { code: 'migrationChecks.cpuSame' } })
    expect(passthrough('Skylake-Server')).toMatchObject({
      level: 'fail',
      message: { code: 'migrationChecks.cpuDiffers' },
    })
  })

  it('says an unreachable destination, and only that, when it could not be read', () => {
    const judged = judgeMigration(
      facts((f) => {
        f.destinationHost = { status: 'offline', error: 'connection refused' }
        f.destination = { ...healthyDestination(), readError: 'host offline' }
      }),
    )
    expect(statusOf(judged)).toMatchObject({ 'destination-online': 'fail', 'destination-readable': 'fail' })
    expect(judged.checks.some((check) => check.id === 'defined')).toBe(false)
  })
})
