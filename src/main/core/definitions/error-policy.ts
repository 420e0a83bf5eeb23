import { ApiError } from '../../../shared/errors'
import { msg } from '../../../shared/messages'
import { parseDomainXml, withStopErrorPolicy } from '../inventory/domain-xml'
import type { JobContext } from '../jobs/job-manager'
import type { Definitions, DefinitionsDeps } from './sync'
import { readDefinition } from './drift'
import { domainArgv } from '../libvirt/domain'
import { vmLeaseName } from '../../../shared/lease'

/**
 * `error_policy='stop'` on a VM's RBD disks: on a write error QEMU pauses the guest instead of letting
 * it run on with I/O errors — a fenced copy (its client blocklisted) stops at its first write rather
 * than corrupt its view of the disk (issue 15). Set on the reference host's definition, then synced
 * to every host like any definition change; it applies at the VM's next start.
 */

/** The lease of an error-policy change: one read and one define (30 s), then the sync takes its own. */
const ERROR_POLICY_LEASE_SECONDS = 120

export async function setStopErrorPolicy(
  deps: DefinitionsDeps,
  definitions: Definitions,
  uuid: string,
  context: JobContext,
): Promise<{ reference: string; changed: number }> {
  const id = uuid.toLowerCase()
  const vm = deps.inventory.vm(id)
  const reference = vm?.runningOn[0] ?? vm?.definedOn[0]
  if (!vm || !reference)
    throw ApiError.of('vm.unknown', msg('definitionErrors.noHostDefines', { uuid: id }), {
      hint: msg('definitionErrors.noHostDefinesHint'),
    })
  // Like a sync, the change holds the VM's cluster lease (no other app instance changes it meanwhile).
  const changed = await deps.vmLocks.run(id, () =>
    deps.lease.run(
      [vmLeaseName(id)],
      `set error_policy='stop' on ${vm.name}`,
      ERROR_POLICY_LEASE_SECONDS,
      async (lease) => {
        context.step(msg('jobSteps.readingDefinition', { host: reference }), 0.05)
        const source = await readDefinition(deps.runner, reference, id)
        if (source.status !== 'defined')
          throw ApiError.of(
            'vm.not-defined',
            source.status === 'unreachable'
              ? msg('definitionErrors.unreadableReference', { uuid: id, host: reference, error: source.text })
              : msg('definitionErrors.notDefinedOn', { uuid: id, host: reference }),
            { host: reference, step: msg('errorSteps.readDefinitionOn', { host: reference }) },
          )
        const next = withStopErrorPolicy(source.xml)
        if (next.changed === 0) return 0
        if (parseDomainXml(next.xml).uuid !== id)
          throw ApiError.of('internal', msg('definitionErrors.lostUuid'), {
            host: reference,
            step: msg('errorSteps.editDefinition'),
          })
        await lease.check(
          msg('errorSteps.commandOn', { command: `virsh define ${vm.name}`, host: reference }),
        )
        context.step(msg('jobSteps.definingErrorPolicy', { host: reference }), 0.2)
        await deps.runner.virsh(reference, domainArgv.defineFromStdin(), {
          stdin: next.xml,
          timeoutSeconds: 30,
          step: msg('errorSteps.commandOn', { command: `virsh define ${vm.name}`, host: reference }),
        })
        await deps
          .audit(reference, "set error_policy='stop' on the RBD disks of", vm.name)
          .catch(() => undefined)
        deps.inventory.invalidateDefinition(reference, id)
        return next.changed
      },
      context,
    ),
  )
  // Then every other host, as a definition sync from the reference (its checks and read-back).
  if (changed > 0) await definitions.sync(id, reference, context)
  return { reference, changed }
}
