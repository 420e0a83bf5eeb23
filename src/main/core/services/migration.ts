import type { Service } from '../context'

/**
 * Live migration: the plan (pre-checks and follow-ups, nothing changed) and the migration itself as
 * a cancellable job whose `detail` carries the live figures and whose result carries the follow-ups.
 */
export const migrationService: Service<'vm.migrationPlan' | 'vm.migrate'> = ({
  jobs,
  migration,
  vmName,
}) => ({
  'vm.migrationPlan': async ({ uuid, from, to }) => migration.plan({ uuid, to, ...(from ? { from } : {}) }),
  'vm.migrate': async (params) =>
    jobs.start({
      kind: 'vm.migrate',
      title: `Migrate ${vmName(params.uuid)} to ${params.to}`,
      target: { vm: params.uuid, host: params.to },
      cancellable: true,
      run: (context) => migration.migrate(params, context),
    }).job,
})
