import type { CephStatus } from '../../../shared/ceph'
import { ApiError, errorText, commandStep } from '../../../shared/errors'
import { msg, withDetail, type Fix, type Message } from '../../../shared/messages'
import { cephCaller, connectFailureError } from '../ceph/connect-failure'
import type {
  MaintenanceCheck,
  MaintenanceMove,
  MaintenancePlan,
  NooutPlan,
} from '../../../shared/maintenance'
import { nooutPlan } from '../../../shared/maintenance'
import { cephHost, privilegeSettings, readThroughCephHosts, type CephSite } from '../ceph/cluster'
import { readCephStatus } from '../ceph/health'
import { clusterArgv } from '../ceph/cluster-commands'
import {
  permissionHelp,
  privilegeOf,
  privilegedArgv,
  runPrivileged,
  type PrivilegeSettings,
} from '../ceph/privileged'
import type { InventoryService } from '../inventory/inventory-service'
import type { JobContext, JobManager } from '../jobs/job-manager'
import type { Migration } from '../migration/migrate'
import type { Leases } from '../lease/cluster-lease'
import type { RemoteRunner } from '../remote/runner'

/**
 * The maintenance pre-checks and capacity plan; changes nothing. Each check says what it found and
 * why it passes — including "nothing to check" when the host owns no OSD or monitor (as in the lab,
 * where the OSDs are not on the hypervisors) — so a pass is never a guess.
 */

export interface MaintenanceBlocks {
  /** The moves with their blocks and OVH's pre-check; OVH's state when some move has a failover IP. */
  plan(
    moves: readonly MaintenanceMove[],
    signal?: AbortSignal,
  ): Promise<{ moves: MaintenanceMove[]; ovh?: MaintenancePlan['ovh'] }>
  /** The migration's judgement of a request (the VM's claim, every other VM confirmed); throws. */
  judge(uuid: string, request: BlockRequest): void
  /** Moves the block as steps of the job (judged again: the settings may have changed since). */
  move(
    job: JobContext,
    where: { uuid: string; vm: string; host: string; to: string } & BlockRequest,
  ): Promise<{ block: string; serviceName: string; moved: boolean; taskId?: number }>
}

export interface BlockRequest {
  block: string
  others?: readonly string[] | undefined
}

/** What the pre-checks and the maintenance job use of the core's engines. */
export interface MaintenanceContext extends CephSite {
  readonly runner: RemoteRunner
  readonly inventory: Pick<InventoryService, 'snapshot' | 'refreshHost' | 'vm'>
  readonly migration: Pick<Migration, 'plan' | 'migrate'>
  readonly jobs: Pick<JobManager, 'start' | 'cancel'>
  /** The cluster lease: the host's, held over the whole maintenance. */
  readonly lease: Leases
  /** The VMs' failover blocks through OVH (absent: the user moves them in the OVH manager). */
  readonly blocks?: MaintenanceBlocks
}

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
      throw ApiError.of(
        'maintenance.no-destination',
        msg('maintenanceErrors.noDestination', { vm: vm.name, host }),
        {
          host,
          step: msg('errorSteps.capacityPlan'),
          hint: msg('maintenanceErrors.noDestinationHint'),
        },
      )
    target.plannedKiB += vm.memoryKiB
    return { ...vm, to: target.host }
  })
  return { moves, destinations }
}

type Add = (id: string, level: MaintenanceCheck['level'], message: Message, fix?: Fix) => void

/** Collects checks; a failing one blocks the maintenance. */
function collector(): { checks: MaintenanceCheck[]; add: Add } {
  const checks: MaintenanceCheck[] = []
  return {
    checks,
    add: (id, level, message, fix) =>
      checks.push({
        id,
        level,
        message,
        ...(fix ? { fix } : {}),
        ...(level === 'fail' ? { blocks: ['maintenance' as const] } : {}),
      }),
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
      throw ApiError.of(
        'maintenance.bad-destination',
        msg('maintenanceErrors.badDestination', { host, uuid }),
        {
          host,
          step: msg('errorSteps.capacityPlan'),
        },
      )
    checkHost(context, to)
  }
  const first = collector()
  const state = context.hosts.get(host).current
  const online = state.status === 'online'
  if (online) first.add('host-online', 'ok', msg('maintenanceChecks.hostOnline', { host }))
  else
    first.add('host-online', 'fail', msg('maintenanceChecks.hostNotOnline', { host, status: state.status }))
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
  const blocks = context.blocks ? await context.blocks.plan(migrations.moves) : { moves: migrations.moves }
  return {
    host,
    checks,
    moves: blocks.moves,
    ...(blocks.ovh ? { ovh: blocks.ovh } : {}),
    destinations,
    noout: ceph.noout,
    ...(rebootCommand ? { rebootCommand: rebootCommand.join(' ') } : {}),
    canStart: checks.every((check) => check.level !== 'fail'),
  }
}

/**
 * Ceph health, the host's OSDs (ok-to-stop) and its monitors, read through the best host that answers
 * (cephHosts: another one than the host itself when one can).
 */
async function cephChecks(
  context: MaintenanceContext,
  host: string,
  settings: PrivilegeSettings,
): Promise<{ checks: MaintenanceCheck[]; noout: NooutPlan }> {
  const { checks, add } = collector()
  let noout: NooutPlan = nooutPlan(msg('maintenanceChecks.nooutUnread'))
  let ceph: CephStatus
  let on: string
  try {
    // Through another host when one can answer (this one is about to reboot), the next if one fails.
    const read = await readThroughCephHosts(context, [host], (through) =>
      readCephStatus(context.runner, through, privilegeOf(settings), `client.${settings.clientId}`),
    )
    on = read.host
    ceph = read.value
  } catch (error) {
    const failure = ApiError.from(error)
    add(
      'ceph-health',
      'fail',
      msg('maintenanceChecks.cephUnreadable', { error: errorText(failure) }),
      failure.hintText ? { message: failure.hintText } : failure.hint ? { command: failure.hint } : undefined,
    )
    return { checks, noout }
  }
  const summaries = ceph.checks.map((check) => `${check.code}: ${check.summary}`).join('; ')
  if (ceph.health === 'HEALTH_OK') add('ceph-health', 'ok', msg('maintenanceChecks.cephOk'))
  else if (ceph.health === 'HEALTH_WARN')
    add('ceph-health', 'warn', msg('maintenanceChecks.cephWarn', { summaries }))
  else add('ceph-health', 'fail', msg('maintenanceChecks.cephErr', { summaries }))

  const buckets = [...new Set(ceph.osds.map((osd) => osd.host).filter((name): name is string => !!name))]
  const bucket = crushNameOf(context, host, buckets)
  const osds = ceph.osds.filter((osd) => bucket !== undefined && osd.host === bucket)
  if (osds.length === 0) {
    add('osds', 'ok', msg('maintenanceChecks.noOsds', { host, buckets: buckets.join(', ') || '–' }))
    noout = nooutPlan(msg('maintenanceChecks.nooutNoOsd', { host }))
  } else {
    const node = bucket ?? host
    noout = nooutPlan(msg('maintenanceChecks.nooutNode', { bucket: node, host }), node)
    const ids = osds.map((osd) => String(osd.id))
    const names = osds.map((osd) => osd.name).join(', ')
    try {
      const result = await runPrivileged(
        context.runner,
        on,
        settings,
        clusterArgv.okToStop(osds.map((osd) => osd.id)),
        {
          step: commandStep(`ceph osd ok-to-stop ${ids.join(' ')}`),
          allowFailure: true,
        },
      )
      if (result.exitCode === 0)
        add('osds', 'ok', msg('maintenanceChecks.osdsCanStop', { osds: names, host }))
      else
        add(
          'osds',
          'fail',
          withDetail(msg('maintenanceChecks.osdsCannotStop', { osds: names, host }), result.stderr),
        )
    } catch (error) {
      const failure = ApiError.from(error)
      add('osds', 'fail', errorText(failure), failure.hintText ? { message: failure.hintText } : undefined)
    }
  }

  monitorChecks(context, host, ceph, add)
  return { checks, noout }
}

/** The host's monitors: refused when rebooting it would leave the rest without a majority in quorum. */
function monitorChecks(context: MaintenanceContext, host: string, ceph: CephStatus, add: Add): void {
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
      msg('maintenanceChecks.monitorsLost', {
        host,
        mine: mine.map((mon) => mon.name).join(', ') || '–',
        left,
        total: ceph.monitors.length,
        monitors: list.join(', '),
      }),
    )
  else if (mine.length === 0)
    add(
      'monitors',
      'ok',
      msg('maintenanceChecks.noMonitor', {
        host,
        quorum: quorum.length,
        total: ceph.monitors.length,
        monitors: list.join(', '),
      }),
    )
  else
    add(
      'monitors',
      'ok',
      msg('maintenanceChecks.monitorsKept', { mine: mine.map((mon) => mon.name).join(', '), host, left }),
    )
}

/** Autostart on the host: a VM migrated away would start again there at boot (running twice). */
export function autostartChecks(context: MaintenanceContext, host: string): MaintenanceCheck[] {
  const { checks, add } = collector()
  const domains = context.inventory.snapshot().hosts.find((entry) => entry.host === host)?.domains ?? []
  const autostart = domains.filter((domain) => domain.autostart)
  if (autostart.length === 0) add('autostart', 'ok', msg('maintenanceChecks.noAutostart', { host }))
  else
    add(
      'autostart',
      'fail',
      msg('maintenanceChecks.autostart', { vms: autostart.map((domain) => domain.name).join(', '), host }),
      {
        message: msg('maintenanceChecks.autostartFix', { host }),
        // By UUID: a VM's name may hold anything but '/' and newlines, and these lines get pasted into a shell.
        command: autostart
          .map((domain) => `virsh autostart --disable ${domain.uuid}   # ${JSON.stringify(domain.name)}`)
          .join('\n'),
      },
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
    add('privilege', 'fail', msg('maintenanceChecks.privilegeNone', { client: settings.clientId }), {
      message: msg('maintenanceChecks.privilegeNoneFix', { config: help.config, sudoRule: help.sudoRule }),
      command: help.createClient,
    })
    return checks
  }
  let on: string
  try {
    on = cephHost(context, undefined, [host])
  } catch (error) {
    add(
      'privilege',
      'fail',
      msg('maintenanceChecks.privilegeUnknown', { error: errorText(ApiError.from(error)) }),
    )
    return checks
  }
  const probe =
    privilege.mode === 'sudo'
      ? ['sudo', '-n', '-l', ...privilegedArgv(settings, clusterArgv.noout(true, {})).slice(2)]
      : privilegedArgv(settings, clusterArgv.health())
  const result = await context.runner
    .run(on, probe, {
      step: msg('errorSteps.checkPrivilegedCeph'),
      allowFailure: true,
      timeoutSeconds: settings.monitorTimeoutSeconds + 20,
    })
    .catch((error: unknown) => ApiError.from(error))
  const who = privilege.mode === 'sudo' ? 'sudo' : privilege.client
  if (result instanceof ApiError) {
    // The runner's own words (monitors that never answered, the host gone), with its fix.
    add(
      'privilege',
      'fail',
      result.text ?? withDetail(msg('maintenanceChecks.privilegeBroken', { who, on }), result.message),
      result.hintText ? { message: result.hintText } : undefined,
    )
    return checks
  }
  const caller = cephCaller(probe)
  // The privileged client never reached Ceph (its keyring, ceph.conf, a refused key): say which.
  const connect =
    result.exitCode !== 0 && caller
      ? connectFailureError({ host: on, ...caller, stderr: result.stderr, exitCode: result.exitCode })
      : undefined
  if (result.exitCode === 0) add('privilege', 'ok', msg('maintenanceChecks.privilegeOk', { who, on }))
  else if (connect?.text)
    add('privilege', 'fail', connect.text, connect.hintText ? { message: connect.hintText } : undefined)
  else
    add(
      'privilege',
      'fail',
      withDetail(msg('maintenanceChecks.privilegeBroken', { who, on }), result.stderr),
      privilege.mode === 'sudo'
        ? { message: msg('maintenanceChecks.privilegeSudoFix'), command: help.sudoRule }
        : { message: msg('maintenanceChecks.privilegeClientFix'), command: help.createClient },
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
    const where = { host: destination.host, vms: names }
    if (!destination.online) add(id, 'fail', msg('maintenanceChecks.capacityOffline', where))
    else if (destination.freeKiB === undefined)
      add(id, 'warn', msg('maintenanceChecks.capacityUnknown', where))
    else {
      const figures = { ...where, free: destination.freeKiB, need: destination.plannedKiB }
      if (destination.plannedKiB > destination.freeKiB)
        add(id, 'fail', msg('maintenanceChecks.capacityShort', figures))
      else add(id, 'ok', msg('maintenanceChecks.capacityOk', figures))
    }
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
  if (bare.length === 0) add('vms', 'ok', msg('maintenanceChecks.noVms', { host }))
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
    const where = { vm: move.name, to: move.to }
    if (error)
      add(
        `migration:${move.name}`,
        'fail',
        msg('maintenanceChecks.migrationFailed', { ...where, error: errorText(error) }),
      )
    for (const check of plan?.checks.filter((entry) => entry.level !== 'ok') ?? [])
      add(
        `migration:${move.name}:${check.id}`,
        check.level,
        msg('maintenanceChecks.migrationCheck', { ...where, check: check.message }),
        check.fix,
      )
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
    const result = await context.runner.run(host, ['sh', '-c', script], {
      step: msg('errorSteps.checkLibvirtGuests'),
    })
    const lines = result.stdout.trim().split('\n').filter(Boolean)
    if (!lines.includes('installed')) {
      add('libvirt-guests', 'ok', msg('maintenanceChecks.guestsAbsent', { host }))
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
      add('libvirt-guests', 'warn', msg('maintenanceChecks.guestsOnBoot', { host, onBoot }), {
        message: msg('maintenanceChecks.guestsOnBootFix', { host }),
        command: 'ON_BOOT=ignore',
      })
    else add('libvirt-guests', 'ok', msg('maintenanceChecks.guestsOk', { host, enabled, onBoot, onShutdown }))
  } catch (error) {
    add(
      'libvirt-guests',
      'warn',
      msg('maintenanceChecks.guestsUnknown', { error: errorText(ApiError.from(error)) }),
    )
  }
  return checks
}
