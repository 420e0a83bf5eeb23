/**
 * Driving the Hyperdesk test lab from TypeScript: paths, topology, the `lab` CLI, SSH as etalab,
 * fault controls. Lab tests (and the app's own tests against the lab) import this module.
 * Everything here needs root, like `lab` itself. Node built-ins only.
 */
import { spawn } from 'node:child_process'
import { appendFileSync, existsSync, readFileSync } from 'node:fs'
import net from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const LAB_STATE_DIR = process.env['HYPERDESK_LAB_STATE'] ?? '/var/lib/hyperdesk-lab'
export const LAB_CLUSTER_CONFIG = join(LAB_STATE_DIR, 'cluster.json')
export const LAB_APP_KEY = join(LAB_STATE_DIR, 'keys', 'app_ed25519')
export const LAB_KNOWN_HOSTS = join(LAB_STATE_DIR, 'known_hosts')
export const LAB_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '..', 'lab')

export type LabHostName = 'hv1' | 'hv2' | 'hv3'
export interface LabHost {
  name: LabHostName
  /** public address: what the app's SSH connects to */
  address: string
  /** private address: `migrate --p2p qemu+ssh://root@<this>/system tcp://<this>` */
  migrationAddress: string
  /** the host's default gateway, which its guests route through */
  gateway: string
}
export const LAB_HOSTS: readonly LabHost[] = [1, 2, 3].map((n) => ({
  name: `hv${n}` as LabHostName,
  address: `10.77.${10 + n}.1`,
  migrationAddress: `10.77.0.${n}`,
  gateway: `10.77.${10 + n}.254`,
}))
export const LAB_MON_ADDRESS = '10.77.0.254'
export const LAB_POOLS = ['libvirt-ssd', 'libvirt-sata'] as const
export const LAB_SECRET_UUID = '5a1b7e57-c3f0-4d1b-9a6e-000000000c1b'
export const LAB_ISO = '/var/lib/libvirt/images/debian-7.2.0-amd64-netinst.iso'
/** The guests' kernel (uncompressed, booted directly) and initramfs: each host has its own copy. */
export const LAB_GUEST_BOOT_FILES = [
  '/var/lib/libvirt/boot/labvm-vmlinux',
  '/var/lib/libvirt/boot/labvm-initrd.gz',
] as const

export interface LabGuest {
  name: string
  uuid: string
  mac: string
  pool: (typeof LAB_POOLS)[number]
  /** where `lab up` starts it (or, for labvm3, its "home": it stays shut off) */
  home: LabHostName
  runningAtStart: boolean
  /** guest console keymap, also the VNC keymap QEMU is given */
  keymap: 'us' | 'fr'
  failoverIp: string
}
export const LAB_GUESTS: readonly LabGuest[] = [
  { name: 'labvm1', pool: 'libvirt-ssd', home: 'hv1', runningAtStart: true, keymap: 'us', n: 1 },
  { name: 'labvm2', pool: 'libvirt-ssd', home: 'hv2', runningAtStart: true, keymap: 'fr', n: 2 },
  { name: 'labvm3', pool: 'libvirt-sata', home: 'hv3', runningAtStart: false, keymap: 'us', n: 3 },
].map(({ n, ...g }) => ({
  ...(g as Omit<LabGuest, 'uuid' | 'mac' | 'failoverIp'>),
  uuid: `1ab0c0de-0000-4000-8000-00000000000${n}`,
  mac: `02:00:00:77:01:0${n}`,
  failoverIp: `10.77.100.${n}`,
}))

export function labHost(name: LabHostName): LabHost {
  const h = LAB_HOSTS.find((x) => x.name === name)
  if (!h) throw new Error(`unknown lab host ${name}`)
  return h
}
export function labGuest(name: string): LabGuest {
  const g = LAB_GUESTS.find((x) => x.name === name)
  if (!g) throw new Error(`unknown lab guest ${name}`)
  return g
}

export interface RunResult {
  code: number | null
  stdout: string
  stderr: string
  ms: number
}

/**
 * Where the time of a lab file goes: with HYPERDESK_LAB_TIMING=FILE, every wait and every `lab` command
 * appends `<ms>\t<what>` to FILE (what CI-time work reads to find the long waits). Off by default.
 */
export function noteTiming(ms: number, what: string): void {
  const file = process.env['HYPERDESK_LAB_TIMING']
  if (file) appendFileSync(file, `${Math.round(ms)}\t${what.replace(/\s+/g, ' ').slice(0, 160)}\n`)
}

/** Runs a program; resolves with its output and exit code (never rejects on a non-zero exit). */
export function run(
  cmd: string,
  args: readonly string[],
  opts: { timeoutMs?: number; input?: string } = {},
): Promise<RunResult> {
  const t0 = performance.now()
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    const timer = setTimeout(() => {
      stderr += `\n[killed after ${opts.timeoutMs} ms]`
      child.kill('SIGKILL')
    }, opts.timeoutMs ?? 90_000)
    child.on('error', (e) => {
      clearTimeout(timer)
      reject(e)
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr, ms: performance.now() - t0 })
    })
    child.stdin.on('error', () => {})
    child.stdin.end(opts.input ?? '')
  })
}

function fail(what: string, r: RunResult): never {
  throw new Error(`${what} failed (exit ${r.code}):\n${r.stderr.trim() || r.stdout.trim()}`)
}

/** `lab ARGS...` (test/lab/lab); throws with its stderr on failure, returns stdout. */
export async function labCmd(...args: string[]): Promise<string> {
  const r = await run('bash', [LAB_SCRIPT, ...args], { timeoutMs: 110_000 })
  noteTiming(r.ms, `lab ${args.join(' ')}`)
  if (r.code !== 0) fail(`lab ${args.join(' ')}`, r)
  return r.stdout
}

/** Like labCmd but returns the whole result, whatever the exit code. */
export function labRun(...args: string[]): Promise<RunResult> {
  return run('bash', [LAB_SCRIPT, ...args], { timeoutMs: 110_000 })
}

/** OpenSSH options the app's SSH would use: the lab key, strict host keys from the lab's known_hosts. */
export function sshArgs(extra: string[] = []): string[] {
  return [
    '-i',
    LAB_APP_KEY,
    '-o',
    `UserKnownHostsFile=${LAB_KNOWN_HOSTS}`,
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    'BatchMode=yes',
    '-o',
    'ConnectTimeout=5',
    '-o',
    'LogLevel=ERROR',
    ...extra,
  ]
}

/** Runs a shell command line as etalab on a host over SSH (public address). Never throws on exit codes. */
export function sshAsEtalab(
  host: LabHostName,
  command: string,
  opts: { timeoutMs?: number; input?: string; sshOptions?: string[] } = {},
): Promise<RunResult> {
  return run('ssh', [...sshArgs(opts.sshOptions), `etalab@${labHost(host).address}`, command], opts)
}

/** Same, but throws unless the command succeeds; returns stdout. */
export async function sshOk(host: LabHostName, command: string, timeoutMs = 60_000): Promise<string> {
  const r = await sshAsEtalab(host, command, { timeoutMs })
  if (r.code !== 0) fail(`ssh etalab@${host} ${command}`, r)
  return r.stdout
}

/** `virsh -c qemu:///system ...` as etalab on a host. */
export function virsh(host: LabHostName, args: string): Promise<string> {
  return sshOk(host, `LC_ALL=C virsh -c qemu:///system ${args}`)
}

/** Runs argv as root inside a host (its namespaces), through `lab hv`. */
export function asRootOn(host: LabHostName, ...argv: string[]): Promise<string> {
  return labCmd('hv', host, ...argv)
}

export async function domState(host: LabHostName, vm: string): Promise<string> {
  return (await virsh(host, `domstate ${vm}`)).trim()
}

/** The hosts where `vm` runs, each asked at the same time (one etalab login each). */
export async function runningOn(vm: string): Promise<LabHostName[]> {
  const names = LAB_HOSTS.map((h) => h.name)
  const states = await Promise.all(names.map((host) => domState(host, vm)))
  return names.filter((_, i) => states[i] === 'running')
}

/** Path (in the root namespace) of a VM's serial log on a host; root-only, like the real one. */
export function serialLogPath(host: LabHostName, vm: string): string {
  return join(LAB_STATE_DIR, 'hosts', host, 'log-libvirt', 'qemu', `${vm}-serial.log`)
}
export function readSerialLog(host: LabHostName, vm: string): string {
  const p = serialLogPath(host, vm)
  return existsSync(p) ? readFileSync(p, 'latin1') : ''
}

/** The host's syslog (`logger -t hyperdesk ...` on the host lands here). */
export function readHostSyslog(host: LabHostName): Promise<string> {
  return labCmd('log', host)
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 30_000,
  intervalMs = 200,
): Promise<T> {
  const start = Date.now()
  const end = start + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const v = await probe()
      if (v !== undefined && v !== false) {
        noteTiming(Date.now() - start, `wait ${what}`)
        return v
      }
    } catch (e) {
      last = e
    }
    if (Date.now() > end) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`)
    }
    await new Promise((r) => setTimeout(r, intervalMs))
  }
}

/**
 * Waits until the serial log of `vm` on `host` matches `pattern`, looking only past byte offset
 * `since` (pass `readSerialLog(...).length` taken before acting: logs are appended across boots).
 * Returns that new part of the log.
 */
export function waitForSerial(
  host: LabHostName,
  vm: string,
  pattern: RegExp,
  timeoutMs = 60_000,
  since = 0,
): Promise<string> {
  return waitFor(
    `${vm}'s serial log on ${host} to match ${pattern}`,
    () => {
      const log = readSerialLog(host, vm).slice(since)
      return pattern.test(log) ? log : undefined
    },
    timeoutMs,
  )
}

/** Admin `ceph ... -f json` in the root namespace (the lab's client.admin). */
export async function cephJson<T = unknown>(...args: string[]): Promise<T> {
  const out = await labCmd('ceph', ...args, '-f', 'json')
  return JSON.parse(out) as T
}

const CEPH_BATCH = join(dirname(LAB_SCRIPT), 'ceph-batch.py')

/**
 * Ceph commands as the lab's client.admin, in one Python process through the rados binding
 * (ceph-batch.py; `_mgr: true` for a manager command such as pg dump): each one's output. The `ceph`
 * CLI first loads its argument parser and fetches every command's description from the monitor:
 * 0.5-0.85 s a call against 0.2-0.28 s here for one command, more than 1 s under load, and the
 * waits below ask several times a second.
 */
async function cephBatch(
  commands: readonly Record<string, unknown>[],
  timeoutMs = 20_000,
): Promise<string[]> {
  const r = await run('/usr/bin/python3', [CEPH_BATCH, join(LAB_STATE_DIR, 'ceph', 'ceph.conf')], {
    timeoutMs,
    input: commands.map((command) => `${JSON.stringify({ ...command, _print: true })}\n`).join(''),
  })
  const what = commands.map((command) => command['prefix']).join(', ')
  noteTiming(r.ms, `ceph ${what}`)
  if (r.code !== 0) throw new Error(`ceph ${what} failed (exit ${r.code}): ${r.stderr.trim()}`)
  return r.stdout.split('\0').slice(0, commands.length)
}

/**
 * One Ceph monitor command as client.admin (`_mgr: true`: a manager's), through the rados binding
 * like the waits below (~0.25 s, where `lab ceph ...` costs ~0.7 s and more under load): the same JSON
 * the `ceph` CLI sends, e.g. `{ prefix: 'osd blocklist ls' }`. Its output, parsed if it is JSON (the
 * default format here), else the text (undefined when empty).
 */
export async function cephCommand<T = unknown>(command: Record<string, unknown>): Promise<T> {
  const [out = ''] = await cephBatch([{ format: 'json', ...command }])
  if (out.trim() === '') return undefined as T
  return (command['format'] === undefined || command['format'] === 'json' ? JSON.parse(out) : out) as T
}

/** The OSD blocklist's addresses (plain: `<addr> <until>` a line; Pacific's JSON is two arrays back to back). */
export async function blocklistedAddresses(): Promise<string[]> {
  const out = (await cephCommand<string | undefined>({ prefix: 'osd blocklist ls', format: 'plain' })) ?? ''
  return out.split('\n').flatMap((line) => line.split(' ')[0] || [])
}

/** `ceph health` (plain text), else why Ceph did not answer. */
export async function cephHealth(): Promise<string> {
  return cephBatch([{ prefix: 'health' }], 15_000).then(
    ([health]) => (health ?? '').trim(),
    (error: Error) => `no answer: ${error.message}`,
  )
}

/** The clients watching an RBD image ("pool/image"), by address (`10.77.0.3:0/…`), as `rbd status` reports them. */
export async function rbdWatchers(image: string): Promise<string[]> {
  const status = JSON.parse(await labCmd('rbd', 'status', image, '--format', 'json')) as {
    watchers?: Array<{ address: string }>
  }
  return (status.watchers ?? []).map((watcher) => watcher.address)
}

export function waitForHealthOk(timeoutMs = 60_000): Promise<string> {
  return waitFor(
    'Ceph HEALTH_OK',
    async () => {
      const h = await cephHealth()
      return h.startsWith('HEALTH_OK') ? h : undefined
    },
    timeoutMs,
    500,
  )
}

interface CephStatusJson {
  health: { status: string; checks?: Record<string, unknown> }
  quorum_names?: string[]
  monmap?: { num_mons?: number }
  mgrmap?: { available?: boolean }
}
interface OsdDumpJson {
  epoch: number
  osds: { osd: number; up: number; in: number; up_from: number }[]
}
interface PgDumpJson {
  pg_ready?: boolean
  pg_stats?: { pgid: string; state: string; acting: number[]; last_epoch_clean: number }[]
}

/**
 * Whether Ceph is whole, in its own words, as root; undefined if it is, else what is still missing.
 * HEALTH_OK alone is not enough: right after an OSD comes back (memstore: empty) the manager can say
 * HEALTH_OK for a few seconds before the first PG stats of the new interval arrive, then PG_DEGRADED
 * while it recovers (seen in mon.a.log: cleared at :13.4, failed again at :16.4 with 7 PGs degraded).
 * So, besides HEALTH_OK, a full quorum and an available manager: every OSD up and in, and every PG
 * active+clean *since every OSD of its acting set last came up* (its last_epoch_clean is not older
 * than their up_from), read from the manager's own PG map.
 */
export async function cephNotWhole(): Promise<string | undefined> {
  // The three in one client session (what `ceph status`, `ceph osd dump` and `ceph pg dump pgs` send).
  const [status, osds, pgs] = (
    await cephBatch([
      { prefix: 'status', format: 'json' },
      { prefix: 'osd dump', format: 'json' },
      { prefix: 'pg dump', dumpcontents: ['pgs'], format: 'json', _mgr: true },
    ])
  ).map((text) => JSON.parse(text) as unknown) as [CephStatusJson, OsdDumpJson, PgDumpJson]
  const checks = Object.keys(status.health.checks ?? {}).join(',')
  if (status.health.status !== 'HEALTH_OK') return `${status.health.status}${checks ? ` (${checks})` : ''}`
  if ((status.quorum_names ?? []).length !== (status.monmap?.num_mons ?? 1)) return 'no full quorum'
  if (!status.mgrmap?.available) return 'no manager available'
  const downOrOut = osds.osds.filter((osd) => !osd.up || !osd.in).map((osd) => `osd.${osd.osd}`)
  if (downOrOut.length) return `${downOrOut.join(',')} down or out`
  if (!pgs.pg_ready || !pgs.pg_stats?.length) return 'PG map not ready'
  const upFrom = new Map(osds.osds.map((osd) => [osd.osd, osd.up_from]))
  const behind = pgs.pg_stats.filter(
    (pg) =>
      pg.state !== 'active+clean' ||
      pg.acting.some((osd) => (upFrom.get(osd) ?? Infinity) > pg.last_epoch_clean),
  )
  if (behind.length)
    return `PGs not clean since their OSDs came up: ${behind
      .slice(0, 4)
      .map((pg) => `${pg.pgid} ${pg.state} (clean at epoch ${pg.last_epoch_clean})`)
      .join(', ')}${behind.length > 4 ? ` and ${behind.length - 4} more` : ''}`
  return undefined
}

/**
 * Waits, at Ceph's own pace (recovery after an OSD restart takes longer on a lab that has been
 * written to for a while), until cephNotWhole() says nothing is missing; names the last thing missing
 * if it gives up. Returns how long it took.
 */
export async function waitForCephWhole(after: string, timeoutMs = 180_000): Promise<number> {
  const since = Date.now()
  let missing = 'no answer yet'
  await waitFor(
    `Ceph whole again ${after}`,
    async () => {
      missing = (await cephNotWhole()) ?? ''
      return missing === '' || undefined
    },
    timeoutMs,
    500,
  ).catch((error: Error) => Promise.reject(new Error(`${error.message} (last: ${missing})`)))
  return Date.now() - since
}

function labNotUp(why: string): never {
  throw new Error(`lab is not up: run \`sudo npm run lab:up\` (${why})`)
}

/** What must hold before anything is sent to 10.77.x: root, the lab's cluster file and its network. */
function requireLabBasics(): void {
  if (process.getuid?.() !== 0) labNotUp('the lab tests must run as root')
  if (!existsSync(LAB_CLUSTER_CONFIG)) labNotUp(`${LAB_CLUSTER_CONFIG} is missing`)
  // without the lab's links, 10.77.x would follow the default route off this machine: never try
  if (!existsSync('/sys/class/net/hdpriv')) labNotUp('its network (bridge hdpriv) does not exist')
}

/** Ceph HEALTH_OK within 20 s, else why not. */
function healthProblem(): Promise<string | undefined> {
  return waitForHealthOk(20_000).then(
    () => undefined,
    async () => `Ceph is not HEALTH_OK: ${await cephHealth()}`,
  )
}

/**
 * The first line a host's sshd sends (`SSH-2.0-…`), read on its public address: the host's
 * namespace and link are up and its sshd answers. A TCP connection in this process: a few ms, where
 * an etalab login costs ~0.4 s of ssh and sshd start-up and key exchange (three per lab file).
 */
export function sshBanner(host: LabHostName, timeoutMs = 10_000): Promise<string> {
  const { address } = labHost(host)
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: address, port: 22 })
    let text = ''
    const done = (error?: Error) => {
      socket.destroy()
      if (error) reject(error)
      else resolve(text.split(/\r?\n/)[0]!)
    }
    socket.setTimeout(timeoutMs, () => done(new Error(`no answer from ${address}:22 in ${timeoutMs} ms`)))
    socket.setEncoding('latin1').on('data', (data: string) => {
      text += data
      if (text.includes('\n')) done()
    })
    socket.once('error', (error) => done(error))
    socket.once('end', () =>
      done(new Error(`${address}:22 closed before its banner: ${JSON.stringify(text)}`)),
    )
  })
}

/**
 * Throws loudly unless the lab is up: cluster.json written, Ceph is HEALTH_OK, every host's sshd
 * answers on its public address. Call it in beforeAll: no lab = failing suite, never a skip. The
 * etalab logins (the right host behind each address) are checked once per run, by the lab config's
 * global setup (requireLabLogins): each file's check is what can change between files, at ~0.3 s
 * (Ceph's answer) instead of ~1-1.5 s with three logins.
 */
export async function requireLab(): Promise<void> {
  requireLabBasics()
  const hosts = LAB_HOSTS.map(async (h) => {
    const banner = await sshBanner(h.name).catch((error: Error) => `no sshd: ${error.message}`)
    return banner.startsWith('SSH-2.0-') ? undefined : `${h.name} (${h.address}:22): ${banner}`
  })
  const problem = (await Promise.all([...hosts, healthProblem()])).find((why) => why !== undefined)
  if (problem) labNotUp(problem)
}

/**
 * requireLab, and every host's sshd lets etalab in with the app's key and answers with the right
 * hostname (the lab's addresses lead to the right hosts). Once per run: the global setup.
 */
export async function requireLabLogins(): Promise<void> {
  requireLabBasics()
  const hosts = LAB_HOSTS.map(async (h) => {
    const r = await sshAsEtalab(h.name, 'hostname', { timeoutMs: 15_000 })
    if (r.code !== 0 || r.stdout.trim() !== h.name)
      return `ssh etalab@${h.address}: exit ${r.code} ${r.stderr.trim() || r.stdout.trim()}`
    return undefined
  })
  const problem = (await Promise.all([...hosts, healthProblem()])).find((why) => why !== undefined)
  if (problem) labNotUp(problem)
}

// ------------------------------------------------------------------ fault controls

export const faults = {
  /**
   * stop: the listening sshd only — open sessions survive, as with `systemctl stop ssh`;
   * kill: the listener and every session (established connections drop);
   * start: waits until it listens.
   */
  sshd: (host: LabHostName, action: 'stop' | 'kill' | 'start') => labCmd('sshd', host, action),
  /** stop/start/restart libvirtd (start waits until it answers); running guests survive */
  /** freeze/thaw: SIGSTOP/SIGCONT, a hung libvirtd (its socket accepts, nothing answers) */
  libvirtd: (host: LabHostName, action: 'stop' | 'start' | 'restart' | 'freeze' | 'thaw') =>
    labCmd('libvirtd', host, action),
  /**
   * take the host's public and private links down (cut) or up (restore); cut-public takes only the
   * public link down: the app cannot reach the host, whose QEMUs still reach Ceph
   */
  net: (host: LabHostName, action: 'cut' | 'cut-public' | 'restore') => labCmd('net', host, action),
  /** stop/start osd.N (0,1: CRUSH root ssd; 2,3: root sata); waits until the monitor sees it */
  osd: (id: 0 | 1 | 2 | 3, action: 'stop' | 'start') => labCmd('osd', String(id), action),
  /** stop/start the only monitor: every Ceph call then hangs until its timeout */
  mon: (action: 'stop' | 'start') => labCmd('mon', action),
  /** remove/restore the client.libvirt keyring on a host (off: etalab cannot reach Ceph) */
  keyring: (host: LabHostName, state: 'on' | 'off') => labCmd('keyring', host, state),
  /** tc netem on all public links; fails with a clear message where the kernel has no netem */
  latency: (roundTripMs: number | 'off') => labCmd('latency', String(roundTripMs)),
}

/**
 * Resets `host`'s TCP connections to the lab's Ceph daemons (its QEMUs' to the OSDs and the monitor),
 * for a test to call as the host's link comes back after a long cut. The daemons run in this machine's
 * own namespace, whose TCP backs its retransmits off up to 120 s (`lab up` shortens only the hosts'):
 * after an ~80 s cut the OSD's side of a stalled connection spoke again up to ~45 s after the link was
 * back. Reset, the QEMUs reconnect at once and resend their pending writes, which the OSDs judge as any
 * other (a blocklisted client's are refused, anyone else's land).
 */
export async function resetCephConnections(host: LabHostName): Promise<void> {
  const reset = await run('ip', ['netns', 'exec', host, 'ss', '-K', '-t', 'dst', LAB_MON_ADDRESS])
  if (reset.code !== 0) throw new Error(`ss -K in ${host}'s namespace failed: ${reset.stderr}`)
}

/** Define N extra shut-off VMs (scale-001...) on all three hosts; `delVms` removes them all. */
export const addVms = (n: number) => labCmd('add-vms', String(n))
export const delVms = () => labCmd('del-vms')

// ------------------------------------------------------------------ SSH tunnels

export interface Tunnel {
  port: number
  close(): Promise<void>
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const a = s.address()
      const port = typeof a === 'object' && a ? a.port : 0
      s.close(() => resolve(port))
    })
  })
}

/** `ssh -N -L 127.0.0.1:<free>:127.0.0.1:<remotePort> etalab@host`, resolved once the local port accepts. */
export async function sshTunnel(host: LabHostName, remotePort: number): Promise<Tunnel> {
  const port = await freePort()
  const child = spawn(
    'ssh',
    [
      ...sshArgs(['-N', '-o', 'ExitOnForwardFailure=yes', '-L', `127.0.0.1:${port}:127.0.0.1:${remotePort}`]),
      `etalab@${labHost(host).address}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  )
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
  const exited = new Promise<void>((r) => child.once('exit', () => r()))
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    await exited
  }
  try {
    await waitFor(
      `ssh -L to ${host}:${remotePort}`,
      async () => {
        if (child.exitCode !== null) throw new Error(`ssh exited ${child.exitCode}: ${stderr}`)
        return (await canConnect('127.0.0.1', port)) || undefined
      },
      10_000,
      100,
    )
  } catch (e) {
    await close()
    throw e
  }
  return { port, close }
}

export function canConnect(host: string, port: number, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port })
    const done = (ok: boolean) => {
      s.destroy()
      resolve(ok)
    }
    s.setTimeout(timeoutMs, () => done(false))
    s.once('connect', () => done(true))
    s.once('error', () => done(false))
  })
}

/** One TCP connection attempt: 'open', 'refused' (a host answered with RST), or the error code. */
export function tcpProbe(host: string, port: number, timeoutMs = 3000): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port })
    const done = (r: string) => {
      s.destroy()
      resolve(r)
    }
    s.setTimeout(timeoutMs, () => done('timeout'))
    s.once('connect', () => done('open'))
    s.once('error', (e: NodeJS.ErrnoException) =>
      done(e.code === 'ECONNREFUSED' ? 'refused' : (e.code ?? e.message)),
    )
  })
}
