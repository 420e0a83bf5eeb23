import type { CephStatus } from '../../../shared/ceph'
import { ApiError } from '../../../shared/errors'
import type {
  MaintenanceCheck,
  MaintenanceMove,
  MaintenancePlan,
  NooutPlan,
} from '../../../shared/maintenance'
import { cephHost, privilegeSettings } from '../ceph/cluster'
import { readCephStatus } from '../ceph/health'
import { clusterArgv } from '../ceph/cluster-commands'
import {
  permissionHelp,
  privilegeOf,
  privilegedArgv,
  runPrivileged,
  type PrivilegeSettings,
} from '../ceph/privileged'
import type { ConfigStore } from '../config/config-store'
import type { InventoryService } from '../inventory/inventory-service'
import type { JobManager } from '../jobs/job-manager'
import type { Migration } from '../migration/migrate'
import type { Leases } from '../lease/cluster-lease'
import type { RemoteRunner } from '../remote/runner'
import type { HostPool } from '../ssh/pool'

/**
 * The maintenance pre-checks and capacity plan; changes nothing. Each check says what it found and
 * why it passes — including "nothing to check" when the host owns no OSD or monitor (as in the lab,
 * where the OSDs are not on the hypervisors) — so a pass is never a guess.
 */

/** What the pre-checks and the maintenance job use of the core's engines. */
export interface MaintenanceContext {
  readonly config: Pick<ConfigStore, 'requireConfig'>
  readonly hosts: Pick<HostPool, 'list' | 'get'>
  readonly runner: RemoteRunner
  readonly inventory: Pick<InventoryService, 'snapshot' | 'refreshHost' | 'vm'>
  readonly migration: Pick<Migration, 'plan' | 'migrate'>
  readonly jobs: Pick<JobManager, 'start' | 'cancel'>
  /** The cluster lease: the host's, held over the whole maintenance. */
  readonly lease: Leases
}

const MiB = 1024
const mib = (kib: number) => `${Math.round(kib / MiB)} MiB`

export function checkHost(context: MaintenanceContext, host: string): void {
  context.hosts.get(host) // throws host.unknown with the hint
}

/** The hypervisor's name as CRUSH knows it: the configured name, or its short hostname. */
function crushNameOf(context: MaintenanceContext, host: string, buckets: string[]): string | undefined {
  const facts = context.inventory.snapshot().hosts.find((entry) => entry.host === host)?.facts
  const candidates = [host, facts?.hostname, facts?.hostname?.split('.')[0]].filter(Boolean) as string[]
  return buckets.find((bucket) => candidates.includes(bucket))
}

/** The host's own addresses (config and migration), to find the monitors that run on it. */
function hostAddresses(context: MaintenanceContext, host: string): string[] {
  const config = context.config.requireConfig().hosts.find((entry) => entry.name === host)
  return [config?.address, config?.migrationAddress].filter(Boolean) as string[]
}

/** Running VMs on the host, heaviest first, each to the destination with the most memory left. */
export function planMoves(
  context: MaintenanceContext,
  host: string,
  overrides: Record<string, string> = {},
): { moves: Omit<MaintenanceMove, 'failoverIp'>[]; destinations: MaintenancePlan['destinations'] } {
  const snapshot = context.inventory.snapshot()
  const others = context.config
    .requireConfig()
    .hosts.map((entry) => entry.name)
    .filter((name) => name !== host)
  const online = new Set(
    context.hosts
      .list()
      .filter((state) => state.status === 'online')
      .map((state) => state.name),
  )
  const destinations = others.map((name) => {
    const freeKiB = snapshot.hosts.find((entry) => entry.host === name)?.facts.memoryFreeKiB
    return {
      host: name,
      online: online.has(name),
      ...(freeKiB !== undefined ? { freeKiB } : {}),
      plannedKiB: 0,
    }
  })
  const domains = snapshot.hosts.find((entry) => entry.host === host)?.domains ?? []
  const running = domains
    .filter((domain) => domain.state === 'running' || domain.state === 'paused' || domain.state === 'blocked')
    .map((domain) => ({
      uuid: domain.uuid,
      name: domain.name,
      memoryKiB: domain.memoryKiB ?? domain.definition?.currentMemoryKiB ?? 0,
    }))
    .sort((a, b) => b.memoryKiB - a.memoryKiB || a.name.localeCompare(b.name))
  const moves = running.map((vm) => {
    const chosen = overrides[vm.uuid]
    const target =
      (chosen && destinations.find((entry) => entry.host === chosen)) ||
      [...destinations]
        .filter((entry) => entry.online)
        .sort((a, b) => (b.freeKiB ?? 0) - b.plannedKiB - ((a.freeKiB ?? 0) - a.plannedKiB))[0]
    if (!target)
      throw new ApiError({
        code: 'maintenance.no-destination',
        host,
        step: 'capacity plan',
        message: `No other host is online to take ${vm.name} from ${host}.`,
        hint: 'Reconnect another host first.',
      })
    target.plannedKiB += vm.memoryKiB
    return { ...vm, to: target.host }
  })
  return { moves, destinations }
}

type Add = (id: string, status: MaintenanceCheck['status'], message: string, fix?: string) => void

function collector(): { checks: MaintenanceCheck[]; add: Add } {
  const checks: MaintenanceCheck[] = []
  return {
    checks,
    add: (id, status, message, fix) => checks.push({ id, status, message, ...(fix ? { fix } : {}) }),
  }
}

/**
 * Pre-checks and capacity plan. The independent parts (Ceph, libvirt-guests, the privileged access,
 * each migration's own checks) run side by side; the checks come back in a fixed order.
 */
export async function planMaintenance(
  context: MaintenanceContext,
  host: string,
  overrides: Record<string, string> = {},
): Promise<MaintenancePlan> {
  checkHost(context, host)
  for (const [uuid, to] of Object.entries(overrides)) {
    if (to === host)
      throw new ApiError({
        code: 'maintenance.bad-destination',
        host,
        step: 'capacity plan',
        message: `A VM cannot be moved to ${host}, the host going into maintenance (${uuid}).`,
      })
    checkHost(context, to)
  }
  const first = collector()
  const state = context.hosts.get(host).current
  const online = state.status === 'online'
  if (online) first.add('host-online', 'pass', `${host} is online.`)
  else first.add('host-online', 'fail', `${host} is ${state.status}: its VMs cannot be migrated from here.`)
  if (online) await context.inventory.refreshHost(host)

  const { moves: bare, destinations } = planMoves(context, host, overrides)
  const settings = privilegeSettings(context)
  const [ceph, guests, privilege, migrations] = await Promise.all([
    cephChecks(context, host, settings),
    online ? libvirtGuestsChecks(context, host) : [],
    privilegeChecks(context, host, settings),
    migrationChecks(context, host, bare),
  ])
  const checks = [
    ...first.checks,
    ...ceph.checks,
    ...autostartChecks(context, host),
    ...guests,
    ...privilege,
    ...capacityChecks(destinations, bare),
    ...migrations.checks,
  ]
  const rebootCommand = context.config.requireConfig().maintenance?.rebootCommand
  return {
    host,
    checks,
    moves: migrations.moves,
    destinations,
    noout: ceph.noout,
    ...(rebootCommand ? { rebootCommand: rebootCommand.join(' ') } : {}),
    canStart: checks.every((check) => check.status !== 'fail'),
  }
}

/** Ceph health, the host's OSDs (ok-to-stop) and its monitors, read on another host when one is online. */
async function cephChecks(
  context: MaintenanceContext,
  host: string,
  settings: PrivilegeSettings,
): Promise<{ checks: MaintenanceCheck[]; noout: NooutPlan }> {
  const { checks, add } = collector()
  let noout: NooutPlan = { reason: 'Ceph could not be read: noout will be set for the whole cluster.' }
  let ceph: CephStatus
  let on: string
  try {
    on = cephHost(context, undefined, [host])
    ceph = await readCephStatus(context.runner, on, privilegeOf(settings), `client.${settings.clientId}`)
  } catch (error) {
    const failure = ApiError.from(error)
    add('ceph-health', 'fail', `Ceph could not be read: ${failure.message}`, failure.hint)
    return { checks, noout }
  }
  const summaries = ceph.checks.map((check) => `${check.code}: ${check.summary}`).join('; ')
  if (ceph.health === 'HEALTH_OK') add('ceph-health', 'pass', 'Ceph is HEALTH_OK.')
  else if (ceph.health === 'HEALTH_WARN')
    add('ceph-health', 'warn', `Ceph is HEALTH_WARN (${summaries}): a reboot now adds to it.`)
  else add('ceph-health', 'fail', `Ceph is HEALTH_ERR (${summaries}): fix it before any maintenance.`)

  const buckets = [...new Set(ceph.osds.map((osd) => osd.host).filter((name): name is string => !!name))]
  const bucket = crushNameOf(context, host, buckets)
  const osds = ceph.osds.filter((osd) => bucket !== undefined && osd.host === bucket)
  if (osds.length === 0) {
    add(
      'osds',
      'pass',
      `${host} holds no OSDs: the CRUSH map has no host bucket named ${host} with OSDs (its hosts: ${buckets.join(', ') || 'none'}). Nothing to stop.`,
    )
    noout = {
      reason: `${host} owns no OSD in the CRUSH map, so there is no host bucket to flag: noout is set for the whole cluster during the reboot. No OSD should go down; noout only keeps data from moving if one does.`,
    }
  } else {
    noout = {
      node: bucket,
      reason: `noout only for CRUSH host ${bucket} (osd set-group), so its OSDs are not marked out while ${host} reboots.`,
    }
    const ids = osds.map((osd) => String(osd.id))
    const names = osds.map((osd) => osd.name).join(', ')
    try {
      const result = await runPrivileged(
        context.runner,
        on,
        settings,
        clusterArgv.okToStop(osds.map((osd) => osd.id)),
        {
          step: `ceph osd ok-to-stop ${ids.join(' ')}`,
          allowFailure: true,
        },
      )
      if (result.exitCode === 0)
        add('osds', 'pass', `Ceph says ${names} on ${host} can stop (osd ok-to-stop).`)
      else
        add(
          'osds',
          'fail',
          `Ceph says stopping ${names} on ${host} would make data unavailable: ${result.stderr.trim().split('\n').at(-1)}`,
        )
    } catch (error) {
      const failure = ApiError.from(error)
      add('osds', 'fail', failure.message, failure.hint)
    }
  }

  const addresses = hostAddresses(context, host)
  const mine = ceph.monitors.filter(
    (mon) => mon.name === host || addresses.some((address) => mon.address.split(':')[0] === address),
  )
  const quorum = ceph.monitors.filter((mon) => mon.inQuorum)
  const left = quorum.filter((mon) => !mine.includes(mon)).length
  const list = ceph.monitors.map(
    (mon) => `${mon.name} ${mon.address}${mon.inQuorum ? '' : ' (out of quorum)'}`,
  )
  if (left <= ceph.monitors.length / 2)
    add(
      'monitors',
      'fail',
      `Without ${host}'s monitor(s) ${mine.map((mon) => mon.name).join(', ') || '(none)'} only ${left} of ${ceph.monitors.length} monitors stay in quorum: Ceph would stop. Monitors: ${list.join(', ')}.`,
    )
  else if (mine.length === 0)
    add(
      'monitors',
      'pass',
      `No monitor runs on ${host}; ${quorum.length} of ${ceph.monitors.length} in quorum (${list.join(', ')}).`,
    )
  else
    add(
      'monitors',
      'pass',
      `${mine.map((mon) => mon.name).join(', ')} run(s) on ${host}; the other ${left} keep the quorum.`,
    )
  return { checks, noout }
}

/** Autostart on the host: a VM migrated away would start again there at boot (running twice). */
export function autostartChecks(context: MaintenanceContext, host: string): MaintenanceCheck[] {
  const { checks, add } = collector()
  const domains = context.inventory.snapshot().hosts.find((entry) => entry.host === host)?.domains ?? []
  const autostart = domains.filter((domain) => domain.autostart)
  if (autostart.length === 0) add('autostart', 'pass', `No VM has autostart on ${host}.`)
  else
    add(
      'autostart',
      'fail',
      `${autostart.map((domain) => domain.name).join(', ')} start(s) by itself when ${host} boots, while running elsewhere after the migration: the disk would be used twice.`,
      // By UUID: a VM's name may hold anything but '/' and newlines, and these lines get pasted into a shell.
      autostart
        .map(
          (domain) =>
            `virsh autostart --disable ${domain.uuid}   # ${JSON.stringify(domain.name)} on ${host}`,
        )
        .join('\n'),
    )
  return checks
}

/** Who sets noout: the privileged client must authenticate, or sudo must allow the exact command. */
export async function privilegeChecks(
  context: MaintenanceContext,
  host: string,
  settings: PrivilegeSettings,
): Promise<MaintenanceCheck[]> {
  const { checks, add } = collector()
  const privilege = privilegeOf(settings)
  const help = permissionHelp(settings)
  if (privilege.mode === 'none') {
    add(
      'privilege',
      'fail',
      `noout cannot be set: client.${settings.clientId} may not run \`ceph osd set noout\` (EACCES) and no privileged client or sudo is configured.`,
      `${help.createClient}\ncluster file: ${help.config}\nor sudo: ${help.sudoRule}`,
    )
    return checks
  }
  let on: string
  try {
    on = cephHost(context, undefined, [host])
  } catch (error) {
    add('privilege', 'fail', ApiError.from(error).message)
    return checks
  }
  const probe =
    privilege.mode === 'sudo'
      ? ['sudo', '-n', '-l', ...privilegedArgv(settings, clusterArgv.noout(true, {})).slice(2)]
      : privilegedArgv(settings, clusterArgv.health())
  const result = await context.runner
    .run(on, probe, {
      step: 'check the privileged Ceph access',
      allowFailure: true,
      timeoutSeconds: settings.monitorTimeoutSeconds + 20,
    })
    .catch((error: unknown) => ({ exitCode: -1, stderr: ApiError.from(error).message }))
  const who = privilege.mode === 'sudo' ? 'sudo' : privilege.client
  if (result.exitCode === 0) add('privilege', 'pass', `noout is set with ${who} (checked on ${on}).`)
  else
    add(
      'privilege',
      'fail',
      `${who} does not work on ${on}: ${result.stderr.trim().split('\n').at(-1)}`,
      privilege.mode === 'sudo' ? help.sudoRule : help.createClient,
    )
  return checks
}

/** Everything planned for a destination must fit in its free memory. */
function capacityChecks(
  destinations: MaintenancePlan['destinations'],
  moves: readonly Omit<MaintenanceMove, 'failoverIp'>[],
): MaintenanceCheck[] {
  const { checks, add } = collector()
  for (const destination of destinations.filter((entry) => entry.plannedKiB > 0)) {
    const id = `capacity:${destination.host}`
    const names = moves
      .filter((move) => move.to === destination.host)
      .map((move) => move.name)
      .join(', ')
    if (!destination.online) add(id, 'fail', `${destination.host} is not online: ${names} cannot go there.`)
    else if (destination.freeKiB === undefined)
      add(id, 'warn', `${destination.host}'s free memory is unknown (${names} planned there).`)
    else if (destination.plannedKiB > destination.freeKiB)
      add(
        id,
        'fail',
        `${destination.host} has ${mib(destination.freeKiB)} free, ${names} need ${mib(destination.plannedKiB)}: choose other destinations.`,
      )
    else
      add(
        id,
        'pass',
        `${destination.host}: ${names} need ${mib(destination.plannedKiB)} of ${mib(destination.freeKiB)} free.`,
      )
  }
  return checks
}

/** Each migration's own pre-checks (definition drift, bridges, memory…), as the engine runs them. */
async function migrationChecks(
  context: MaintenanceContext,
  host: string,
  bare: readonly Omit<MaintenanceMove, 'failoverIp'>[],
): Promise<{ checks: MaintenanceCheck[]; moves: MaintenanceMove[] }> {
  const { checks, add } = collector()
  if (bare.length === 0) add('vms', 'pass', `No VM runs on ${host}: nothing to migrate.`)
  const planned = await Promise.all(
    bare.map(async (move) => {
      try {
        return { move, plan: await context.migration.plan({ uuid: move.uuid, from: host, to: move.to }) }
      } catch (error) {
        return { move, error: ApiError.from(error) }
      }
    }),
  )
  const moves = planned.map(({ move, plan, error }): MaintenanceMove => {
    if (error) add(`migration:${move.name}`, 'fail', `${move.name} → ${move.to}: ${error.message}`)
    for (const check of plan?.checks.filter((entry) => entry.status !== 'pass') ?? [])
      add(`migration:${move.name}:${check.id}`, check.status, `${move.name} → ${move.to}: ${check.message}`)
    const failoverIp = plan?.followUps.failoverIp
    return { ...move, ...(failoverIp ? { failoverIp } : {}) }
  })
  return { checks, moves }
}

/** libvirt-guests restarts at boot the VMs that ran at shutdown: with every VM moved away, none. */
async function libvirtGuestsChecks(context: MaintenanceContext, host: string): Promise<MaintenanceCheck[]> {
  const { checks, add } = collector()
  // The script's own defaults first (Debian 12: ON_BOOT=ignore), then the admin's settings: last wins.
  const files = [
    '/usr/lib/libvirt/libvirt-guests.sh',
    '/usr/libexec/libvirt-guests.sh',
    '/etc/default/libvirt-guests',
    '/etc/sysconfig/libvirt-guests',
  ]
  const script =
    'if [ -e /etc/init.d/libvirt-guests ] || [ -e /lib/systemd/system/libvirt-guests.service ] || [ -e /usr/lib/systemd/system/libvirt-guests.service ]; then echo installed; fi; ' +
    '(systemctl is-enabled libvirt-guests 2>/dev/null || true); ' +
    `for f in ${files.join(' ')}; do grep -hE '^[[:space:]]*ON_(BOOT|SHUTDOWN)=' "$f" 2>/dev/null; done; true`
  try {
    const result = await context.runner.run(host, ['sh', '-c', script], { step: 'check libvirt-guests' })
    const lines = result.stdout.trim().split('\n').filter(Boolean)
    if (!lines.includes('installed')) {
      add(
        'libvirt-guests',
        'pass',
        `libvirt-guests is not installed on ${host}: nothing restarts VMs at boot but autostart.`,
      )
      return checks
    }
    const enabled = lines.find((line) => /^(enabled|disabled|static|masked)/.test(line)) ?? 'state unknown'
    const setting = (name: string) =>
      lines
        .filter((line) => line.trim().startsWith(`${name}=`))
        .map((line) => line.split('=')[1]!.replace(/["']/g, '').trim())
        .at(-1) ?? 'start (libvirt default)'
    const onBoot = setting('ON_BOOT')
    const onShutdown = setting('ON_SHUTDOWN')
    if (enabled === 'enabled' && onBoot.startsWith('start'))
      add(
        'libvirt-guests',
        'warn',
        `libvirt-guests is enabled on ${host} with ON_BOOT=${onBoot}: a VM still running at shutdown would start again there at boot. Every VM is migrated first; check that none is left before rebooting.`,
        `ON_BOOT=ignore   # in /etc/default/libvirt-guests on ${host}`,
      )
    else
      add(
        'libvirt-guests',
        'pass',
        `libvirt-guests on ${host}: ${enabled}, ON_BOOT=${onBoot} (restarts no VM at boot), ON_SHUTDOWN=${onShutdown}.`,
      )
  } catch (error) {
    add('libvirt-guests', 'warn', `Could not check libvirt-guests: ${ApiError.from(error).message}`)
  }
  return checks
}
