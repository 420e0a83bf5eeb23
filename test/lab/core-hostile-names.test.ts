/**
 * VM names as libvirt allows them (anything but '/' and newlines), through the real core on the lab.
 * Defines, on every host, VMs named like the ones admins really have and like an attacker would
 * choose, each with its own small RBD image; "Windows 10 Pro" runs on hv3 (it has no OS: it sits in
 * the BIOS, VNC and serial still answer). Then every path reads them by UUID and shows the exact
 * name: inventory (refresh and events), the double-start guard, migration pre-checks, definition
 * sync, VNC and serial consoles, settings, storage owners, maintenance, the virsh session. Nothing
 * in a name is ever run: no /tmp/pwn appears on any host. Everything is removed in afterAll.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { typedCall } from '../support/in-process-core'
import { parseDomstats } from '../../src/main/core/inventory/virsh-parse'
import type { MaintenancePlan } from '../../src/shared/maintenance'
import { englishText } from '../../src/shared/messages'
import type { DefinitionDiff, MigrationPlan, SyncResult } from '../../src/shared/migration'
import type { StorageListing } from '../../src/shared/storage'
import { attachStream, streamOnLoopback } from '../support/core-stream'
import { labCore, type LabCore } from '../support/lab-core'
import {
  asRootOn,
  labCmd,
  labRun,
  LAB_HOSTS,
  LAB_MON_ADDRESS,
  LAB_SECRET_UUID,
  requireLab,
  run,
  waitFor,
  type LabHostName,
} from './support/lab'
import { RfbClient } from './support/rfb'

const HOSTS: LabHostName[] = LAB_HOSTS.map((host) => host.name)
const POOL = 'libvirt-sata'
/** A name that runs `touch /tmp/pwn` wherever a shell or virsh would read it as a command. */
const PWN = "x;$(touch $(printf '\\057tmp\\057pwn'))"
const VMS = [
  'Windows 10 Pro',
  '-x',
  `a'b"c`,
  'été ☃',
  PWN,
  "`touch $(printf '\\057tmp\\057pwn')` --help",
  "a': Started Booted",
  ' lead and trail ',
].map((name, index) => ({
  name,
  uuid: `4a3e0001-0000-4000-8000-${String(index + 1).padStart(12, '0')}`,
  image: `hd-hostile-${index + 1}`,
}))
const [WINDOWS, DASH, QUOTES, UNICODE] = VMS as [
  (typeof VMS)[number],
  (typeof VMS)[number],
  (typeof VMS)[number],
  (typeof VMS)[number],
]
const PWN_VM = VMS.find((vm) => vm.name === PWN)!
/** Where "Windows 10 Pro" runs, and where "été ☃" has autostart. */
const HOME: LabHostName = 'hv3'

const escapeXml = (text: string) =>
  text.replace(
    /[&<>'"]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', "'": '&apos;', '"': '&quot;' })[c]!,
  )

function domainXml(vm: (typeof VMS)[number], description = ''): string {
  return `<domain type='qemu'>
  <name>${escapeXml(vm.name)}</name>
  <uuid>${vm.uuid}</uuid>${description ? `\n  <description>${escapeXml(description)}</description>` : ''}
  <memory unit='MiB'>32</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><boot dev='hd'/></os>
  <on_poweroff>destroy</on_poweroff>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='network' device='disk'>
      <driver name='qemu' type='raw' cache='writeback'/>
      <auth username='libvirt'><secret type='ceph' uuid='${LAB_SECRET_UUID}'/></auth>
      <source protocol='rbd' name='${POOL}/${vm.image}'><host name='${LAB_MON_ADDRESS}' port='6789'/></source>
      <target dev='vda' bus='virtio'/>
    </disk>
    <serial type='pty'><target port='0'/></serial>
    <console type='pty'><target type='serial' port='0'/></console>
    <graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1'><listen type='address' address='127.0.0.1'/></graphics>
  </devices>
</domain>
`
}

/** virsh as root on a host, the domain always by UUID; the XML on stdin. */
const rootVirsh = (host: LabHostName, ...args: string[]) =>
  asRootOn(host, 'virsh', '-c', 'qemu:///system', ...args)
const defineOn = (host: LabHostName, xml: string) =>
  asRootOn(host, 'sh', '-c', 'printf "%s" "$1" | virsh -c qemu:///system define /dev/stdin', 'sh', xml)
/** Every XML defined on a host in one `lab hv` call (one per VM cost ~0.5 s each on a loaded machine). */
const defineAllOn = (host: LabHostName, xmls: string[]) =>
  asRootOn(
    host,
    'sh',
    '-c',
    'for xml; do printf "%s" "$xml" | virsh -c qemu:///system define /dev/stdin || exit 1; done',
    'sh',
    ...xmls,
  )

/** Removes what this file defines, also after a run that died half-way. */
async function removeAll(): Promise<void> {
  // The pool is listed while the hosts drop the domains: only images there are removed (8 rbd
  // processes that find nothing cost ~2 s on a loaded machine, one listing ~1 s).
  const [listed] = await Promise.all([
    labCmd('rbd', 'ls', POOL),
    ...HOSTS.map(async (host) => {
      const script = VMS.map(
        (vm) =>
          `virsh -c qemu:///system destroy ${vm.uuid} >/dev/null 2>&1; virsh -c qemu:///system undefine ${vm.uuid} >/dev/null 2>&1`,
      ).join('; ')
      await labRun('hv', host, 'sh', '-c', `${script}; true`)
    }),
  ])
  const present = new Set(listed.split('\n').map((line) => line.trim()))
  // The images side by side (one rbd process each; in a row they cost ~1 s apiece).
  await Promise.all(
    VMS.filter((vm) => present.has(vm.image)).map((vm) =>
      // A destroyed QEMU's watch goes at once in the lab; give it a few tries anyway.
      waitFor(`rbd rm ${vm.image}`, async () => {
        const result = await labRun('rbd', 'rm', '--no-progress', `${POOL}/${vm.image}`)
        return result.code === 0 || /No such file|does not exist/i.test(result.stderr) ? true : undefined
      }),
    ),
  )
}

async function pwnAnywhere(): Promise<string[]> {
  const [hosts, local] = await Promise.all([
    Promise.all(
      HOSTS.map(async (host) =>
        (await labRun('hv', host, 'test', '-e', '/tmp/pwn')).code === 0 ? [host] : [],
      ),
    ),
    run('test', ['-e', '/tmp/pwn']),
  ])
  return [...hosts.flat(), ...(local.code === 0 ? ['local'] : [])]
}

let lab: LabCore
const vmView = (uuid: string) => lab.context.inventory.vm(uuid)

beforeAll(async () => {
  await requireLab()
  const [pwn] = await Promise.all([pwnAnywhere(), removeAll()])
  expect(pwn).toEqual([])
  // The images and the definitions side by side: libvirt reads no disk at define time.
  await Promise.all([
    ...VMS.map((vm) => labCmd('rbd', 'create', '--size', '4M', `${POOL}/${vm.image}`)),
    ...HOSTS.map((host) =>
      defineAllOn(
        host,
        VMS.map((vm) => domainXml(vm)),
      ),
    ),
  ])
  await rootVirsh(HOME, 'autostart', UNICODE.uuid)
  // No periodic poll: after the first refresh, only events (and what the app does) move the inventory.
  lab = await labCore(undefined, { inventoryPollMs: 10 * 60_000 })
  await lab.waitForInventory()
  await rootVirsh(HOME, 'start', WINDOWS.uuid)
  // From its event, or from the catch-up refresh once hv3's event stream is up (its first tries,
  // before the host was online, back off up to 10 s).
  await waitFor(
    'Windows 10 Pro running on hv3 in the inventory (from its event)',
    () => (lab.context.inventory.domain(HOME, WINDOWS.uuid)?.state === 'running' ? true : undefined),
    45_000,
  )
}, 180_000)

afterAll(async () => {
  await lab?.cleanup()
  await removeAll()
  expect(await pwnAnywhere()).toEqual([])
}, 120_000)

describe('hostile VM names', () => {
  it('inventory: every host shows each exact name and state', async () => {
    await lab.core.call('inventory.refresh', {})
    for (const host of HOSTS) {
      for (const vm of VMS) {
        const domain = lab.context.inventory.domain(host, vm.uuid)
        expect(domain?.name, `${vm.name} on ${host}`).toBe(vm.name)
        expect(domain?.definition?.name).toBe(vm.name)
        expect(domain?.state, `${vm.name} on ${host}`).toBe(
          vm === WINDOWS && host === HOME ? 'running' : 'shutoff',
        )
      }
    }
    expect(vmView(WINDOWS.uuid)).toMatchObject({ runningOn: [HOME], definedOn: HOSTS, flags: [] })
    expect(lab.context.inventory.domain(HOME, WINDOWS.uuid)?.displayPort).toBeGreaterThanOrEqual(5900)
    expect(lab.context.inventory.domain(HOME, UNICODE.uuid)?.autostart).toBe(true)
  })

  it('double-start guard: refuses to start the running one on another host', async () => {
    const job = await lab.runJob('vm.start', { uuid: WINDOWS.uuid, host: 'hv1' })
    expect(job.state).toBe('failed')
    expect(job.error?.message).toContain('Windows 10 Pro is running on hv3')
    expect((await rootVirsh('hv1', 'domstate', WINDOWS.uuid)).trim()).toBe('shut off')
  })

  it('migration pre-checks read it by UUID and name it exactly', async () => {
    const plan = (await lab.core.call('vm.migrationPlan', { uuid: WINDOWS.uuid, to: 'hv1' })) as MigrationPlan
    expect(plan.name).toBe('Windows 10 Pro')
    const check = (id: string) => plan.checks.find((c) => c.id === id)
    expect(check('source-running')?.level).toBe('ok')
    expect(englishText(check('source-running')!.message)).toBe('Windows 10 Pro runs on hv3.')
    expect(check('defined')?.level).toBe('ok')
    expect(check('drift')?.level).toBe('ok')
    expect(check('not-running-on-destination')?.level).toBe('ok')
  })

  it('definition sync: the name travels inside the XML, drift and all', async () => {
    await defineOn('hv2', domainXml(QUOTES, 'edited on hv2 only'))
    await lab.core.call('inventory.refresh', { host: 'hv2' })
    const diff = (await lab.core.call('vm.definitionDiff', {
      uuid: QUOTES.uuid,
      reference: 'hv1',
    })) as DefinitionDiff
    expect(diff.hosts.map((h) => `${h.host}:${h.status}`)).toEqual([
      'hv1:reference',
      'hv2:different',
      'hv3:same',
    ])
    const job = await lab.runJob('vm.syncDefinition', { uuid: QUOTES.uuid, from: 'hv1' })
    expect(job.state).toBe('succeeded')
    expect((job.result as SyncResult).hosts.find((h) => h.host === 'hv2')?.outcome).toBe('defined')
    expect((await rootVirsh('hv2', 'domname', QUOTES.uuid)).trim()).toBe(`a'b"c`)
    expect(lab.context.inventory.domain('hv2', QUOTES.uuid)?.name).toBe(`a'b"c`)
    expect(vmView(QUOTES.uuid)?.flags).not.toContain('drift')
  })

  it('consoles: VNC display looked up by UUID, desktop "QEMU (Windows 10 Pro)" and "QEMU (été ☃)"; serial console', async () => {
    const opened = await typedCall(lab.core, 'console.openVnc', { uuid: WINDOWS.uuid })
    expect(opened).toMatchObject({ host: HOME, expectedDesktopName: 'QEMU (Windows 10 Pro)' })
    const loopback = await streamOnLoopback(lab.core, opened.streamId)
    try {
      const { client, info } = await RfbClient.connect('127.0.0.1', loopback.port)
      expect(info.name).toBe(opened.expectedDesktopName)
      await client.close()
    } finally {
      await loopback.close()
    }
    // QEMU sends the desktop name as UTF-8: a unicode name must still match, or the console stays blank.
    await rootVirsh('hv2', 'start', UNICODE.uuid)
    try {
      await waitFor(
        'été ☃ running on hv2 in the inventory',
        () => (lab.context.inventory.domain('hv2', UNICODE.uuid)?.state === 'running' ? true : undefined),
        45_000,
      )
      const unicode = await typedCall(lab.core, 'console.openVnc', { uuid: UNICODE.uuid })
      expect(unicode).toMatchObject({ host: 'hv2', expectedDesktopName: 'QEMU (été ☃)' })
      const port = await streamOnLoopback(lab.core, unicode.streamId)
      try {
        const { client, info } = await RfbClient.connect('127.0.0.1', port.port)
        expect(info.name).toBe('QEMU (été ☃)')
        await client.close()
      } finally {
        await port.close()
      }
    } finally {
      await rootVirsh('hv2', 'destroy', UNICODE.uuid)
    }
    const serial = await typedCall(lab.core, 'console.openSerial', { uuid: WINDOWS.uuid, cols: 80, rows: 24 })
    const end = attachStream(lab.core, serial.streamId)
    await end.waitFor("Connected to domain 'Windows 10 Pro'")
    end.close()
  })

  it('settings are written by UUID on every host', async () => {
    const job = await lab.runJob('vm.setSettings', { uuid: PWN_VM.uuid, settings: { keyboardLayout: 'fr' } })
    expect(job.state).toBe('succeeded')
    for (const host of HOSTS) {
      const domain = lab.context.inventory.domain(host, PWN_VM.uuid)
      expect(domain?.name).toBe(PWN)
      expect(domain?.definition?.hyperdesk).toEqual({ keyboardLayout: 'fr' })
    }
    expect(vmView(PWN_VM.uuid)?.flags).not.toContain('drift')
  })

  it('storage: each image names the VM that uses it', async () => {
    const listing = (await lab.core.call('storage.list', { pool: POOL })) as StorageListing
    const images = listing.pools.find((p) => p.pool === POOL)?.images ?? []
    for (const vm of VMS) {
      const image = images.find((i) => i.name === vm.image)
      expect(image?.usedBy, vm.image).toEqual([
        expect.objectContaining({ uuid: vm.uuid, name: vm.name, runningOn: vm === WINDOWS ? [HOME] : [] }),
      ])
    }
    expect(images.find((i) => i.name === WINDOWS.image)?.watchers).toHaveLength(1)
  })

  it('maintenance: moves and autostart fixes name the VM, and address it by UUID', async () => {
    const plan = (await lab.core.call('maintenance.plan', { host: HOME })) as MaintenancePlan
    expect(plan.moves.map((move) => [move.uuid, move.name])).toEqual([[WINDOWS.uuid, 'Windows 10 Pro']])
    const autostart = plan.checks.find((c) => c.id === 'autostart')
    expect(englishText(autostart!.message)).toContain('été ☃')
    expect(englishText(autostart!.fix!.message!)).toBe(`Disable autostart on ${HOME} (by UUID):`)
    expect(autostart?.fix?.command).toBe(`virsh autostart --disable ${UNICODE.uuid}   # "été ☃"`)
  })

  it('an event for a VM named like an event line moves that VM only', async () => {
    const tricky = VMS.find((vm) => vm.name === "a': Started Booted")!
    await rootVirsh('hv1', 'start', tricky.uuid)
    try {
      await waitFor(
        `"a': Started Booted" running on hv1`,
        () => (lab.context.inventory.domain('hv1', tricky.uuid)?.state === 'running' ? true : undefined),
        45_000,
      )
      expect(lab.context.inventory.domain('hv1', DASH.uuid)?.state).toBe('shutoff')
    } finally {
      await rootVirsh('hv1', 'destroy', tricky.uuid)
    }
    await waitFor(`"a': Started Booted" shut off on hv1`, () =>
      lab.context.inventory.domain('hv1', tricky.uuid)?.state === 'shutoff' ? true : undefined,
    )
  })

  it('the virsh session reads them by UUID too (domstats keyed by the exact name)', async () => {
    const blank = VMS.find((vm) => vm.name === ' lead and trail ')!
    const sections = await lab.context.runner.virshQuery(HOME, [
      { id: 'running', command: ['domstats', '--raw', '--state', WINDOWS.uuid] },
      { id: 'blank', command: ['domstats', '--raw', '--state', blank.uuid] },
    ])
    expect(parseDomstats(sections.get('running')?.text ?? '')).toMatchObject([
      { name: 'Windows 10 Pro', state: 'running' },
    ])
    expect(parseDomstats(sections.get('blank')?.text ?? '')).toMatchObject([
      { name: ' lead and trail ', state: 'shutoff' },
    ])
  })

  it('ran nothing from a name', async () => {
    expect(await pwnAnywhere()).toEqual([])
  })
})
