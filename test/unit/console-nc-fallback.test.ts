import fs from 'node:fs'
import net, { type AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { ByteStreams } from '../../src/main/core/console/byte-streams'
import { Consoles } from '../../src/main/core/console/consoles'
import type { InventoryService } from '../../src/main/core/inventory/inventory-service'
import { SshRunner } from '../../src/main/core/remote/runner'
import { HostPool } from '../../src/main/core/ssh/pool'
import { newKeyPair, startFakeSshd, type FakeSshd } from '../support/fake-sshd'

/**
 * sshd with TCP forwarding off (this in-process server refuses every direct-tcpip channel, as
 * `AllowTcpForwarding no` does): the VNC console must fall back to `nc` on the host, in an
 * interactive slot, and still relay the display's bytes. `virsh` and `nc` are stand-ins on PATH
 * (the server runs commands with the local sh), the display a local TCP server.
 */
const UUID = '1ab0c0de-0000-4000-8000-000000000001'
let dir: string
let sshd: FakeSshd
let pool: HostPool
let display: net.Server
let savedPath: string | undefined
const hostKey = newKeyPair()
const clientKey = newKeyPair()

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hd-nc-'))
  display = net.createServer((socket) => {
    socket.write('RFB 003.008\n')
    socket.on('data', (data) => socket.write(`echo:${data.toString()}`))
  })
  await new Promise<void>((resolve) => display.listen(0, '127.0.0.1', resolve))
  const port = (display.address() as AddressInfo).port
  const bin = path.join(dir, 'bin')
  fs.mkdirSync(bin)
  fs.writeFileSync(path.join(bin, 'virsh'), `#!/bin/sh\necho "vnc://127.0.0.1:${port - 5900}"\n`, {
    mode: 0o755,
  })
  // nc ADDRESS PORT: stdin to the socket, the socket to stdout.
  fs.writeFileSync(
    path.join(bin, 'nc'),
    `#!/bin/sh\nexec "${process.execPath}" -e 'const s=require("net").connect(+process.argv[2],process.argv[1]);process.stdin.pipe(s);s.pipe(process.stdout)' "$1" "$2"\n`,
    { mode: 0o755 },
  )
  savedPath = process.env.PATH
  process.env.PATH = `${bin}:${process.env.PATH}`
  fs.writeFileSync(path.join(dir, 'id'), clientKey.privateKey, { mode: 0o600 })
  sshd = await startFakeSshd({ hostKey: hostKey.privateKey, clientPublicKey: clientKey.publicSSH })
  fs.writeFileSync(path.join(dir, 'known_hosts'), `[127.0.0.1]:${sshd.port} ${hostKey.publicSSH}\n`)
  pool = new HostPool({
    home: dir,
    globalKnownHostsFiles: [],
    onState: () => undefined,
    onHostKeyPrompt: () => undefined,
    onPassphrasePrompt: () => undefined,
  })
  await pool.configure({
    hosts: [
      {
        name: 'hv1',
        hostname: '127.0.0.1',
        port: sshd.port,
        user: 'etalab',
        identityFiles: [path.join(dir, 'id')],
        identitiesOnly: true,
        fromSshConfig: false,
        migrationAddress: '127.0.0.1',
        ignoredDirectives: [],
      },
    ],
    knownHostsFile: path.join(dir, 'known_hosts'),
  })
})

afterAll(async () => {
  process.env.PATH = savedPath
  await pool?.close()
  await sshd?.stop()
  display?.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

it('falls back to nc on the host when sshd refuses TCP forwarding, and relays the display', async () => {
  const vm = { uuid: UUID, name: 'web1', runningOn: ['hv1'], lastKnownRunningOn: [] }
  const inventory = {
    snapshot: () => ({ hosts: [], vms: [vm] }),
    vm: (uuid: string) => (uuid === UUID ? vm : undefined),
    host: () => undefined,
    domain: () => undefined,
    refreshHost: async () => undefined,
  } as unknown as InventoryService
  const streams = new ByteStreams()
  const consoles = new Consoles({
    hosts: pool,
    runner: new SshRunner(pool, () => ({ clientId: 'libvirt', monitorTimeoutSeconds: 10 })),
    inventory,
    streams,
    vmName: () => 'web1',
    guestKeyboardLayout: () => 'us',
  })
  const opened = await consoles.openVnc(UUID)
  expect(opened).toMatchObject({ host: 'hv1', via: 'nc', expectedDesktopName: 'QEMU (web1)' })
  // No definition read yet: the cluster file's layout, said to come from there.
  expect(opened).toMatchObject({ keyboardLayout: 'us', layoutFrom: 'cluster' })
  expect(sshd.commands.at(-1)).toMatch(/^nc 127\.0\.0\.1 \d+$/)
  // The nc session holds one of the host's two interactive slots while the console is open.
  expect(pool.get('hv1').slotUse.interactive).toBe(1)

  let received = ''
  const attached = streams.attach(opened.streamId, {
    send: (data) => (received += Buffer.from(data).toString()),
    close: () => undefined,
  })!
  attached.write(Buffer.from('RFB 003.008\n'))
  const deadline = Date.now() + 5000
  while (!received.includes('echo:RFB') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
  expect(received).toBe('RFB 003.008\necho:RFB 003.008\n')
  attached.close()
  expect(pool.get('hv1').slotUse.interactive).toBe(0)
})
