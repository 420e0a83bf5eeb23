import { msg } from '../../../shared/messages'
import type { Service } from '../context'

/** Definition drift across hosts (read-only) and its sync, as a job reporting each host. */
export const definitionsService: Service<'vm.definitionDiff' | 'vm.syncDefinition' | 'vm.syncPlan'> = ({
  jobs,
  definitions,
  vmName,
}) => ({
  'vm.definitionDiff': async ({ uuid, reference }) => definitions.diff(uuid, reference),
  'vm.syncPlan': async ({ uuid, from }) => definitions.plan(uuid, from),
  'vm.syncDefinition': async ({ uuid, from, confirmRunningHosts }) =>
    jobs.start({
      kind: 'vm.syncDefinition',
      title: msg('jobTitles.syncDefinition', { vm: vmName(uuid), from }),
      target: { vm: uuid, host: from },
      run: (context) => definitions.sync(uuid, from, context, confirmRunningHosts),
    }).job,
})
