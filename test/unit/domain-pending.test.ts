import fs from 'node:fs'
import path from 'node:path'
import i18next from 'i18next'
import { describe, expect, it } from 'vitest'
import { pendingParts } from '../../src/main/core/inventory/domain-pending'
import { editedDefinition } from '../../src/main/core/inventory/domain-edit'
import { buildDomainXml } from '../../src/main/core/vmdef/builder'
import { pendingChanges } from '../../src/main/core/vmdef/edit'
import type { VmdefDeps } from '../../src/main/core/vmdef/create'
import { englishText } from '../../src/shared/messages/message'
import { i18nOptions } from '../../src/renderer/src/i18n'
import { addMessageFormatters, frenchSpacing, renderMessage } from '../../src/renderer/src/i18n/messages'
import { sessionOverOneShot } from '../support/scripted-virsh'

/**
 * "Pending until restart" from the two definitions of a running VM (issue 19 item 3): what libvirt
 * adds to the running one is no change, anything else that differs is named — whoever changed it.
 * The running/persistent pair is libvirt's own (fixtures/libvirt/SOURCES.md).
 */

const FIXTURES = path.join(__dirname, 'fixtures', 'libvirt', 'pending')
const LIVE = fs.readFileSync(path.join(FIXTURES, 'modern-live.xml'), 'utf8')
const INACTIVE = fs.readFileSync(path.join(FIXTURES, 'modern-inactive.xml'), 'utf8')

describe('pending until restart: running against persistent definition', () => {
  it('libvirt’s runtime additions (id, aliases, tap name, pty paths, autoport, seclabel labels…) are no change', () => {
    expect(pendingParts(LIVE, INACTIVE)).toEqual([])
    expect(pendingParts(INACTIVE, INACTIVE)).toEqual([])
  })

  it('the lab’s running VM (libvirt 9.0, TCG) against its definition, before and after a live eject, is no change', () => {
    const lab = (name: string) => fs.readFileSync(path.join(FIXTURES, `lab-labvm3-${name}.xml`), 'utf8')
    expect(pendingParts(lab('live'), lab('inactive'))).toEqual([])
    expect(pendingParts(lab('live-ejected'), lab('inactive-ejected'))).toEqual([])
    // The definition ejected, the running VM not yet: the CD-ROM media.
    expect(pendingParts(lab('live'), lab('inactive-ejected'))).toEqual(['cdroms'])
    // Started with the drive already empty: libvirt runs it without the driver's format.
    expect(pendingParts(lab('live-started-empty'), lab('inactive-started-empty'))).toEqual([])
    // …and a medium inserted in the definition since is pending.
    expect(pendingParts(lab('live-started-empty'), lab('inactive'))).toEqual(['cdroms'])
    // Another CPU model in the definition (libvirt's default one runs).
    expect(pendingParts(lab('live'), lab('inactive').replace('>qemu64<', '>kvm64<'))).toEqual(['cpu'])
  })

  it('names what an expert edit changed outside the form: features, clock, power actions, devices', () => {
    const edited = INACTIVE.replace('<apic/>', '<apic/>\n    <pae/>')
      .replace("<timer name='hpet' present='no'/>", "<timer name='hpet' present='yes'/>")
      .replace('<on_crash>restart</on_crash>', '<on_crash>destroy</on_crash>')
      .replace('</devices>', "  <watchdog model='i6300esb' action='reset'/>\n  </devices>")
    expect(pendingParts(LIVE, edited)).toEqual(['features', 'clock', 'devices', 'other'])
  })

  it('names the disk, card and console settings the form does not show (cache, model, listen)', () => {
    expect(pendingParts(LIVE, INACTIVE.replace("discard='unmap'", "discard='unmap' cache='none'"))).toEqual([
      'disks',
    ])
    expect(pendingParts(LIVE, INACTIVE.replace("<model type='virtio'/>", "<model type='e1000'/>"))).toEqual([
      'nics',
    ])
    expect(
      pendingParts(LIVE, INACTIVE.replace(/listen='127.0.0.1'|address='127.0.0.1'/g, "address='0.0.0.0'")),
    ).toEqual(['graphics'])
    // A fixed port is the definition's own (compared); autoport's pick is not.
    expect(pendingParts(LIVE, INACTIVE.replace("autoport='yes'", "port='5901' autoport='no'"))).toEqual([
      'graphics',
    ])
  })

  it('names a changed display password without saying it (only the part’s name leaves)', () => {
    const secured = (xml: string, password: string) =>
      xml.replace("<graphics type='spice'", `<graphics type='spice' passwd='${password}'`)
    expect(pendingParts(secured(LIVE, 'old12345'), secured(INACTIVE, 'old12345'))).toEqual([])
    const parts = pendingParts(secured(LIVE, 'old12345'), secured(INACTIVE, 'new12345'))
    expect(parts).toEqual(['displayPassword'])
    expect(JSON.stringify(parts)).not.toMatch(/12345/)
    expect(pendingParts(LIVE, secured(INACTIVE, 'new12345'))).toEqual(['displayPassword'])
  })

  it('a device hot-plugged into the running VM (another slot there) is no change', () => {
    const nic = (slot: string) =>
      `<interface type='bridge'>\n      <mac address='52:54:00:00:00:02'/>\n      <source bridge='br0'/>${
        slot === '0x0c' ? "\n      <target dev='vnet7'/>\n      <alias name='net1'/>" : ''
      }\n      <model type='virtio'/>\n      <address type='pci' domain='0x0000' bus='0x00' slot='${slot}' function='0x0'/>\n    </interface>\n    <serial`
    expect(
      pendingParts(LIVE.replace('<serial', nic('0x0c')), INACTIVE.replace('<serial', nic('0x0a'))),
    ).toEqual([])
  })

  describe('the CPU', () => {
    /**
     * A host-model CPU as `dumpxml --inactive` prints it, and as the running VM shows it: expanded to
     * the host's model with check='full' and the features QEMU enabled (libvirt's formatdomain
     * "host-model"; cockpit-machines' needsShutdownCpuModel reads the running one the same way).
     */
    const HOST_MODEL =
      "<cpu mode='host-model' check='partial'>\n    <feature policy='disable' name='vmx'/>\n  </cpu>"
    const EXPANDED = `<cpu mode='custom' match='exact' check='full'>
    <model fallback='forbid'>Skylake-Client-IBRS</model>
    <vendor>Intel</vendor>
    <feature policy='require' name='ss'/>
    <feature policy='require' name='hypervisor'/>
    <feature policy='disable' name='vmx'/>
  </cpu>`
    const CUSTOM = (model: string, extra = '') =>
      `<cpu mode='custom' match='exact' check='partial'>\n    <model fallback='allow'>${model}</model>${extra}\n  </cpu>`
    const withCpu = (xml: string, cpu: string) => xml.replace(/<cpu>[\s\S]*?<\/cpu>/, cpu)

    it('a host-model CPU expanded by libvirt, or a custom one completed with check=full, is no change', () => {
      expect(pendingParts(withCpu(LIVE, EXPANDED), withCpu(INACTIVE, HOST_MODEL))).toEqual([])
      const completed = CUSTOM('Haswell-noTSX')
        .replace("check='partial'", "check='full'")
        .replace(
          "fallback='allow'>Haswell-noTSX</model>",
          "fallback='forbid'>Haswell-noTSX</model>\n    <feature policy='require' name='hypervisor'/>",
        )
      expect(pendingParts(withCpu(LIVE, completed), withCpu(INACTIVE, CUSTOM('Haswell-noTSX')))).toEqual([])
      // No <cpu> in the definition: libvirt may give the running VM its default model.
      expect(
        pendingParts(withCpu(LIVE, CUSTOM('qemu64')), INACTIVE.replace(/<cpu>[\s\S]*?<\/cpu>/, '')),
      ).toEqual([])
    })

    it('another model, mode, feature or topology is pending', () => {
      const live = withCpu(LIVE, CUSTOM('Haswell-noTSX'))
      expect(pendingParts(live, withCpu(INACTIVE, CUSTOM('Skylake-Client')))).toEqual(['cpu'])
      expect(pendingParts(live, withCpu(INACTIVE, "<cpu mode='host-passthrough'/>"))).toEqual(['cpu'])
      expect(
        pendingParts(
          live,
          withCpu(INACTIVE, CUSTOM('Haswell-noTSX', "\n    <feature policy='require' name='pcid'/>")),
        ),
      ).toEqual(['cpu'])
      expect(
        pendingParts(
          live,
          withCpu(INACTIVE, CUSTOM('Haswell-noTSX', "\n    <topology sockets='1' cores='2' threads='1'/>")),
        ),
      ).toEqual(['cpu'])
      expect(pendingParts(withCpu(LIVE, EXPANDED), withCpu(INACTIVE, CUSTOM('Skylake-Client')))).toEqual([
        'cpu',
      ])
      expect(
        pendingParts(LIVE.replace(/<cpu>[\s\S]*?<\/cpu>/, ''), withCpu(INACTIVE, CUSTOM('qemu64'))),
      ).toEqual(['cpu'])
    })
  })

  it('the form’s settings keep their names, in the view’s order', () => {
    const xml = buildDomainXml({
      name: 'web1',
      uuid: '6f1c1d2e-3a4b-4c5d-8e9f-0a1b2c3d4e5f',
      domainType: 'kvm',
      machine: 'pc-i440fx-7.2',
      vcpus: 2,
      memoryMiB: 1024,
      disk: {
        pool: 'libvirt-ssd',
        image: 'web1',
        cephUser: 'libvirt',
        secretUuid: '6f1c1d2e-3a4b-4c5d-8e9f-0a1b2c3d4e5f',
      },
      nic: { mac: '52:54:00:12:34:56', bridge: 'br0' },
      keyboardLayout: 'fr',
      iso: '/var/lib/libvirt/images/debian-12.iso',
    })
    const persistent = editedDefinition(xml, { maxMemoryMiB: 2048, bootOrder: ['cdrom', 'hd'] }).replace(
      '<features>',
      '<features><pae/>',
    )
    expect(pendingParts(xml, persistent)).toEqual(['maxMemoryMiB', 'bootOrder', 'features'])
    // The description changes without a restart.
    expect(pendingParts(xml, editedDefinition(xml, { description: 'web' }))).toEqual([])
  })
})

describe('vm.pending', () => {
  const running = (live: string, inactive: string) => {
    const asked: string[][] = []
    const deps = {
      inventory: { vm: () => ({ runningOn: ['hv2'] }) },
      runner: {
        virshQuery: sessionOverOneShot(async (_host, argv) => {
          asked.push([...argv])
          return {
            stdout: argv.includes('--inactive') ? inactive : live,
            stderr: '',
            exitCode: 0,
            durationMs: 0,
          }
        }),
      },
    } as unknown as VmdefDeps
    return { deps, asked }
  }
  const UUID = 'dcf47dbd-46d1-4d5b-b442-262a806a333a'

  it('reads both definitions where it runs, with their security data, and names what differs as a message', async () => {
    const { deps, asked } = running(
      LIVE,
      INACTIVE.replace('<apic/>', '<apic/><pae/>').replace('<on_crash>restart', '<on_crash>destroy'),
    )
    const pending = await pendingChanges(deps, UUID)
    expect(asked.map((argv) => argv.join(' ')).sort()).toEqual([
      `dumpxml --inactive --security-info ${UUID}`,
      `dumpxml --security-info ${UUID}`,
    ])
    expect(pending.fields).toEqual(['features', 'other'])
    expect(englishText(pending.message!)).toBe(
      'Pending until restart: machine features (ACPI, APIC…) and other settings (CPU tuning, memory backing, power actions…).',
    )
    const i18n = i18next.createInstance()
    await i18n.init(await i18nOptions('fr'))
    addMessageFormatters(i18n)
    expect(renderMessage(i18n.t, pending.message!)).toBe(
      frenchSpacing(
        'En attente du redémarrage : fonctions de la machine (ACPI, APIC…) et autres réglages (affinité CPU, mémoire, actions à l’arrêt ou au plantage…).',
      ),
    )
  })

  it('says nothing when both agree', async () => {
    expect(await pendingChanges(running(LIVE, INACTIVE).deps, UUID)).toEqual({ host: 'hv2', fields: [] })
  })
})
