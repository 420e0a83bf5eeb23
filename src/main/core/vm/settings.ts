import { ApiError, errorText } from '../../../shared/errors'
import { msg } from '../../../shared/messages'
import type { VmSettings } from '../../../shared/vm-settings'
import type { InventoryService } from '../inventory/inventory-service'
import type { JobContext } from '../jobs/job-manager'
import type { KeyedMutex } from '../jobs/keyed-mutex'
import type { RemoteRunner } from '../remote/runner'
import { domainArgv } from '../libvirt/domain'

/**
 * Hyperdesk's per-VM settings (failover IP, keyboard layout) live in each definition's <metadata>, so
 * they travel with the definition. A change is written on every host where the VM is defined, with
 * `virsh metadata --config` (and `--live` where it runs: a live migration carries the running XML),
 * so the definitions stay identical; a host that cannot be written is named,
 * and the drift it leaves shows in the VM view until synced.
 */

export interface SettingsDeps {
  runner: RemoteRunner
  inventory: InventoryService
  vmLocks: KeyedMutex
  vmName(uuid: string): string
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }
const escapeXml = (value: string) => value.replace(/[&<>"]/g, (c) => XML_ESCAPES[c]!)

/**
 * The metadata element, settings sorted so every host writes the same. Given without a namespace:
 * `virsh metadata --uri … --key hd` puts it and every child in Hyperdesk's namespace, prefix hd
 * (an element that declares the namespace itself is refused: "failed to create a new XML namespace").
 */
export function settingsXml(settings: Record<string, string>): string {
  const lines = Object.keys(settings)
    .sort()
    .map((name) => `<setting name="${escapeXml(name)}">${escapeXml(settings[name]!)}</setting>`)
  return `<vm>${lines.join('')}</vm>`
}

export async function applyVmSettings(
  deps: SettingsDeps,
  uuid: string,
  change: VmSettings,
  job: JobContext,
): Promise<{ hosts: string[] }> {
  const name = deps.vmName(uuid)
  const vm = deps.inventory.vm(uuid)
  if (!vm || vm.definedOn.length === 0)
    throw ApiError.of('vm.unknown', msg('vmErrors.unknownVm', { uuid }), {
      step: msg('errorSteps.changeVmSettings'),
    })
  return deps.vmLocks.run(uuid, async () => {
    // Start from the settings of the first host that has them read, so other settings are kept.
    const current =
      vm.definedOn
        .map((host) => deps.inventory.domain(host, uuid)?.definition)
        .find((definition) => definition !== undefined)?.hyperdesk ?? {}
    const next: Record<string, string> = { ...current }
    for (const [key, value] of Object.entries(change)) {
      if (value === null) delete next[key]
      else if (value !== undefined) next[key] = value
    }
    const failed: string[] = []
    const done: string[] = []
    for (const [index, host] of vm.definedOn.entries()) {
      job.step(msg('jobSteps.writingSettings', { name, host }), index / vm.definedOn.length)
      const args = domainArgv.setMetadata(uuid, Object.keys(next).length === 0 ? null : settingsXml(next), {
        live: vm.runningOn.includes(host),
      })
      try {
        await deps.runner.virsh(host, args, { step: msg('errorSteps.writeVmSettings'), signal: job.signal })
        done.push(host)
        job.log(msg('jobSteps.settingsWritten', { host }))
      } catch (error) {
        failed.push(host)
        job.log(msg('jobSteps.hostError', { host, error: errorText(ApiError.from(error)) }))
      }
      await deps.inventory.refreshHost(host, { definitions: true }).catch(() => undefined)
    }
    if (vm.unknownOn.length > 0) job.log(msg('jobSteps.settingsNotReachable', { hosts: vm.unknownOn }))
    if (failed.length > 0 || vm.unknownOn.length > 0) {
      const missed = [...failed, ...vm.unknownOn]
      throw ApiError.of(
        'vm.settings-partial',
        done.length > 0
          ? msg('vmErrors.settingsPartial', { name, done, failed: missed })
          : msg('vmErrors.settingsNone', { name, failed: missed }),
        {
          host: missed[0]!,
          step: msg('errorSteps.writeVmSettings'),
          hint: msg('vmErrors.settingsPartialHint'),
        },
      )
    }
    return { hosts: done }
  })
}
