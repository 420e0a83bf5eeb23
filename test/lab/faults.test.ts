/**
 * Fault controls the app's tests use: sshd, libvirtd, network, OSD, monitor, scale VMs.
 * Each test breaks something real, checks it shows, restores it and checks it is back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  addVms,
  cephJson,
  delVms,
  domState,
  faults,
  labCmd,
  labRun,
  requireLab,
  sshAsEtalab,
  virsh,
  waitFor,
  waitForCephWhole,
} from './support/lab'

beforeAll(requireLab, 60_000)

describe('fault controls', () => {
  afterAll(async () => {
    // Whatever failed, put the lab back: hv3's parts side by side, beside Ceph's (the monitor before
    // the OSD, whose start waits until the monitor sees it).
    await Promise.all([
      faults.sshd('hv3', 'start').catch(() => {}),
      faults.libvirtd('hv3', 'start').catch(() => {}),
      faults.net('hv3', 'restore').catch(() => {}),
      faults
        .mon('start')
        .catch(() => {})
        .then(() => faults.osd(3, 'start'))
        .catch(() => {}),
    ])
    // The next file starts from a whole Ceph, not from PGs still recovering (see waitForCephWhole).
    await waitForCephWhole('after the fault controls').catch(() => {})
  }, 240_000)

  it('sshd stop -> connection refused; start -> etalab logs in again', async () => {
    await faults.sshd('hv3', 'stop')
    const r = await sshAsEtalab('hv3', 'true')
    expect(r.code).toBe(255)
    expect(r.stderr).toMatch(/Connection refused/)
    await faults.sshd('hv3', 'start')
    expect((await sshAsEtalab('hv3', 'hostname')).stdout.trim()).toBe('hv3')
  })

  it('sshd kill drops established sessions too', async () => {
    const session = sshAsEtalab('hv3', 'sleep 30', { timeoutMs: 40_000 })
    // The session is established once its command runs on the host.
    await waitFor(
      'the ssh session on hv3',
      async () =>
        (
          await labRun(
            'hv',
            'hv3',
            'sh',
            '-c',
            // hv3's own processes only: the hosts share one PID namespace.
            'me=$(readlink /proc/self/ns/net); for p in $(pgrep -u etalab -x sleep); do [ "$(readlink /proc/$p/ns/net)" = "$me" ] && exit 0; done; exit 1',
          )
        ).code === 0 || undefined,
      10_000,
    )
    await faults.sshd('hv3', 'kill')
    const r = await session
    expect(r.code).toBe(255)
    expect(r.ms).toBeLessThan(10_000)
    expect((await sshAsEtalab('hv3', 'true')).stderr).toMatch(/Connection refused/)
    await faults.sshd('hv3', 'start')
    expect((await sshAsEtalab('hv3', 'hostname')).stdout.trim()).toBe('hv3')
  })

  it('libvirtd stop -> virsh cannot connect; start -> answers; restart keeps a running guest', async () => {
    await faults.libvirtd('hv3', 'stop')
    const r = await sshAsEtalab('hv3', 'virsh -c qemu:///system list')
    expect(r.code).not.toBe(0)
    expect(r.stderr).toMatch(/Failed to connect socket|libvirt-sock/)
    await faults.libvirtd('hv3', 'start')
    expect(await virsh('hv3', 'list --all --name')).toContain('labvm3')
    await faults.libvirtd('hv1', 'restart')
    expect(await domState('hv1', 'labvm1')).toBe('running')
  }, 90_000)

  it('net cut -> hv3 unreachable on both networks; restore -> back', async () => {
    await faults.net('hv3', 'cut')
    try {
      // Both networks at once: each probe waits out its own timeout (2 s, 3 s), side by side.
      const [r, p] = await Promise.all([
        sshAsEtalab('hv3', 'true', { sshOptions: ['-o', 'ConnectTimeout=2'], timeoutMs: 10_000 }),
        labRun('hv', 'hv1', 'timeout', '3', 'bash', '-c', 'exec 3<>/dev/tcp/10.77.0.3/22'),
      ])
      expect(r.code).toBe(255)
      expect(r.stderr).toMatch(/timed out|No route|unreachable/i)
      expect(p.code).not.toBe(0)
    } finally {
      await faults.net('hv3', 'restore')
    }
    expect((await sshAsEtalab('hv3', 'hostname')).stdout.trim()).toBe('hv3')
  })

  it('osd stop shows down in `ceph osd tree` and degrades health; start brings HEALTH_OK back', async () => {
    await faults.osd(3, 'stop')
    type Tree = { nodes: { name: string; status?: string }[] }
    const tree = await cephJson<Tree>('osd', 'tree')
    expect(tree.nodes.find((n) => n.name === 'osd.3')?.status).toBe('down')
    const asEtalab = await sshAsEtalab('hv1', 'ceph --id libvirt osd tree')
    expect(asEtalab.stdout).toMatch(/osd\.3\s+down/)
    // the sata pool keeps serving from its other replica (size 2, min_size 1)
    expect((await sshAsEtalab('hv1', 'rbd --id libvirt info libvirt-sata/labvm3')).code).toBe(0)
    expect(await labCmd('ceph', 'health')).toMatch(/HEALTH_WARN/)
    await faults.osd(3, 'start')
    // HEALTH_OK and more: a restarted (memstore, empty) OSD can read HEALTH_OK before PG_DEGRADED.
    await waitForCephWhole('after osd.3 restarted')
  }, 240_000)

  it('mon stop -> Ceph calls time out; start -> answers again', async () => {
    await faults.mon('stop')
    try {
      const r = await sshAsEtalab('hv2', 'ceph --id libvirt --connect-timeout 3 health', {
        timeoutMs: 20_000,
      })
      expect(r.code).not.toBe(0)
    } finally {
      await faults.mon('start')
    }
    expect((await sshAsEtalab('hv2', 'ceph --id libvirt health')).stdout).toMatch(/HEALTH_/)
    await waitForCephWhole('after the monitor restarted')
  }, 240_000)
})

describe('scale VMs', () => {
  it('add-vms 12 defines scale-001..012 on every host with one UUID each; del-vms removes them', async () => {
    await addVms(12)
    try {
      const lists = await Promise.all(
        ['hv1', 'hv2', 'hv3'].map((h) => virsh(h as 'hv1', 'list --all --uuid --name')),
      )
      const scale = lists.map((l) =>
        l
          .split('\n')
          .filter((x) => x.includes('scale-'))
          .sort(),
      )
      expect(scale[0]).toHaveLength(12)
      expect(scale[1]).toEqual(scale[0])
      expect(scale[2]).toEqual(scale[0])
      expect(await domState('hv2', 'scale-012')).toBe('shut off')
      const images = JSON.parse(await labCmd('rbd', 'ls', '--format', 'json', 'libvirt-sata')) as string[]
      expect(images.filter((i) => i.startsWith('scale-'))).toHaveLength(12)
    } finally {
      await delVms()
    }
    expect(await virsh('hv1', 'list --all --name')).not.toContain('scale-')
    const images = JSON.parse(await labCmd('rbd', 'ls', '--format', 'json', 'libvirt-sata')) as string[]
    expect(images.filter((i) => i.startsWith('scale-'))).toEqual([])
  }, 120_000)
})
