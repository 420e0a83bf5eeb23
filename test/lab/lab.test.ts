/**
 * The lab itself: three isolated hypervisors that look like the runbook's, Ceph reachable as etalab,
 * guests with VNC and serial consoles, a --p2p live migration over the private network.
 * Needs `sudo npm run lab:up` first; fails (never skips) without it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  LAB_GUESTS,
  LAB_HOSTS,
  LAB_GUEST_BOOT_FILES,
  LAB_ISO,
  LAB_SECRET_UUID,
  type LabHostName,
  asRootOn,
  domState,
  faults,
  labCmd,
  labHost,
  readHostSyslog,
  readSerialLog,
  requireLab,
  sshAsEtalab,
  sshOk,
  sshTunnel,
  tcpProbe,
  virsh,
  waitFor,
  waitForSerial,
  rbdWatchers,
} from './support/lab'
import { RfbClient } from './support/rfb'
import { consoleCommand, setGuestGateway } from './support/guest-console'

beforeAll(requireLab, 60_000)

const hostNames = LAB_HOSTS.map((h) => h.name)

describe('hosts are separate machines', () => {
  it.each(hostNames)('%s has its own hostname, addresses and host UUID', async (host) => {
    const out = await sshOk(
      host,
      "hostname; ip -4 -o addr show | awk '{print $2, $4}'; virsh -c qemu:///system capabilities | grep -m1 '<uuid>'",
    )
    const h = labHost(host)
    const [name, ...rest] = out.trim().split('\n')
    expect(name).toBe(host)
    const addrs = rest.filter((l) => !l.includes('<uuid>')).sort()
    expect(addrs).toEqual(
      ['br0 ' + h.address + '/24', 'eth1 ' + h.migrationAddress + '/24', 'lo 127.0.0.1/8'].sort(),
    )
    expect(out).toContain(`<uuid>4876c0de-0000-4000-8000-00000000000${host.slice(2)}</uuid>`)
  })

  it('each host lists its own domain states: labvm1 runs on hv1, labvm2 on hv2, labvm3 nowhere', async () => {
    // Every host, and each of its four reads, asked at once (one after another: 2.5 s).
    const states = await Promise.all(
      hostNames.map(async (h) => {
        const [list, a, b, c] = await Promise.all([
          virsh(h, 'list --all --name'),
          domState(h, 'labvm1'),
          domState(h, 'labvm2'),
          domState(h, 'labvm3'),
        ])
        return [h, list.trim().split('\n').sort(), a, b, c] as const
      }),
    )
    for (const [, names] of states)
      expect(names).toEqual(expect.arrayContaining(['labvm1', 'labvm2', 'labvm3']))
    expect(states.map(([h, , a, b, c]) => `${h}:${a}/${b}/${c}`)).toEqual([
      'hv1:running/shut off/shut off',
      'hv2:shut off/running/shut off',
      'hv3:shut off/shut off/shut off',
    ])
  })

  it('a domain defined only on hv3 is invisible on hv1 and hv2', async () => {
    const xml = (await virsh('hv3', 'dumpxml labvm3'))
      .replace(/<name>labvm3<\/name>/, '<name>only-on-hv3</name>')
      .replace(/<uuid>[^<]*<\/uuid>/, '')
      .replace(/<mac address='[^']*'\/>/, '')
    const def = await sshAsEtalab(
      'hv3',
      'cat > /tmp/only-on-hv3.xml && virsh -c qemu:///system define /tmp/only-on-hv3.xml',
      { input: xml },
    )
    expect(def.code, def.stderr).toBe(0)
    try {
      // hv3's list and the other two hosts' lists and dominfo, read at once.
      const [onHv3, elsewhere] = await Promise.all([
        virsh('hv3', 'list --all --name'),
        Promise.all(
          (['hv1', 'hv2'] as const).map((h) =>
            Promise.all([
              virsh(h, 'list --all --name'),
              sshAsEtalab(h, 'virsh -c qemu:///system dominfo only-on-hv3'),
            ]),
          ),
        ),
      ])
      expect(onHv3).toContain('only-on-hv3')
      for (const [list, dominfo] of elsewhere) {
        expect(list).not.toContain('only-on-hv3')
        expect(dominfo.code).not.toBe(0)
      }
    } finally {
      await virsh('hv3', 'undefine only-on-hv3')
    }
  })

  it('root on each host can ssh to the others over the private network (for --p2p)', async () => {
    const out = await asRootOn('hv1', 'ssh', '-o', 'BatchMode=yes', 'root@10.77.0.3', 'hostname')
    expect(out.trim()).toBe('hv3')
  })
})

describe('configuration like the runbook', () => {
  it.each(hostNames)('%s: guests, secret and ISO are the same everywhere', async (host) => {
    // The three guests' definitions and the host's files, read at once (one after another: 2 s a host).
    const [xmls, bootFiles, secrets, iso] = await Promise.all([
      Promise.all(LAB_GUESTS.map((g) => virsh(host, `dumpxml --inactive ${g.name}`))),
      sshOk(host, `head -c 4 ${LAB_GUEST_BOOT_FILES[0]} | od -An -c; stat -c %s ${LAB_GUEST_BOOT_FILES[1]}`),
      virsh(host, 'secret-list'),
      sshOk(host, `stat -c '%s %a' ${LAB_ISO}`),
    ])
    for (const [i, g] of LAB_GUESTS.entries()) {
      const xml = xmls[i]!
      expect(xml).toContain(`<uuid>${g.uuid}</uuid>`)
      expect(xml).toContain(`<mac address='${g.mac}'/>`)
      expect(xml).toContain("<source bridge='br0'/>")
      expect(xml).toContain(`<source protocol='rbd' name='${g.pool}/${g.name}'`)
      expect(xml).toContain(`<secret type='ceph' uuid='${LAB_SECRET_UUID}'/>`)
      expect(xml).toContain(`<source file='${LAB_ISO}'/>`)
      expect(xml).toMatch(/<serial type='pty'>/)
      expect(xml).toMatch(/<graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1'/)
      expect(xml.includes("keymap='fr'")).toBe(g.keymap === 'fr')
      // Debian's kernel booted directly, with the guest's own command line (rcS reads labvm.*).
      expect(xml).toContain(`<kernel>${LAB_GUEST_BOOT_FILES[0]}</kernel>`)
      expect(xml).toContain(`<initrd>${LAB_GUEST_BOOT_FILES[1]}</initrd>`)
      expect(xml).toMatch(
        new RegExp(
          `<cmdline>[^<]* labvm\\.name=${g.name} labvm\\.ip=${g.failoverIp.replaceAll('.', '\\.')} `,
        ),
      )
    }
    // The files are this host's own (a migration's destination needs them): a kernel ELF, an initramfs.
    expect(bootFiles).toMatch(/^\s*177\s+E\s+L\s+F\s*\n[1-9]\d*\s*$/)
    expect(secrets).toMatch(new RegExp(`${LAB_SECRET_UUID}\\s+ceph client.libvirt secret`))
    expect(iso).toMatch(/^\d+ 644/)
  })

  it('sshd: keys in /etc/ssh/authorized_keys/%u, no passwords, MaxSessions 10, TCP forwarding on', async () => {
    const cfg = await asRootOn('hv2', 'sshd', '-T')
    expect(cfg).toMatch(/^authorizedkeysfile \/etc\/ssh\/authorized_keys\/%u$/m)
    expect(cfg).toMatch(/^passwordauthentication no$/m)
    expect(cfg).toMatch(/^maxsessions 10$/m)
    expect(cfg).toMatch(/^allowtcpforwarding yes$/m)
    expect(await sshOk('hv2', 'id -nG; getent shadow etalab || true')).toMatch(/\blibvirt\b/)
    expect((await asRootOn('hv2', 'getent', 'shadow', 'etalab')).split(':')[1]).toBe('*')
  })

  it('libvirtd.log is root-only; etalab cannot read it', async () => {
    expect((await asRootOn('hv1', 'stat', '-c', '%a %U', '/var/log/libvirt/libvirtd.log')).trim()).toBe(
      '600 root',
    )
    const r = await sshAsEtalab('hv1', 'cat /var/log/libvirt/libvirtd.log')
    expect(r.code).not.toBe(0)
    expect(r.stderr).toMatch(/Permission denied/)
  })

  it('`logger -t hyperdesk` as etalab lands in the host syslog', async () => {
    const tag = `audit-probe-${process.pid}-${Date.now()}`
    await sshOk('hv2', `logger -t hyperdesk "${tag}"`)
    await waitFor(
      'the syslog line',
      async () => (await readHostSyslog('hv2')).includes(`hyperdesk: ${tag}`) || undefined,
      5000,
    )
    expect(await readHostSyslog('hv1')).not.toContain(tag)
  })
})

describe('guest network', () => {
  it("guests configured the runbook's failover block: their failover IP answers via their host", async () => {
    // The root namespace routes each running guest's failover IP to its host, as OVH does; the guest
    // answers (RST on a closed port) only if eth0 got the /32 address and the route via the gateway.
    for (const g of LAB_GUESTS.filter((x) => x.runningAtStart)) {
      expect(await tcpProbe(g.failoverIp, 22)).toBe('refused')
    }
    const log = await consoleCommand('hv1', 'labvm1', 'cat /etc/network/interfaces; route -n', 'UG')
    expect(log).toContain('address 10.77.100.1')
    expect(log).toContain('netmask 255.255.255.255')
    expect(log).toContain('post-up route add default gw 10.77.11.254 dev eth0')
    expect(log).toMatch(/0\.0\.0\.0\s+10\.77\.11\.254\s+0\.0\.0\.0\s+UG/)
  })
})

describe('Ceph as etalab', () => {
  it.each(hostNames)('%s: etalab runs rbd and ceph with --id libvirt', async (host) => {
    // The three reads at once (one after another: 1.3 s a host).
    const [ssdOut, sataOut, statusOut] = await Promise.all([
      sshOk(host, 'rbd --id libvirt ls -l --format json libvirt-ssd'),
      sshOk(host, 'rbd --id libvirt ls --format json libvirt-sata'),
      sshOk(host, 'ceph --id libvirt -s -f json'),
    ])
    const images = JSON.parse(ssdOut) as { image: string }[]
    expect(images.map((i) => i.image)).toEqual(expect.arrayContaining(['labvm1', 'labvm2']))
    const sata = JSON.parse(sataOut) as string[]
    expect(sata).toContain('labvm3')
    const status = JSON.parse(statusOut) as {
      health: { status: string }
    }
    expect(status.health.status).toBe('HEALTH_OK')
  })

  it('pools sit on separate CRUSH roots ssd and sata', async () => {
    // The three reads at once (one after another: 2 s).
    const [treeOut, poolsOut, rulesOut] = await Promise.all([
      sshOk('hv1', 'ceph --id libvirt osd tree -f json'),
      sshOk('hv1', 'ceph --id libvirt osd pool ls detail -f json'),
      sshOk('hv1', 'ceph --id libvirt osd crush rule dump -f json'),
    ])
    const tree = JSON.parse(treeOut) as {
      nodes: { name: string; type: string; status?: string }[]
    }
    const roots = tree.nodes
      .filter((n) => n.type === 'root')
      .map((n) => n.name)
      .sort()
    expect(roots).toEqual(['sata', 'ssd'])
    const pools = JSON.parse(poolsOut) as {
      pool_name: string
      crush_rule: number
    }[]
    const rules = JSON.parse(rulesOut) as {
      rule_id: number
      rule_name: string
    }[]
    const ruleOf = (p: string) =>
      rules.find((r) => r.rule_id === pools.find((x) => x.pool_name === p)?.crush_rule)?.rule_name
    expect(ruleOf('libvirt-ssd')).toBe('ssd')
    expect(ruleOf('libvirt-sata')).toBe('sata')
  })

  it("client.libvirt has the runbook's caps, so `osd set noout` is refused (EACCES)", async () => {
    const r = await sshAsEtalab('hv1', 'ceph --id libvirt osd set noout')
    expect(r.code).toBe(13)
    expect(r.stderr).toMatch(/access denied/i)
  })

  it('`lab keyring hv3 off`: etalab cannot reach Ceph there, libvirt still can; `on` restores', async () => {
    await faults.keyring('hv3', 'off')
    try {
      // hv3 without its keyring and hv1 with it, asked at once.
      const [r, onHv1] = await Promise.all([
        sshAsEtalab('hv3', 'ls /etc/ceph; timeout 20 ceph --id libvirt -s', { timeoutMs: 30_000 }),
        sshAsEtalab('hv1', 'ceph --id libvirt health'),
      ])
      // ceph exits 1 on a failed connect; hv3 has its ceph.conf but no keyring, so the ENOENT is the
      // keyring's. librados' "unable to find a keyring" line comes from its log thread, which may not
      // run before ceph exits; ceph's own "[errno 2] … (error connecting to the cluster)" always does.
      expect(r.code).toBe(1)
      expect(r.stdout).toMatch(/^ceph\.conf$/m)
      expect(r.stdout).not.toMatch(/client\.libvirt\.keyring/)
      expect(r.stderr).toMatch(
        /^\[errno 2\] RADOS object not found \(error connecting to the cluster\)$|unable to find a keyring/m,
      )
      expect(onHv1.code).toBe(0)
      // libvirt's own secret does not depend on that file: labvm3's QEMU on hv3 opens its RBD disk
      // (`virsh start` fails when it cannot) and watches it from hv3's address. Waiting for its guest's
      // boot (10-20 s of emulated CPU) would prove nothing more about the keyring.
      await virsh('hv3', 'start labvm3')
      await waitFor(
        'labvm3’s QEMU on hv3 watching its RBD disk',
        async () =>
          (await rbdWatchers('libvirt-sata/labvm3')).some((address) =>
            address.startsWith(`${labHost('hv3').migrationAddress}:`),
          ),
        30_000,
      )
    } finally {
      await sshAsEtalab('hv3', 'virsh -c qemu:///system destroy labvm3')
      await faults.keyring('hv3', 'on')
    }
    const [health, labvm3] = await Promise.all([
      sshAsEtalab('hv3', 'ceph --id libvirt health'),
      domState('hv3', 'labvm3'),
    ])
    expect(health.stdout).toMatch(/HEALTH_OK/)
    expect(labvm3).toBe('shut off')
  }, 90_000)
})

describe('consoles', () => {
  it('VNC answers RFB 003.008 through an ssh -L tunnel, desktop "QEMU (labvm1)"', async () => {
    const display = (await virsh('hv1', 'domdisplay labvm1')).trim()
    expect(display).toMatch(/^vnc:\/\/127\.0\.0\.1:\d+$/)
    const port = 5900 + Number(display.split(':').pop())
    const tunnel = await sshTunnel('hv1', port)
    try {
      const { client, info } = await RfbClient.connect('127.0.0.1', tunnel.port)
      client.close()
      expect(info.banner).toBe('RFB 003.008\n')
      expect(info.securityTypes).toContain(1)
      expect(info.name).toBe('QEMU (labvm1)')
      expect(info.width).toBeGreaterThan(0)
    } finally {
      await tunnel.close()
    }
  })

  it("labvm1 (en-us): `echo '$()>|\"@#~' > /dev/ttyS0` typed over VNC shows in the serial log", async () => {
    const display = (await virsh('hv1', 'domdisplay labvm1')).trim()
    const tunnel = await sshTunnel('hv1', 5900 + Number(display.split(':').pop()))
    const before = readSerialLog('hv1', 'labvm1').length
    try {
      const { client } = await RfbClient.connect('127.0.0.1', tunnel.port)
      // a US-layout client: Shift pressed for the shifted characters, as QEMU never adds it
      const shifted = new Set('~!@#$%^&*()_+{}|:"<>?ABCDEFGHIJKLMNOPQRSTUVWXYZ')
      const keys = [...`echo '$()>|"@#~' > /dev/ttyS0`].map((ch): number | [number, number] =>
        shifted.has(ch) ? [0xffe1, ch.charCodeAt(0)] : ch.charCodeAt(0),
      )
      await client.typeKeysyms([...keys, 0xff0d])
      await client.close()
      const log = await waitForSerial('hv1', 'labvm1', /\$\(\)>\|"@#~/, 15_000, before)
      expect(log).toMatch(/^\$\(\)>\|"@#~\r?$/m)
    } finally {
      await tunnel.close()
    }
  })

  it('labvm2 is an AZERTY guest with a fr VNC keymap: keysyms typed over VNC come out right', async () => {
    // With a VNC keymap, QEMU turns each keysym into the scancode of the fr layout (ignoring the
    // scancode of QEMU extended key events) and never adds Shift: the client presses it, as for
    // an AZERTY keyboard ('/', '0', '>' and 'S' are shifted there). The guest's console is AZERTY:
    // on a QWERTY console the same scancodes would read "wqqw", ":dev:tty" and so on.
    const display = (await virsh('hv2', 'domdisplay labvm2')).trim()
    const tunnel = await sshTunnel('hv2', 5900 + Number(display.split(':').pop()))
    const before = readSerialLog('hv2', 'labvm2').length
    try {
      const { client, info } = await RfbClient.connect('127.0.0.1', tunnel.port)
      expect(info.name).toBe('QEMU (labvm2)')
      const S = 0xffe1 // Shift_L
      const c = (s: string) => [...s].map((ch) => ch.charCodeAt(0))
      await client.typeKeysyms([
        ...c('echo zaaz '),
        [S, 0x3e], // >
        [S, 0x2f],
        ...c('dev'),
        [S, 0x2f],
        ...c('tty'),
        [S, 0x53],
        [S, 0x30], // /dev/ttyS0
        0xff0d, // Return
      ])
      await client.close()
      const log = await waitForSerial('hv2', 'labvm2', /zaaz/, 15_000, before)
      expect(log).toMatch(/^zaaz\r?$/m)
    } finally {
      await tunnel.close()
    }
  })

  it('serial console is a pty: `virsh console` over ssh -tt reaches the guest shell', async () => {
    expect((await virsh('hv1', 'ttyconsole labvm1')).trim()).toMatch(/^\/dev\/pts\/\d+$/)
    const marker = `console${process.pid}`
    await consoleCommand('hv1', 'labvm1', `echo $((6*7))${marker}`, `42${marker}`)
    await waitForSerial('hv1', 'labvm1', new RegExp(`42${marker}`), 5000)
  })
})

describe('live migration', () => {
  const migrate = async (from: LabHostName, to: LabHostName) => {
    const dst = labHost(to).migrationAddress
    const r = await sshAsEtalab(
      from,
      `virsh -c qemu:///system migrate --live --p2p labvm1 qemu+ssh://root@${dst}/system tcp://${dst}`,
      { timeoutMs: 90_000 },
    )
    if (r.code !== 0) {
      const log = await asRootOn(from, 'tail', '-n', '20', '/var/log/libvirt/libvirtd.log').catch(() => '')
      throw new Error(`migration ${from}->${to} failed: ${r.stderr}\nsource libvirtd.log:\n${log}`)
    }
    return r.ms
  }

  /** Set once the test has put labvm1, its failover IP and its gateway back on hv1 itself. */
  let home = false

  afterAll(async () => {
    // leave labvm1 where `lab up` put it, whatever happened (the test's own way back did it already)
    if (home) return
    if ((await domState('hv2', 'labvm1').catch(() => '')) === 'running')
      await migrate('hv2', 'hv1').catch(() => {})
    await labCmd('failover', 'labvm1', 'hv1').catch(() => {})
    await setGuestGateway('hv1', 'labvm1', labHost('hv1').gateway).catch(() => {})
  }, 90_000)

  it('labvm1 migrates hv1 -> hv2 -> hv1 with --live --p2p over the private network', async () => {
    await migrate('hv1', 'hv2')
    // both hosts' states read at once; the definition is kept on the source
    expect(await Promise.all([domState('hv2', 'labvm1'), domState('hv1', 'labvm1')])).toEqual([
      'running',
      'shut off',
    ])
    // the guest kept running: its shell answers on the destination's serial console
    const marker = `migrated${process.pid}`
    await consoleCommand('hv2', 'labvm1', `echo $((6*7))${marker}`, `42${marker}`)
    // the runbook's after-migration steps: move the failover IP (OVH), then the guest's gateway
    await labCmd('failover', 'labvm1', 'hv2')
    await setGuestGateway('hv2', 'labvm1', labHost('hv2').gateway)
    expect(await tcpProbe('10.77.100.1', 22)).toBe('refused')
    await migrate('hv2', 'hv1')
    expect(await Promise.all([domState('hv1', 'labvm1'), domState('hv2', 'labvm1')])).toEqual([
      'running',
      'shut off',
    ])
    await labCmd('failover', 'labvm1', 'hv1')
    await setGuestGateway('hv1', 'labvm1', labHost('hv1').gateway)
    expect(await tcpProbe('10.77.100.1', 22)).toBe('refused')
    home = true
    const uuids = await Promise.all(hostNames.map((h) => virsh(h, 'domuuid labvm1')))
    for (const uuid of uuids) expect(uuid).toContain(LAB_GUESTS[0]!.uuid)
  }, 120_000)
})
