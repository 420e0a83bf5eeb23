import { ApiError } from '../../../shared/errors'
import { msg } from '../../../shared/messages/message'
import { migrationFollowUps } from '../migration/follow-ups'
import { applyVmSettings } from '../vm/settings'
import type { Service } from '../context'

/**
 * Consoles (VNC, serial, host shell) and what the consoles' network helper needs: the VM's settings
 * (failover IP, keyboard layout) and its network lines for the host it runs on.
 */
export const consoleService: Service<
  | 'console.openVnc'
  | 'console.openSerial'
  | 'console.openShell'
  | 'console.resize'
  | 'console.close'
  | 'vm.setSettings'
  | 'vm.networkPlan'
> = (context) => ({
  'console.openVnc': ({ uuid }) => context.consoles.openVnc(uuid.toLowerCase()),
  'console.openSerial': ({ uuid, cols, rows }) => context.consoles.openSerial(uuid.toLowerCase(), cols, rows),
  'console.openShell': ({ host, cols, rows }) => context.consoles.openShell(host, cols, rows),
  'console.resize': async ({ streamId, cols, rows }) => {
    context.consoles.resize(streamId, cols, rows)
    return {}
  },
  'console.close': async ({ streamId }) => {
    context.consoles.close(streamId)
    return {}
  },
  'vm.setSettings': async ({ uuid, settings }) => {
    const id = uuid.toLowerCase()
    return context.jobs.start({
      kind: 'vm.setSettings',
      title: msg('jobTitles.setSettings', { vm: context.vmName(id) }),
      target: { vm: id },
      run: (job) => applyVmSettings(context, id, settings, job),
    }).job
  },
  'vm.networkPlan': async ({ uuid }) => {
    const id = uuid.toLowerCase()
    const { inventory, vmName } = context
    const vm = inventory.vm(id)
    const host = vm?.runningOn[0]
    if (!vm || !host)
      throw ApiError.of('vm.not-running', msg('coreErrors.notRunningGateway', { name: vmName(id) }), {
        step: msg('errorSteps.guestNetworkLines'),
        hint: msg('coreErrors.startFirstHint'),
      })
    const definition = inventory.domain(host, id)?.definition
    const gateway = context.config.current.hosts.find((candidate) => candidate.name === host)?.gateway
    const failoverIp = definition?.hyperdesk['failoverIp']
    return {
      host,
      vmName: vmName(id),
      ...migrationFollowUps({
        ...(failoverIp ? { failoverIp } : {}),
        ...(gateway ? { newGateway: gateway } : {}),
        anyOldGateway: true,
      }),
    }
  },
})
