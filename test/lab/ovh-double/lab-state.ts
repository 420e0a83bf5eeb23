import type { LabGuest } from '../support/lab'
import type { DoubleState } from './server'

/**
 * The double's state for one lab VM as OVH holds it after `lab up`: the given servers (lab host →
 * OVH service name) in one region, the VM's failover IP a /32 block routed to its home host's server,
 * and its virtual MAC on that server naming the address.
 */
export function vmFailoverState(vm: LabGuest, servers: Record<string, string>): DoubleState {
  const home = servers[vm.home]
  if (!home)
    throw new Error(
      `vmFailoverState: ${vm.name}'s home ${vm.home} has no OVH server among ${Object.keys(servers).join(', ')}`,
    )
  return {
    servers: Object.values(servers).map((serviceName) => ({ serviceName, region: 'eu-west-gra' })),
    blocks: [{ block: `${vm.failoverIp}/32`, routedTo: home, region: 'eu-west-gra' }],
    virtualMacs: [
      {
        server: home,
        macAddress: vm.mac,
        type: 'ovh',
        addresses: [{ ipAddress: vm.failoverIp, virtualMachineName: vm.name }],
      },
    ],
  }
}
