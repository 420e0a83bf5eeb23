import { ApiError } from '../../../shared/errors'
import type { EjectMediaResult } from '../../../shared/iso'
import { vmLeaseName } from '../../../shared/lease'
import { msg } from '../../../shared/messages/message'
import type { JobContext } from '../jobs/job-manager'
import { domainArgv } from '../libvirt/domain'
import type { DeleteDeps } from './delete'
import { readVm } from './delete'
import { isoMsg } from './iso-upload'

/**
 * Ejecting a VM's install medium (issue 19 item 1): the migration pre-checks require its ISO on the
 * destination, so once installed the CD-ROM is emptied — in the persistent definition on every host
 * that defines it, and live on the host where it runs (`virsh change-media --eject --config [--live]`).
 * Refused while a host that defines it does not answer (its definition would keep the ISO). The
 * edit sheet can reuse it as the core's one way to eject.
 */

const EJECT_LEASE_SECONDS = 120

/** What libvirt printed, for the user to read as is. */
function hostSaid(error: unknown): string {
  const apiError = ApiError.from(error)
  const stderr = apiError.details?.['stderr']
  return typeof stderr === 'string' && stderr.trim() ? stderr.trim() : apiError.message
}

/** The CD-ROM targets holding a medium in a host's definition. */
export function loadedCdroms(deps: DeleteDeps, host: string, uuid: string): string[] {
  return (deps.inventory.domain(host, uuid)?.definition?.disks ?? [])
    .filter((disk) => disk.device === 'cdrom' && disk.file)
    .map((disk) => disk.target)
}

export async function ejectMedia(deps: DeleteDeps, uuid: string, job: JobContext): Promise<EjectMediaResult> {
  const first = await readVm(deps, uuid)
  return deps.vmLocks.run(uuid, () =>
    deps.lease.run(
      [vmLeaseName(uuid)],
      `eject the CD-ROM of ${first.name}`,
      EJECT_LEASE_SECONDS,
      async () => {
        const vm = await readVm(deps, uuid)
        const name = vm.name
        const unreachable = vm.unknownOn[0]
        if (unreachable)
          throw ApiError.of('vm.eject.refused', isoMsg('ejectUnreachable', { host: unreachable, name }), {
            host: unreachable,
            step: msg('errorSteps.ejectChecks'),
          })
        const targets = new Set(vm.definedOn.flatMap((host) => loadedCdroms(deps, host, uuid)))
        if (targets.size === 0)
          throw ApiError.of('vm.eject.nothing', isoMsg('ejectNothing', { name }), {
            step: msg('errorSteps.ejectChecks'),
          })
        const persistentOn: string[] = []
        let liveOn: string | undefined
        let liveError: string | undefined
        for (const host of vm.definedOn) {
          const live = vm.runningOn.includes(host)
          for (const target of loadedCdroms(deps, host, uuid)) {
            job.step(msg(live ? 'vmdefSteps.ejectingLive' : 'vmdefSteps.ejecting', { target, name, host }))
            const eject = (withLive: boolean) =>
              deps.runner.virsh(host, domainArgv.ejectMedia(uuid, target, withLive), {
                step: msg('errorSteps.eject', { target }),
                signal: job.signal,
              })
            try {
              try {
                await eject(live)
              } catch (error) {
                // libvirt may refuse the running VM (a tray the guest locked): the definition is
                // still emptied, and the drive empties at the VM's next start.
                if (!live) throw error
                await eject(false)
                liveError = hostSaid(error)
                job.log(isoMsg('ejectLiveRefused', { name, host }, liveError))
              }
            } catch (error) {
              const cause = ApiError.from(error)
              throw ApiError.of('vm.eject.failed', isoMsg('ejectFailed', { name, host }, cause.message), {
                host,
                step: msg('errorSteps.eject', { target }),
                details: { persistentOn, cause: cause.toData() },
              })
            }
          }
          persistentOn.push(host)
          if (live && liveError === undefined) liveOn = host
          await deps.audit(host, 'eject CD-ROM', name).catch(() => undefined)
        }
        await Promise.all(vm.definedOn.map((host) => deps.inventory.refreshHost(host, { definitions: true })))
        return {
          name,
          targets: [...targets].sort(),
          persistentOn,
          ...(liveOn ? { liveOn } : {}),
          ...(liveError !== undefined ? { liveError } : {}),
        }
      },
      job,
    ),
  )
}
