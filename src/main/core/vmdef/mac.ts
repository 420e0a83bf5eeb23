import crypto from 'node:crypto'
import { ApiError } from '../../../shared/errors'
import { msg } from '../../../shared/messages/message'

/**
 * MAC addresses for RIPE VMs (the runbook's generate_mac). The app draws them in 52:54:00:xx:xx:xx,
 * the prefix QEMU and libvirt use for the MACs they generate: locally administered (bit 1 of the first
 * byte), unicast (bit 0 clear), so never an address a NIC maker or OVH hands out — OVH's virtual MACs
 * for failover IPs are 02:00:00:… ("ovh" type) or 00:50:56:… ("vmware" type). A drawn MAC must be
 * unused by every definition on every host (the caller passes them all).
 */

export const GENERATED_MAC_PREFIX = '52:54:00'

/** The MAC's three last bytes, drawn at random. */
function draw(random: () => Buffer): string {
  const bytes = random()
  return [
    GENERATED_MAC_PREFIX,
    ...[0, 1, 2].map((index) => (bytes[index] ?? 0).toString(16).padStart(2, '0')),
  ].join(':')
}

/**
 * A MAC in the app's prefix that is none of `used` (compared case-insensitively). 16.7 million
 * addresses: a clash is rare, and redrawing 64 times without success means the input is wrong.
 */
export function generateMac(
  used: Iterable<string>,
  random: () => Buffer = () => crypto.randomBytes(3),
): string {
  const taken = new Set([...used].map((mac) => mac.toLowerCase()))
  for (let attempt = 0; attempt < 64; attempt++) {
    const mac = draw(random)
    // 52:54:00:00:00:00 is a valid address, but reads like an unset one in logs: skip it.
    if (mac.endsWith(':00:00:00')) continue
    if (!taken.has(mac)) return mac
  }
  throw ApiError.of(
    'vm.create.no-mac',
    msg('vmdefErrors.noMac', { prefix: GENERATED_MAC_PREFIX, draws: 64 }),
    {
      step: msg('errorSteps.generateMac'),
    },
  )
}
