import { msg } from '../../../shared/messages'
import type { Service } from '../context'

/** Fencing a lost host (vm/fencing.ts): the plan, the fence-then-start job, the fenced copy's end. */
export const fencingService: Service<
  'vm.fencePlan' | 'vm.fenceStart' | 'vm.destroyFenced' | 'fencing.list' | 'vm.setErrorPolicy'
> = ({ jobs, fencing, vmName, errorPolicy }) => ({
  'vm.fencePlan': ({ uuid, lostHost }) => fencing.plan(uuid, lostHost),
  'vm.fenceStart': async (params) =>
    jobs.start({
      kind: 'vm.fenceStart',
      title: msg('jobTitles.fenceStart', {
        lost: params.lostHost,
        vm: vmName(params.uuid),
        host: params.host,
      }),
      target: { vm: params.uuid, host: params.host },
      run: (context) => fencing.fenceAndStart(params, context),
    }).job,
  'vm.destroyFenced': async ({ uuid, host, confirmName }) =>
    jobs.start({
      kind: 'vm.destroyFenced',
      title: msg('jobTitles.destroyFenced', { vm: vmName(uuid), host }),
      target: { vm: uuid, host },
      run: (context) => fencing.destroyFenced(uuid, host, confirmName, context),
    }).job,
  'fencing.list': async () => fencing.fences(),
  'vm.setErrorPolicy': async ({ uuid }) =>
    jobs.start({
      kind: 'vm.setErrorPolicy',
      title: msg('jobTitles.setErrorPolicy', { vm: vmName(uuid) }),
      target: { vm: uuid },
      run: (context) => errorPolicy.setStop(uuid, context),
    }).job,
})
