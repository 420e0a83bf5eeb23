import { ApiError, commandStep } from '../../../shared/errors'
import { msg, type Message } from '../../../shared/messages'
import type { MaintenanceRecord } from '../../../shared/maintenance'
import type { InventoryService } from '../inventory/inventory-service'
import { hostArgv } from '../libvirt/host'
import type { RemoteRunner } from '../remote/runner'
import type { HostPool } from '../ssh/pool'

/**
 * The maintenance's reboot watcher: from the reboot's start (command sent, or the user asked to
 * reboot) until the host is back with a new boot id and libvirtd answers. Only a new boot id proves
 * the reboot: a dropped SSH connection looks the same from here, and noout must stay set until the
 * host really rebooted. What it sees goes through the maintenance's update() (saved and shown).
 */

/** What the watcher reads and runs on the host. */
export interface RebootWatchDeps {
  readonly runner: Pick<RemoteRunner, 'run' | 'virsh'>
  readonly hosts: Pick<HostPool, 'get'>
  readonly inventory: Pick<InventoryService, 'refreshHost'>
}

/** The record's fields the watcher reads and changes. */
export type RebootFields = Pick<
  MaintenanceRecord,
  'bootId' | 'sawOffline' | 'rebootConfirmed' | 'droppedWithoutReboot'
>

export interface RebootWatch {
  readonly host: string
  readonly signal: AbortSignal
  /** The record as it is now: the user may confirm the reboot while the watcher waits. */
  readonly record: Readonly<RebootFields>
  /** Saves what the watcher saw (a field given as undefined is removed) with the step's message. */
  saw(change: { [K in keyof RebootFields]?: RebootFields[K] | undefined }, message: Message): void
  /** The host rebooted: the step runs again (it was waiting) with this message. */
  rebooted(message: Message): void
  /** Give up after this long (Infinity when the user reboots the host). */
  readonly limitMs: number
  readonly pollMs: number
}

/** Throws the maintenance's "cancelled" error once the job is cancelled. */
export function aborted(signal: AbortSignal, host: string, step: Message): void {
  if (signal.aborted)
    throw ApiError.of('remote.cancelled', msg('maintenanceErrors.cancelled', { host, step }), { host, step })
}

/** Waits `ms`, or less when the job is cancelled. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done, { once: true })
    function done() {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
  })
}

export async function readBootId(runner: Pick<RemoteRunner, 'run'>, host: string): Promise<string> {
  const result = await runner.run(host, ['cat', '/proc/sys/kernel/random/boot_id'], {
    step: msg('errorSteps.readBootId'),
    timeoutSeconds: 10,
  })
  return result.stdout.trim()
}

/**
 * Until the host went offline and came back with a new boot id, then libvirtd answers. The boot id
 * is also read every few seconds: a reboot faster than the keepalive (or one that happened while
 * the app was closed) shows as a new boot id without the host being seen offline.
 */
export async function waitForReboot(deps: RebootWatchDeps, watch: RebootWatch): Promise<void> {
  const { host, record, signal } = watch
  const connection = deps.hosts.get(host)
  const started = Date.now()
  let lastBootCheck = 0
  for (;;) {
    aborted(signal, host, msg('errorSteps.waitReboot'))
    const status = connection.current.status
    if (status !== 'online' && !record.sawOffline)
      watch.saw({ sawOffline: true }, msg('maintenanceSteps.wentOffline', { host, status }))
    const due = Date.now() - lastBootCheck > 5000
    if (status === 'online' && (record.sawOffline || record.rebootConfirmed || due)) {
      lastBootCheck = Date.now()
      const bootId = await readBootId(deps.runner, host).catch(() => undefined)
      if (bootId !== undefined) {
        if (bootId !== record.bootId) {
          watch.rebooted(msg('maintenanceSteps.rebooted', { host }))
          await waitForLibvirt(deps, host, signal)
          return
        }
        if (record.sawOffline) {
          watch.saw(
            { sawOffline: false, droppedWithoutReboot: true },
            msg('guards.maintenanceNotRebooted', { host }),
          )
          continue
        }
        if (!record.rebootConfirmed) continue
        // The user says it rebooted, but nothing shows it: say so and keep waiting.
        watch.saw({ rebootConfirmed: false }, msg('maintenanceSteps.notRebootedYet', { host }))
      }
    }
    if (Date.now() - started > watch.limitMs)
      throw ApiError.of(
        'maintenance.reboot-timeout',
        msg('maintenanceErrors.rebootTimeout', { host, minutes: Math.round(watch.limitMs / 60_000) }),
        { host, step: msg('errorSteps.waitReboot'), hint: msg('maintenanceErrors.rebootTimeoutHint') },
      )
    await sleep(watch.pollMs, signal)
  }
}

/** After a boot, libvirtd may answer a little after sshd. */
async function waitForLibvirt(deps: RebootWatchDeps, host: string, signal: AbortSignal): Promise<void> {
  const until = Date.now() + 120_000
  for (;;) {
    aborted(signal, host, msg('errorSteps.waitLibvirtd'))
    const result = await deps.runner
      .virsh(host, hostArgv.uri(), { step: commandStep('virsh uri'), timeoutSeconds: 10, allowFailure: true })
      .catch(() => undefined)
    if (result?.exitCode === 0) {
      await deps.inventory.refreshHost(host)
      return
    }
    if (Date.now() > until)
      throw ApiError.of('maintenance.libvirt-down', msg('maintenanceErrors.libvirtDown', { host }), {
        host,
        step: msg('errorSteps.waitLibvirtd'),
        hint: msg('maintenanceErrors.libvirtDownHint'),
      })
    await sleep(2000, signal)
  }
}
