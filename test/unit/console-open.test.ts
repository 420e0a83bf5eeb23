import fs from 'node:fs'
import net, { type AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { ApiError } from '../../src/shared/errors'
import { ByteStreams } from '../../src/main/core/console/byte-streams'
import { Consoles } from '../../src/main/core/console/consoles'
import type { InventoryService } from '../../src/main/core/inventory/inventory-service'
import { SshRunner } from '../../src/main/core/remote/runner'
import { HostPool } from '../../src/main/core/ssh/pool'
import { newKeyPair, startFakeSshd, type FakeSshd } from '../support/fake-sshd'

/**
 * Opening a VNC console over a real SSH connection (an in-process sshd that runs commands with the
 * local sh): hv1's sshd refuses TCP forwarding (as `AllowTcpForwarding no`), hv2's forwards. `virsh`
 * and `nc` are stand-ins on PATH: virsh speaks the long-lived session's protocol and answers
 * domdisplay from a file; the displays are local TCP servers that greet with their VM's name.
 */
const UUID = '1ab0c0de-0000-4000-8000-000000000001'
let dir: string
let hv1: FakeSshd
let hv2: FakeSshd
let pool: HostPool
let consoles: Consoles
let streams: ByteStreams
/** web1's display, and another VM's (where web1's was before a migration, say). */
const displays: Record<'web1' | 'other', Display> = {} as never
let savedPath: string | undefined
const hostKey = newKeyPair()
const clientKey = newKeyPair()
/** What the inventory says of web1: where it runs and the display port it last saw. */
const vm = { uuid: UUID, name: 'web1', runningOn: ['hv1'], lastKnownRunningOn: [] as string[] }
let inventoryPort: number | undefined

/** What `virsh domdisplay` prints next: web1's display, or an error. */
function virshSays(text: string): void {
  fs.writeFileSync(path.join(dir, 'display'), `${text}\n`)
}

interface Display {
  server: net.Server
  port: number
  /** Connections it accepted, and how many of them were closed since. */
  accepted: number
  closed: number
}

async function display(name: string): Promise<Display> {
  const server = net.createServer((socket) => {
    out.accepted++
    socket.on('close', () => out.closed++)
    socket.write(`RFB 003.008 ${name}\n`)
    socket.on('data', (data) => socket.write(`echo:${data.toString()}`))
  })
  const out: Display = { server, port: 0, accepted: 0, closed: 0 }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  out.port = (server.address() as AddressInfo).port
  return out
}

async function until(what: string, check: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + 5000
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** The client's end of a stream: what it received so far. */
function attach(streamId: string): { received(): string; write(text: string): void; close(): void } {
  let received = ''
  const attached = streams.attach(streamId, {
    send: (data) => (received += Buffer.from(data).toString()),
    close: () => undefined,
  })!
  return {
    received: () => received,
    write: (text) => attached.write(Buffer.from(text)),
    close: () => attached.close(),
  }
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hd-console-'))
  displays.web1 = await display('web1')
  displays.other = await display('other')
  virshSays(`vnc://127.0.0.1:${displays.web1.port - 5900}`)
  const bin = path.join(dir, 'bin')
  fs.mkdirSync(bin)
  // The session (virsh-session.ts): marker lines are `echo` commands; domdisplay reads the file.
  fs.writeFileSync(
    path.join(bin, 'virsh'),
    `#!/bin/sh\nwhile IFS= read -r line; do\n  case "$line" in\n    "echo "*) eval "$line" ;;\n    domdisplay*) cat "${dir}/display" ;;\n  esac\ndone\n`,
    { mode: 0o755 },
  )
  // nc ADDRESS PORT: stdin to the socket, the socket to stdout.
  fs.writeFileSync(
    path.join(bin, 'nc'),
    `#!/bin/sh\nexec "${process.execPath}" -e 'const s=require("net").connect(+process.argv[2],process.argv[1]);process.stdin.pipe(s);s.pipe(process.stdout)' "$1" "$2"\n`,
    { mode: 0o755 },
  )
  savedPath = process.env.PATH
  process.env.PATH = `${bin}:${process.env.PATH}`
  fs.writeFileSync(path.join(dir, 'id'), clientKey.privateKey, { mode: 0o600 })
  const keys = { hostKey: hostKey.privateKey, clientPublicKey: clientKey.publicSSH }
  hv1 = await startFakeSshd(keys)
  hv2 = await startFakeSshd({ ...keys, allowForwarding: true })
  fs.writeFileSync(
    path.join(dir, 'known_hosts'),
    [hv1, hv2].map((sshd) => `[127.0.0.1]:${sshd.port} ${hostKey.publicSSH}\n`).join(''),
  )
  pool = new HostPool({
    home: dir,
    globalKnownHostsFiles: [],
    onState: () => undefined,
    onHostKeyPrompt: () => undefined,
    onPassphrasePrompt: () => undefined,
  })
  const host = (name: string, sshd: FakeSshd) => ({
    name,
    hostname: '127.0.0.1',
    port: sshd.port,
    user: 'etalab',
    identityFiles: [path.join(dir, 'id')],
    identitiesOnly: true,
    fromSshConfig: false,
    migrationAddress: '127.0.0.1',
    ignoredDirectives: [],
  })
  await pool.configure({
    hosts: [host('hv1', hv1), host('hv2', hv2)],
    knownHostsFile: path.join(dir, 'known_hosts'),
  })
  const inventory = {
    snapshot: () => ({ hosts: [], vms: [vm] }),
    vm: (uuid: string) => (uuid === UUID ? vm : undefined),
    host: () => undefined,
    domain: () => (inventoryPort === undefined ? undefined : { displayPort: inventoryPort }),
    refreshHost: async () => undefined,
  } as unknown as InventoryService
  streams = new ByteStreams()
  consoles = new Consoles({
    hosts: pool,
    runner: new SshRunner(pool, () => ({ clientId: 'libvirt', monitorTimeoutSeconds: 10 })),
    inventory,
    streams,
    vmName: () => 'web1',
    guestKeyboardLayout: () => 'us',
  })
})

afterAll(async () => {
  process.env.PATH = savedPath
  await pool?.close()
  await Promise.all([hv1?.stop(), hv2?.stop()])
  for (const { server } of Object.values(displays)) server?.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

it('falls back to nc on the host when sshd refuses TCP forwarding, and relays the display', async () => {
  vm.runningOn = ['hv1']
  inventoryPort = undefined
  const opened = await consoles.openVnc(UUID)
  expect(opened).toMatchObject({ host: 'hv1', via: 'nc', expectedDesktopName: 'QEMU (web1)' })
  // No definition read yet: the cluster file's layout, said to come from there.
  expect(opened).toMatchObject({ keyboardLayout: 'us', layoutFrom: 'cluster' })
  expect(hv1.commands.at(-1)).toMatch(/^nc 127\.0\.0\.1 \d+$/)
  // The nc session holds one of the host's two interactive slots while the console is open.
  expect(pool.get('hv1').slotUse.interactive).toBe(1)

  const end = attach(opened.streamId)
  end.write('RFB 003.008\n')
  await until('the echo', () => end.received().includes('echo:RFB'))
  expect(end.received()).toBe('RFB 003.008 web1\necho:RFB 003.008\n')
  end.close()
  expect(pool.get('hv1').slotUse.interactive).toBe(0)
})

it('looks the display up in the virsh session and uses the channel opened meanwhile when it is the same', async () => {
  vm.runningOn = ['hv2']
  inventoryPort = displays.web1.port
  const execs = hv2.commands.length
  const opened = await consoles.openVnc(UUID)
  expect(opened).toMatchObject({ host: 'hv2', via: 'forward', port: displays.web1.port })
  // One channel, opened while domdisplay ran, and no exec besides the host's virsh session.
  expect(hv2.forwards).toEqual([`127.0.0.1:${displays.web1.port}`])
  expect(hv2.commands.slice(execs).filter((command) => !command.includes('virsh -q'))).toEqual([])
  const end = attach(opened.streamId)
  await until('the greeting', () => end.received().includes('\n'))
  expect(end.received()).toBe('RFB 003.008 web1\n')
  end.close()
})

it('closes the channel opened toward a port the display no longer has, unread, and connects where domdisplay says', async () => {
  vm.runningOn = ['hv2']
  // The inventory still has the port another VM's display took over (reused after a migration).
  inventoryPort = displays.other.port
  hv2.forwards.length = 0
  const opened = await consoles.openVnc(UUID)
  expect(opened).toMatchObject({ host: 'hv2', via: 'forward', port: displays.web1.port })
  expect(hv2.forwards).toEqual([`127.0.0.1:${displays.other.port}`, `127.0.0.1:${displays.web1.port}`])
  await until('the other display to be left', () => displays.other.closed === 1)
  expect(displays.other.accepted).toBe(1)
  const end = attach(opened.streamId)
  await until('the greeting', () => end.received().includes('\n'))
  // Only web1's display reaches the client: nothing of the other one.
  expect(end.received()).toBe('RFB 003.008 web1\n')
  end.close()
})

it('closes the channel opened ahead when the VM has no display any more', async () => {
  vm.runningOn = ['hv2']
  inventoryPort = displays.other.port
  virshSays('error: Requested operation is not valid: domain is not running')
  hv2.forwards.length = 0
  const before = { ...displays.other }
  try {
    const error = await consoles.openVnc(UUID).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ApiError)
    expect((error as ApiError).code).toBe('console.no-vnc')
    // Opened while domdisplay ran, then closed: no stream, nothing left open on the host.
    expect(hv2.forwards).toEqual([`127.0.0.1:${displays.other.port}`])
    await until('the other display to be left', () => displays.other.closed === before.closed + 1)
    expect(displays.other.accepted).toBe(before.accepted + 1)
    expect(streams.size).toBe(0)
  } finally {
    virshSays(`vnc://127.0.0.1:${displays.web1.port - 5900}`)
  }
})
