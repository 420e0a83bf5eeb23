import type { FirewallState } from '../../../shared/firewall'
import type { InventorySnapshot } from '../inventory/inventory-service'
import {
  blockAddresses,
  failoverBadges,
  parseBlock,
  type FailoverView,
  type VirtualMacEntry,
} from '../../../shared/ovh'
import type { OvhApi } from './api'

/**
 * The failover IP view: every failover block of the account, the server it routes to (and the host
 * that is that server), its virtual MACs, the VMs whose settings claim its addresses, the hosts whose
 * firewall lists them — and the badges for what OVH or the firewall will break (shared/ovh.ts).
 */
export async function failoverView(
  api: OvhApi,
  input: {
    hosts: readonly { name: string; serviceName?: string }[]
    inventory: InventorySnapshot
    firewall: FirewallState
    signal?: AbortSignal
  },
): Promise<FailoverView> {
  const blocks = (await api.failoverBlocks(input.signal)).filter((block) => parseBlock(block.ip))
  const servers = new Set<string>()
  for (const host of input.hosts) if (host.serviceName) servers.add(host.serviceName)
  for (const block of blocks) if (block.routedTo?.serviceName) servers.add(block.routedTo.serviceName)
  const virtualMacs: VirtualMacEntry[] = (
    await Promise.all([...servers].map((server) => api.virtualMacs(server, input.signal)))
  ).flat()

  const vms = vmClaims(input.inventory)
  const firewall: Record<string, string[]> = {}
  for (const host of input.firewall.hosts) if (host.ips) firewall[host.host] = host.ips
  const hostOf = new Map(input.hosts.filter((h) => h.serviceName).map((h) => [h.serviceName!, h.name]))

  const badges = failoverBadges({
    blocks: blocks.map((block) => ({ block: block.ip, routedTo: block.routedTo?.serviceName ?? null })),
    hosts: input.hosts,
    vms: vms.map((vm) => ({
      name: vm.name,
      macs: vm.macs,
      ...(vm.failoverIp ? { failoverIp: vm.failoverIp } : {}),
      ...(vm.runningOn.length === 1 ? { runningOn: vm.runningOn[0]! } : {}),
    })),
    virtualMacs,
    firewall,
  })
  return {
    endpoint: api.client.endpoint,
    blocks: blocks.map((block) => {
      const routedTo = block.routedTo?.serviceName ?? null
      const routedHost = routedTo ? hostOf.get(routedTo) : undefined
      const addresses = (
        parseBlock(block.ip)!.prefix === 32 ? [block.ip.split('/')[0]!] : blockAddresses(block.ip)
      ).map((ip) => ({
        ip,
        vms: vms
          .filter((vm) => vm.failoverIp === ip)
          .map(({ uuid, name, runningOn }) => ({ uuid, name, runningOn })),
        virtualMacs: virtualMacs
          .filter((mac) => mac.addresses.some((a) => a.ipAddress === ip))
          .map(({ server, macAddress }) => ({ server, macAddress })),
        firewallHosts: Object.entries(firewall)
          .filter(([, ips]) => ips.includes(ip))
          .map(([host]) => host),
      }))
      return { block: block.ip, routedTo, ...(routedHost ? { routedHost } : {}), addresses }
    }),
    badges,
    hosts: input.hosts.map((h) => ({
      host: h.name,
      ...(h.serviceName ? { serviceName: h.serviceName } : {}),
    })),
    firewallUnread: input.firewall.hosts.filter((h) => !h.ips).map((h) => h.host),
  }
}

/** Each VM once: its failover IP setting and NIC MACs from any host's definition, where it runs. */
export function vmClaims(inventory: Pick<InventorySnapshot, 'vms' | 'hosts'>): {
  uuid: string
  name: string
  runningOn: string[]
  macs: string[]
  failoverIp?: string
}[] {
  return inventory.vms.map((vm) => {
    const definition = inventory.hosts
      .flatMap((host) => host.domains)
      .find((domain) => domain.uuid === vm.uuid && domain.definition)?.definition
    const failoverIp = definition?.hyperdesk['failoverIp']
    return {
      uuid: vm.uuid,
      name: vm.name,
      runningOn: vm.runningOn,
      macs: definition?.nics.map((nic) => nic.mac) ?? [],
      ...(failoverIp ? { failoverIp } : {}),
    }
  })
}
