import { msg } from '../../../shared/messages'
import type { Service } from '../context'
import { migrateWithBlockMove } from '../migration/block-move'
import { ovhOf } from '../ovh/access'
import { vmClaims } from '../ovh/view'

/**
 * Live migration: the plan (pre-checks and follow-ups, nothing changed) and the migration itself as
 * a cancellable job whose `detail` carries the live figures and whose result carries the follow-ups;
 * with `blockMove`, the VM's failover block moves to the destination's OVH server in the same job
 * (migration/block-move.ts).
 */
export const migrationService: Service<'vm.migrationPlan' | 'vm.migrate'> = (context) => {
  const { jobs, migration, vmName, inventory } = context
  return {
    'vm.migrationPlan': async ({ uuid, from, to }) => migration.plan({ uuid, to, ...(from ? { from } : {}) }),
    'vm.migrate': async (params) =>
      jobs.start({
        kind: 'vm.migrate',
        title: params.blockMove
          ? msg('jobTitles.migrateWithBlock', {
              vm: vmName(params.uuid),
              to: params.to,
              block: params.blockMove.block,
            })
          : msg('jobTitles.migrate', { vm: vmName(params.uuid), to: params.to }),
        target: { vm: params.uuid, host: params.to },
        cancellable: true,
        run: (job) => {
          const { blockMove } = params
          if (!blockMove) return migration.migrate(params, job)
          return migrateWithBlockMove(
            {
              claims: () => vmClaims(inventory.snapshot()),
              ovh: ovhOf(context),
              migration: {
                plan: (request) => migration.plan(request),
                refuseUnlessReady: (plan, accept) => migration.refuseUnlessReady(plan, accept),
                migrate: (request, context) => migration.migrate(request, context),
              },
            },
            { ...params, blockMove },
            job,
          )
        },
      }).job,
  }
}
