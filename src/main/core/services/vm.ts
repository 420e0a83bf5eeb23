import { ApiError } from '../../../shared/errors'
import { msg } from '../../../shared/messages/message'
import { parseDomstats } from '../inventory/virsh-parse'
import type { Service } from '../context'
import { domainArgv } from '../libvirt/domain'

/** VM lifecycle: each operation is a job; the call returns it at once and `jobs.update` follows it. */
export const vmService: Service<'vm.start' | 'vm.shutdown' | 'vm.forceOff' | 'vm.reboot' | 'vm.stats'> = ({
  jobs,
  lifecycle,
  vmName,
  runner,
}) => ({
  'vm.start': async ({ uuid, host }) =>
    jobs.start({
      kind: 'vm.start',
      title: msg('jobTitles.start', { vm: vmName(uuid), host }),
      target: { vm: uuid, host },
      run: (context) => lifecycle.start({ uuid, host }, context),
    }).job,
  'vm.shutdown': async ({ uuid, host, timeoutSeconds }) =>
    jobs.start({
      kind: 'vm.shutdown',
      title: msg('jobTitles.shutdown', { vm: vmName(uuid), host }),
      target: { vm: uuid, host },
      cancellable: true,
      run: (context) => lifecycle.shutdown(uuid, host, timeoutSeconds ?? 120, context),
    }).job,
  'vm.forceOff': async ({ uuid, host, confirmName }) =>
    jobs.start({
      kind: 'vm.forceOff',
      title: msg('jobTitles.forceOff', { vm: vmName(uuid), host }),
      target: { vm: uuid, host },
      run: (context) => lifecycle.forceOff(uuid, host, confirmName, context),
    }).job,
  'vm.stats': async ({ uuid, host }) => {
    // domstats of one domain: cheap, read-only, and the same counters the inventory parses.
    const result = await runner.virsh(host, domainArgv.stats(uuid), {
      step: msg('errorSteps.readVmStats'),
      timeoutSeconds: 10,
    })
    const [stats] = parseDomstats(result.stdout)
    if (!stats || stats.cpuTimeNs === undefined) {
      throw ApiError.of('vm.not-running', msg('coreErrors.noStats', { name: vmName(uuid), host }), { host })
    }
    return {
      at: Date.now(),
      cpuTimeNs: stats.cpuTimeNs,
      vcpus: stats.vcpus ?? 1,
      ...(stats.memoryKiB !== undefined ? { memoryKiB: stats.memoryKiB } : {}),
      ...(stats.rssKiB !== undefined ? { rssKiB: stats.rssKiB } : {}),
    }
  },
  'vm.reboot': async ({ uuid, host }) =>
    jobs.start({
      kind: 'vm.reboot',
      title: msg('jobTitles.reboot', { vm: vmName(uuid), host }),
      target: { vm: uuid, host },
      run: (context) => lifecycle.reboot(uuid, host, context),
    }).job,
})
