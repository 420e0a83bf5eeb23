import type { FollowUps } from '../../../shared/migration'
import { msg, type Message } from '../../../shared/messages'

/**
 * What the runbook asks after a migration: the failover IP must already point to the destination
 * (moved in the OVH manager *before* migrating, it takes minutes), and the guest's default gateway
 * must become the destination host's gateway (OVH blocks the failover IP otherwise). The lines are the
 * runbook's failover block for eth0; the commands are typed in the guest's console in this order:
 * `ifdown` first, while the file still names the old gateway its post-down lines remove.
 */
export interface FollowUpInput {
  failoverIp?: string
  /** The source host's gateway, from the cluster file. */
  oldGateway?: string
  /** The destination host's gateway, from the cluster file. */
  newGateway?: string
  interfaceName?: string
  /**
   * Not after a migration (the console's network helper): the guest may name any host's gateway, so
   * the runbook's rule (route addresses ending in .254) is expected, not worth a note.
   */
  anyOldGateway?: boolean
}

const INDENT = '        '
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/

function isIpv4(value: string | undefined): value is string {
  const match = value === undefined ? null : IPV4.exec(value)
  return match !== null && match.slice(1).every((part) => Number(part) <= 255)
}

/** An IPv4 address as a sed basic regular expression (dots escaped). */
function sedAddress(address: string): string {
  return address.replaceAll('.', '\\.')
}

export function gatewayLines(gateway: string, nic = 'eth0'): string[] {
  return [
    `${INDENT}post-up route add ${gateway} dev ${nic}`,
    `${INDENT}post-up route add default gw ${gateway} dev ${nic}`,
    `${INDENT}post-down route del ${gateway} dev ${nic}`,
    `${INDENT}post-down route del default gw ${gateway}`,
  ]
}

export function migrationFollowUps(input: FollowUpInput): FollowUps {
  const nic = input.interfaceName ?? 'eth0'
  const notes: Message[] = []
  const failoverIp = isIpv4(input.failoverIp) ? input.failoverIp : undefined
  if (input.failoverIp !== undefined && !failoverIp)
    notes.push(msg('followUps.badFailoverIp', { value: input.failoverIp }))
  if (!failoverIp) notes.push(msg('followUps.noFailoverIp'))
  const oldGateway = isIpv4(input.oldGateway) ? input.oldGateway : undefined
  if (!isIpv4(input.newGateway)) {
    notes.push(msg('followUps.noNewGateway'))
    return {
      ...(failoverIp ? { failoverIp } : {}),
      gateway: { new: '' },
      interfacesLines: [],
      commands: [],
      notes,
    }
  }
  const gateway = input.newGateway
  const interfacesLines = failoverIp
    ? [
        `auto ${nic}`,
        `iface ${nic} inet static`,
        `${INDENT}address ${failoverIp}`,
        `${INDENT}netmask 255.255.255.255`,
        `${INDENT}broadcast ${failoverIp}`,
        ...gatewayLines(gateway, nic),
      ]
    : gatewayLines(gateway, nic)
  // Only whole addresses after a space are replaced (10.0.0.254 must not match 110.0.0.254); without a
  // known old gateway, the runbook's rule: the route lines' addresses ending in .254.
  const old = oldGateway ? sedAddress(oldGateway) : '[0-9.]*\\.254'
  const scope = oldGateway ? '' : '/route /'
  const sed = `sed -i -e '${scope}s/ ${old} / ${gateway} /g' -e '${scope}s/ ${old}$/ ${gateway}/' /etc/network/interfaces`
  if (!oldGateway && !input.anyOldGateway) notes.push(msg('followUps.noOldGateway'))
  if (oldGateway === gateway) notes.push(msg('followUps.sameGateway'))
  return {
    ...(failoverIp ? { failoverIp } : {}),
    gateway: { ...(oldGateway ? { old: oldGateway } : {}), new: gateway },
    interfacesLines,
    commands: oldGateway === gateway ? [] : [`ifdown ${nic}`, sed, `ifup ${nic}`],
    notes,
  }
}
