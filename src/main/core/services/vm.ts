import type { Service } from '../core'

/** VM lifecycle: each operation is a job; the call returns it at once and `jobs.update` follows it. */
export const vmService: Service<'vm.start' | 'vm.shutdown' | 'vm.forceOff' | 'vm.reboot'> = ({
  jobs,
  lifecycle,
  vmName,
}) => ({
  'vm.start': async ({ uuid, host, overrideUnreachable }) =>
    jobs.start({
      kind: 'vm.start',
      title: `Start ${vmName(uuid)} on ${host}`,
      target: { vm: uuid, host },
      run: (context) =>
        lifecycle.start({ uuid, host, ...(overrideUnreachable ? { overrideUnreachable } : {}) }, context),
    }).job,
  'vm.shutdown': async ({ uuid, host, timeoutSeconds }) =>
    jobs.start({
      kind: 'vm.shutdown',
      title: `Shut down ${vmName(uuid)} on ${host}`,
      target: { vm: uuid, host },
      cancellable: true,
      run: (context) => lifecycle.shutdown(uuid, host, timeoutSeconds ?? 120, context),
    }).job,
  'vm.forceOff': async ({ uuid, host, confirmName }) =>
    jobs.start({
      kind: 'vm.forceOff',
      title: `Force off ${vmName(uuid)} on ${host}`,
      target: { vm: uuid, host },
      run: (context) => lifecycle.forceOff(uuid, host, confirmName, context),
    }).job,
  'vm.reboot': async ({ uuid, host }) =>
    jobs.start({
      kind: 'vm.reboot',
      title: `Reboot ${vmName(uuid)} on ${host}`,
      target: { vm: uuid, host },
      run: (context) => lifecycle.reboot(uuid, host, context),
    }).job,
})
