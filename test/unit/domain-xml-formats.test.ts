/**
 * Domain XML as libvirt writes it (its own test data and the lab's libvirt 9.0; sources in
 * test/unit/fixtures/libvirt/SOURCES.md), read fully: namespaces, snapshots, several monitors,
 * <auth> in either place, storage-pool volumes and other protocols; a truncated or broken document is
 * an error naming the host and the VM, never a VM with fewer disks.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { DomainXmlError, parseDomainXml } from '../../src/main/core/inventory/domain-xml'
import { imageSpec } from '../../src/main/core/ceph/image'
import { resolvePoolVolumes, uncheckableDisks } from '../../src/main/core/vm/lifecycle'

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, 'fixtures', 'libvirt', name), 'utf8')

describe('RBD disks as libvirt writes them', () => {
  it('reads monitors, <snapshot>, namespaces and <auth> inside <disk> (disk-network-rbd.xml)', () => {
    const disks = parseDomainXml(fixture('disk-network-rbd.xml')).disks
    expect(disks.map((disk) => disk.target)).toEqual(['vda', 'vdb', 'vdc', 'vdd', 'vde', 'vdf'])
    expect(disks[0]?.rbd).toEqual({
      pool: 'pool',
      image: 'image',
      monitors: [
        { name: 'mon1.example.org', port: 6321 },
        { name: 'mon2.example.org', port: 6322 },
        { name: 'mon3.example.org', port: 6322 },
      ],
    })
    expect(disks[1]?.rbd).toEqual({ pool: 'pool', image: 'image', snapshot: 'asdf' })
    expect(disks[2]?.rbd?.snapshot).toBe('foo')
    expect(disks[4]?.rbd).toMatchObject({
      pool: 'pool',
      namespace: 'namespace',
      image: 'image',
      auth: { username: 'myname', secretUsage: 'mycluster_myname' },
    })
    expect(disks[5]?.rbd?.monitors?.map((monitor) => monitor.name)).toEqual([
      '::1',
      'example.org',
      'ffff:1234:567:abc::0f',
      '2001:db8::ff00:42:8329',
    ])
    // The namespace reaches the rbd commands: pool/namespace/image.
    expect(imageSpec(disks[4]!.rbd!)).toBe('pool/namespace/image')
  })

  it('reads <auth> inside <source> (libvirt 3.9 and later) and keeps iSCSI apart', () => {
    const disks = parseDomainXml(fixture('disk-network-source-auth.xml')).disks
    expect(disks[0]).toMatchObject({
      target: 'vda',
      network: { protocol: 'iscsi', name: 'iqn.1992-01.com.example:storage/1' },
    })
    expect(disks[0]?.rbd).toBeUndefined()
    expect(disks[2]?.rbd).toMatchObject({
      pool: 'pool',
      image: 'image2',
      auth: { username: 'myname', secretUsage: 'client.admin secret' },
    })
    const iscsi = parseDomainXml(fixture('disk-network-iscsi.xml')).disks
    expect(iscsi).toHaveLength(7)
    expect(iscsi.every((disk) => disk.network?.protocol === 'iscsi' && !disk.rbd)).toBe(true)
  })

  it("reads the lab's own definition (libvirt 9.0, auth inside <disk>, secret by UUID)", () => {
    const definition = parseDomainXml(fixture('lab-labvm1.xml'), { host: 'hv1' })
    expect(definition.disks[0]?.rbd).toEqual({
      pool: 'libvirt-ssd',
      image: 'labvm1',
      monitors: [{ name: '10.77.0.254', port: 6789 }],
      auth: { username: 'libvirt', secretUuid: '5a1b7e57-c3f0-4d1b-9a6e-000000000c1b' },
    })
    expect(definition.disks[1]).toMatchObject({ device: 'cdrom', file: expect.stringMatching(/\.iso$/) })
  })

  it('reads storage-pool volumes (to report them), whatever the attribute order; an empty CD-ROM is fine', () => {
    const disks = parseDomainXml(fixture('disk-source-pool.xml')).disks
    expect(disks.map((disk) => [disk.target, disk.volume])).toEqual([
      ['hda', { pool: 'pool-disk', volume: 'block+cdrom' }],
      ['hdc', undefined],
      ['hdd', undefined],
      ['vda', { pool: 'pool-disk', volume: 'dir+vol1' }],
      ['vdb', { pool: 'pool-disk', volume: 'dir+vol2' }],
    ])
  })
})

describe('a broken definition is an error, never fewer disks', () => {
  const xml = fixture('disk-network-rbd.xml')
  const at = (text: string) => xml.indexOf(text)

  it('refuses a document cut anywhere after its first disk', () => {
    for (const cut of [
      at(
        "<disk type='network' device='disk'>\n      <driver name='qemu' type='raw'/>\n      <source protocol='rbd' name='pool/image'>\n        <snapshot",
      ),
      at('<controller'),
      at('</devices>'),
      xml.length - 3,
    ]) {
      const error = (() => {
        try {
          parseDomainXml(xml.slice(0, cut), { host: 'hv2', vm: 'web 1' })
        } catch (caught) {
          return caught
        }
        return undefined
      })()
      expect(error, `cut at ${cut}`).toBeInstanceOf(DomainXmlError)
      expect(error).toMatchObject({
        code: 'domain-xml.invalid',
        host: 'hv2',
        details: { text: 'domainXmlInvalid', params: { host: 'hv2', vm: 'web 1' } },
      })
      expect((error as Error).message).toContain('web 1 on hv2')
    }
  })

  it('refuses what is not a domain definition', () => {
    for (const text of [
      'error: failed to get domain',
      '<domain><name>x</name></domain>',
      "<domain type='kvm'><name>x</name><uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid></domain>",
      '',
    ])
      expect(() => parseDomainXml(text, { host: 'hv1', vm: 'x' }), text).toThrow(DomainXmlError)
  })

  it('refuses a disk it cannot understand, naming it', () => {
    const bad = (source: string) =>
      `<domain type='kvm'><name>vm</name><uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid><devices><disk type='network' device='disk'>${source}<target dev='vdz' bus='virtio'/></disk></devices></domain>`
    for (const source of [
      "<source protocol='rbd' name='just-an-image'/>",
      "<source protocol='rbd' name='a/b/c/d'/>",
      "<source protocol='rbd' name='pool/image@s1'><snapshot name='s2'/></source>",
      "<source protocol='rbd' name='pool/image'><host name='mon1' port='x'/></source>",
      "<source name='pool/image'/>",
    ])
      expect(() => parseDomainXml(bad(source), { host: 'hv3' }), source).toThrow(/Disk vdz of vm on hv3/)
  })
})

describe('the start guard and disks it cannot check', () => {
  const base = {
    uuid: 'c7a5fdbd-edaf-9455-926a-d65c16db1809',
    name: 'QEMUGuest1',
    state: 'shutoff' as const,
    autostart: false,
    managedSave: false,
  }

  it('refuses a VM whose definition could not be read (its disks are unknown)', () => {
    let error: DomainXmlError | undefined
    try {
      parseDomainXml(fixture('disk-network-rbd.xml').slice(0, 900), { host: 'hv1', vm: 'QEMUGuest1' })
    } catch (caught) {
      error = caught as DomainXmlError
    }
    const refusals = uncheckableDisks({ ...base, definitionError: error!.toData() }, 'hv1')
    expect(refusals).toEqual([
      expect.objectContaining({
        code: 'definition-unreadable',
        message: expect.stringContaining('not complete, well-formed XML'),
      }),
    ])
  })

  it('resolves pool volumes on the host: a writable RBD one → its image, a local one → asked, others refused', async () => {
    const xml = fixture('disk-source-pool.xml')
    // The same definition with vdb writable, like libvirt's formatdomain docs' blk-pool0 volume disk.
    const writable = xml.replace(
      "<target dev='vdb' bus='virtio'/>\n      <readonly/>",
      "<target dev='vdb' bus='virtio'/>",
    )
    const domainOf = (text: string) => ({ ...base, definition: parseDomainXml(text) })
    const runner = (answer: { stdout?: string; stderr?: string; exitCode?: number }) => {
      const asked: string[][] = []
      return {
        asked,
        virsh: async (_host: string, args: readonly string[]) => {
          asked.push([...args])
          return {
            stdout: answer.stdout ?? '',
            stderr: answer.stderr ?? '',
            exitCode: answer.exitCode ?? 0,
            durationMs: 1,
          }
        },
      }
    }
    // Where the start's probe found each local volume (by the disk's target): its file there.
    const foundVolume = async (target: string) => ({
      path: `/var/lib/libvirt/images/${target}`,
      exists: true,
    })
    // As shipped every volume there is read-only (harmless to share): only whether the host has it
    // is asked (its pool first); a pool whose answer cannot be read refuses nothing for them.
    const poolAsked = ['pool-dumpxml', 'pool-disk']
    const none = runner({})
    expect(await resolvePoolVolumes(none, 'hv1', domainOf(xml), foundVolume)).toEqual({
      images: [],
      refusals: [],
    })
    expect(none.asked).toEqual([poolAsked, poolAsked, poolAsked])
    const rbd = runner({ stdout: fixture('pool-rbd.xml') })
    const oddName = await resolvePoolVolumes(rbd, 'hv1', domainOf(writable), foundVolume)
    expect(oddName.images).toEqual([])
    expect(oddName.refusals[0]?.message).toContain(
      'an RBD image whose name (rbd/dir+vol2) Hyperdesk cannot pass to rbd',
    )
    // The read-only RBD volumes: shared, nothing more asked of them.
    expect(rbd.asked).toEqual([poolAsked, poolAsked, poolAsked])
    // A volume name rbd accepts is checked like any RBD disk.
    const named = writable.replace("volume='dir+vol2'", "volume='web-disk0'")
    expect(
      await resolvePoolVolumes(
        runner({ stdout: fixture('pool-rbd.xml') }),
        'hv1',
        domainOf(named),
        foundVolume,
      ),
    ).toEqual({
      images: [{ pool: 'rbd', image: 'web-disk0' }],
      refusals: [],
    })
    // A local pool's volume, read-only or not: not Ceph, but the host must have it (the probe says so).
    const local = runner({ stdout: fixture('pool-dir.xml') })
    expect(await resolvePoolVolumes(local, 'hv1', domainOf(named), foundVolume)).toEqual({
      images: [],
      refusals: [],
    })
    expect(local.asked).toEqual([poolAsked, poolAsked, poolAsked])
    const nfs = await resolvePoolVolumes(
      runner({ stdout: "<pool type='netfs'><name>shared</name></pool>" }),
      'hv1',
      domainOf(named),
      foundVolume,
    )
    expect(nfs.refusals[0]?.message).toContain('a netfs pool, shared storage without watchers to read')
    const unreadable = await resolvePoolVolumes(
      runner({ exitCode: 1, stderr: 'error: failed to connect to the hypervisor' }),
      'hv1',
      domainOf(named),
      foundVolume,
    )
    // The pool that cannot be read: a message for the window, virsh's own words as its detail.
    expect(unreadable.refusals[0]?.text).toMatchObject({
      code: 'vmErrors.refusedVolume',
      params: { pool: 'pool-disk', why: { code: 'vmErrors.poolUnreadable', params: { host: 'hv1' } } },
      detail: expect.stringContaining('error: failed to connect to the hypervisor'),
    })
    expect(unreadable.refusals[0]?.message).toContain('cannot be read on hv1')
    const dashedRunner = runner({})
    const dashed = await resolvePoolVolumes(
      dashedRunner,
      'hv1',
      domainOf(named.replace("pool='pool-disk' volume='web-disk0'", "pool='--all' volume='web-disk0'")),
      foundVolume,
    )
    expect(dashed.refusals[0]?.message).toContain('whose name Hyperdesk will not pass to virsh')
    // Only the other (read-only) volumes' pool asked: never "--all".
    expect(dashedRunner.asked).toEqual([poolAsked, poolAsked])
    expect(
      await resolvePoolVolumes(none, 'hv1', domainOf(fixture('disk-network-rbd.xml')), foundVolume),
    ).toEqual({
      images: [],
      refusals: [],
    })
  })
})
