import { z } from 'zod'
import { ApiErrorDataSchema } from './errors'
import { FIREWALL_TEXTS } from './firewall-texts'
import { MessageSchema } from './messages'
import { HostNameSchema, Ipv4Schema } from './validators'

/**
 * The hosts' firewall as one cluster setting: each host's IPS_FAILOVER (/etc/etalab.conf, read and
 * changed only through the helper `hyperdesk-ips-failover`, docs/hosts.md), the drift between hosts,
 * and the result of a change made on every host in one job. Outcomes travel as codes with params;
 * FIREWALL_TEXTS are the English sentences (i18n/firewall.fr.ts translates them).
 */

export const FIREWALL_HELPER = '/usr/local/sbin/hyperdesk-ips-failover'

export const HostFirewallSchema = z.object({
  host: z.string(),
  /** IPS_FAILOVER on that host; absent when it could not be read (see error). */
  ips: z.array(z.string()).optional(),
  /** A change armed and not confirmed yet (its dead-man restore is pending). */
  armed: z.boolean().optional(),
  error: z.optional(ApiErrorDataSchema),
})
export type HostFirewall = z.infer<typeof HostFirewallSchema>

export const FirewallStateSchema = z.object({
  hosts: z.array(HostFirewallSchema),
  /** Every address listed on at least one host, sorted. */
  ips: z.array(z.string()),
  /** Addresses not listed on every host that could be read: the drift. */
  drift: z.array(z.object({ ip: z.string(), missingOn: z.array(z.string()), listedOn: z.array(z.string()) })),
})
export type FirewallState = z.infer<typeof FirewallStateSchema>

export const FirewallChangeParamsSchema = z
  .object({
    action: z.enum(['add', 'remove']),
    ip: Ipv4Schema,
    /** The dead-man delay: the previous file is put back unless confirmed within it (default 45 s). */
    confirmWithinSeconds: z.number().int().min(10).max(600).optional(),
    /** Only these hosts (default: every host of the cluster file), in the cluster file's order. */
    hosts: z.array(HostNameSchema).min(1).optional(),
  })
  .strict()
export type FirewallChangeParams = z.infer<typeof FirewallChangeParamsSchema>

export const FIREWALL_OUTCOMES = ['changed', 'unchanged', 'restored', 'failed', 'notTried'] as const
export const FirewallHostOutcomeSchema = z.object({
  host: z.string(),
  outcome: z.enum(FIREWALL_OUTCOMES),
  /** What happened (a `firewall.*` message). */
  message: MessageSchema,
})
export type FirewallHostOutcome = z.infer<typeof FirewallHostOutcomeSchema>
export const FirewallChangeResultSchema = z.object({
  action: z.enum(['add', 'remove']),
  ip: z.string(),
  hosts: z.array(FirewallHostOutcomeSchema),
})
export type FirewallChangeResult = z.infer<typeof FirewallChangeResultSchema>

export { FIREWALL_TEXTS }
export type FirewallText = keyof typeof FIREWALL_TEXTS

/** Drift: addresses missing from some readable host. */
export function firewallDrift(hosts: readonly HostFirewall[]): Pick<FirewallState, 'ips' | 'drift'> {
  const read = hosts.filter((h) => h.ips)
  const ips = [...new Set(read.flatMap((h) => h.ips!))].sort(compareIps)
  const drift = ips
    .map((ip) => ({
      ip,
      missingOn: read.filter((h) => !h.ips!.includes(ip)).map((h) => h.host),
      listedOn: read.filter((h) => h.ips!.includes(ip)).map((h) => h.host),
    }))
    .filter((entry) => entry.missingOn.length > 0)
  return { ips, drift }
}

export function compareIps(a: string, b: string): number {
  const pa = a.split('.').map(Number)
  const pb = b.split('.').map(Number)
  for (let i = 0; i < 4; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) - (pb[i] ?? 0)
  return 0
}
