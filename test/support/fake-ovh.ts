import { FailoverViewSchema, OvhStatusSchema, type FailoverView, type OvhStatus } from '../../src/shared/ovh'

/**
 * OVH as the core shows it to the window, for the e2e pages that fake it (the migration and
 * maintenance sheets, the creation wizard): the status, a failover view built from blocks of
 * addresses, and the answers to the OVH calls. Values of the contract's shapes (parsed with its
 * schemas), as the lab's OVH double would give them; nothing reaches OVH.
 */

/** ovh.status: configured from ~/.ovh.conf, or not configured at all (browser mode: no keychain). */
export function ovhStatus(configured: boolean): OvhStatus {
  return OvhStatusSchema.parse({
    keychain: { state: 'browserMode' },
    configured,
    ...(configured ? { endpoint: 'ovh-eu', source: '~/.ovh.conf' } : {}),
    files: ['/home/etalab/.ovh.conf'],
    problems: [],
    accessRules: [],
  })
}

/** One address of a block: the VMs that claim it (running on hv1), its virtual MACs, the firewalls listing it. */
export function failoverAddress(
  ip: string,
  {
    vms = [],
    macs = [],
    firewallHosts = ['hv1', 'hv2'],
  }: {
    vms?: { uuid: string; name: string }[]
    macs?: { server: string; macAddress: string }[]
    firewallHosts?: string[]
  } = {},
) {
  return { ip, vms: vms.map((vm) => ({ ...vm, runningOn: ['hv1'] })), virtualMacs: macs, firewallHosts }
}

/** ovh.failoverView on the ovh-eu endpoint, no badges, every firewall read. */
export function failoverView(
  hosts: FailoverView['hosts'],
  blocks: { block: string; routedTo: string; routedHost?: string; addresses: unknown[] }[],
): FailoverView {
  return FailoverViewSchema.parse({ endpoint: 'ovh-eu', hosts, blocks, badges: [], firewallUnread: [] })
}

/** The answer to an OVH call (routeInventory's `answer`), or undefined for any other call. */
export function ovhAnswer(
  call: { method?: string },
  ovh: { configured: boolean; view: FailoverView; moveCheck?: unknown },
): unknown {
  if (call.method === 'ovh.status') return ovhStatus(ovh.configured)
  if (call.method === 'ovh.failoverView') return ovh.view
  if (call.method === 'ovh.moveCheck') return ovh.moveCheck
  return undefined
}
