import { z } from 'zod'
import { ApiErrorDataSchema } from './errors'
import { HostNameSchema, IPV4_PATTERN, OvhBlockSchema, OvhEndpointSchema, OvhKeySchema } from './validators'
import { FAILOVER_BADGE_TEXTS } from './ovh-texts'

export { FAILOVER_BADGE_TEXTS }

/**
 * OVH failover IPs as the app sees them: OVH's task states, IPv4 blocks (OVH moves whole blocks: one
 * address of a /29 moves its neighbours), and the badge rules of the failover IP view — what OVH or
 * the hosts' firewall will break. Pure: used by the core and the window alike.
 */

/** dedicated.TaskStatusEnum / ip.TaskStatusEnum in OVH's schema. */
export const OVH_TASK_STATUSES = [
  'init',
  'todo',
  'doing',
  'done',
  'cancelled',
  'customerError',
  'ovhError',
] as const
export type OvhTaskStatus = (typeof OVH_TASK_STATUSES)[number]
export const OVH_TASK_ENDS: readonly OvhTaskStatus[] = ['done', 'cancelled', 'customerError', 'ovhError']

/** dedicated.server.Task, the fields used. */
export interface OvhTask {
  taskId: number
  function: string
  status: OvhTaskStatus
  comment?: string | null
  startDate?: string
  doneDate?: string | null
  lastUpdate?: string | null
}

export interface VirtualMacEntry {
  server: string
  macAddress: string
  type: string
  addresses: { ipAddress: string; virtualMachineName: string }[]
}

function ipToNumber(ip: string): number {
  return ip.split('.').reduce((value, part) => value * 256 + Number(part), 0)
}
function numberToIp(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.')
}

/** "1.2.3.8/29" or "1.2.3.4" (a /32) → its first address and prefix; undefined when not IPv4. */
export function parseBlock(block: string): { base: number; prefix: number } | undefined {
  const [address, prefixText] = block.split('/')
  if (!address || !IPV4_PATTERN.test(address)) return undefined
  const prefix = prefixText === undefined ? 32 : Number(prefixText)
  if (
    !Number.isInteger(prefix) ||
    prefix < 0 ||
    prefix > 32 ||
    (prefixText !== undefined && !/^\d+$/.test(prefixText))
  )
    return undefined
  const size = 2 ** (32 - prefix)
  return { base: Math.floor(ipToNumber(address) / size) * size, prefix }
}

export function blockContains(block: string, ip: string): boolean {
  const parsed = parseBlock(block)
  if (!parsed || !IPV4_PATTERN.test(ip)) return false
  const value = ipToNumber(ip)
  return value >= parsed.base && value < parsed.base + 2 ** (32 - parsed.prefix)
}

/** Every address of a block (IPv4 blocks up to /24; larger ones are not failover blocks). */
export function blockAddresses(block: string): string[] {
  const parsed = parseBlock(block)
  if (!parsed || parsed.prefix < 24) return []
  return Array.from({ length: 2 ** (32 - parsed.prefix) }, (_, index) => numberToIp(parsed.base + index))
}

// ------------------------------------------------------------------ the view and its badges

export const FAILOVER_BADGES = [
  'routedElsewhere',
  'claimedTwice',
  'macMismatch',
  'noVirtualMac',
  'firewallMissing',
  'duplicateMac',
  'unmappedServer',
] as const
export type FailoverBadgeCode = (typeof FAILOVER_BADGES)[number]

export const FailoverBadgeSchema = z.object({
  code: z.enum(FAILOVER_BADGES),
  /** The address the badge is about (blocks badges: the block). */
  ip: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number()])),
})
export type FailoverBadge = z.infer<typeof FailoverBadgeSchema>

export interface BadgeInput {
  blocks: readonly { block: string; routedTo: string | null }[]
  /** The cluster's hosts and the OVH server each maps to. */
  hosts: readonly { name: string; serviceName?: string }[]
  /** VMs with their failover IP setting, where they run, and their NICs' MACs. */
  vms: readonly { name: string; failoverIp?: string; runningOn?: string; macs: readonly string[] }[]
  virtualMacs: readonly VirtualMacEntry[]
  /** Each host's IPS_FAILOVER; a host whose firewall could not be read is absent. */
  firewall: Readonly<Record<string, readonly string[]>>
}

/** The badges of the failover IP view, block by block (see FAILOVER_BADGE_TEXTS). */
export function failoverBadges(input: BadgeInput): FailoverBadge[] {
  const badges: FailoverBadge[] = []
  const serverOf = new Map(input.hosts.filter((h) => h.serviceName).map((h) => [h.name, h.serviceName!]))
  const mapped = new Set(serverOf.values())
  const norm = (mac: string): string => mac.toLowerCase()
  for (const { block, routedTo } of input.blocks) {
    if (routedTo && !mapped.has(routedTo))
      badges.push({ code: 'unmappedServer', ip: block, params: { server: routedTo } })
    // duplicate virtual MACs touching this block: one address under two MACs, or one MAC on two servers
    const entries = input.virtualMacs.filter((mac) =>
      mac.addresses.some((a) => blockContains(block, a.ipAddress)),
    )
    const byAddress = new Map<string, string[]>()
    for (const entry of entries)
      for (const address of entry.addresses)
        if (blockContains(block, address.ipAddress))
          byAddress.set(address.ipAddress, [
            ...(byAddress.get(address.ipAddress) ?? []),
            `${entry.macAddress}@${entry.server}`,
          ])
    for (const [address, owners] of byAddress)
      if (owners.length > 1)
        badges.push({
          code: 'duplicateMac',
          ip: block,
          params: { addresses: address, macs: owners.join(', ') },
        })
    const servers = new Map<string, { on: Set<string>; addresses: Set<string> }>()
    for (const entry of entries) {
      const seen = servers.get(norm(entry.macAddress)) ?? { on: new Set(), addresses: new Set() }
      seen.on.add(entry.server)
      for (const address of entry.addresses)
        if (blockContains(block, address.ipAddress)) seen.addresses.add(address.ipAddress)
      servers.set(norm(entry.macAddress), seen)
    }
    for (const [mac, { on, addresses }] of servers)
      if (on.size > 1)
        badges.push({
          code: 'duplicateMac',
          ip: block,
          params: {
            addresses: [...addresses].join(', '),
            macs: [...on]
              .sort()
              .map((server) => `${mac}@${server}`)
              .join(', '),
          },
        })

    for (const ip of blockAddresses(block)) {
      const claimants = input.vms.filter((vm) => vm.failoverIp === ip)
      if (claimants.length === 0) continue
      if (claimants.length > 1)
        badges.push({
          code: 'claimedTwice',
          ip,
          params: {
            vms: claimants
              .map((vm) => vm.name)
              .sort()
              .join(', '),
          },
        })
      for (const vm of claimants) {
        if (vm.runningOn) {
          const hostServer = serverOf.get(vm.runningOn)
          if (hostServer && routedTo !== hostServer)
            badges.push({
              code: 'routedElsewhere',
              ip,
              params: { vm: vm.name, host: vm.runningOn, server: routedTo ?? '—', hostServer },
            })
        }
        if (routedTo) {
          const vmac = input.virtualMacs.find(
            (mac) => mac.server === routedTo && mac.addresses.some((address) => address.ipAddress === ip),
          )
          // one badge per address, however many VMs claim it
          if (!vmac) {
            if (vm === claimants[0]) badges.push({ code: 'noVirtualMac', ip, params: { server: routedTo } })
          } else if (!vm.macs.some((mac) => norm(mac) === norm(vmac.macAddress)))
            badges.push({
              code: 'macMismatch',
              ip,
              params: { vm: vm.name, mac: vmac.macAddress, nicMacs: vm.macs.join(', ') || '—' },
            })
        }
      }
      const missing = Object.entries(input.firewall)
        .filter(([, ips]) => !ips.includes(ip))
        .map(([host]) => host)
        .sort()
      if (missing.length > 0)
        badges.push({ code: 'firewallMissing', ip, params: { hosts: missing.join(', ') } })
    }
  }
  // one MAC under one address on two servers is both kinds of duplicate: said once
  const seen = new Set<string>()
  return badges
    .filter((badge) => {
      const key = JSON.stringify([badge.code, badge.ip, badge.params])
      return !seen.has(key) && seen.add(key)
    })
    .map((badge) => ({ ...badge, params: { ip: badge.ip, ...badge.params } }))
}

// ------------------------------------------------------------------ the view, on the wire

export const FailoverAddressSchema = z.object({
  ip: z.string(),
  /** VMs whose settings claim this address. */
  vms: z.array(z.object({ uuid: z.string(), name: z.string(), runningOn: z.array(z.string()) })),
  virtualMacs: z.array(z.object({ server: z.string(), macAddress: z.string() })),
  /** Hosts whose IPS_FAILOVER lists it. */
  firewallHosts: z.array(z.string()),
})
export const FailoverBlockSchema = z.object({
  block: z.string(),
  routedTo: z.string().nullable(),
  /** The cluster host whose ovhServiceName is routedTo. */
  routedHost: z.string().optional(),
  addresses: z.array(FailoverAddressSchema),
})
export const FailoverViewSchema = z.object({
  endpoint: z.string(),
  blocks: z.array(FailoverBlockSchema),
  badges: z.array(FailoverBadgeSchema),
  hosts: z.array(z.object({ host: z.string(), serviceName: z.string().optional() })),
  /** Hosts whose firewall could not be read (not blamed by badges). */
  firewallUnread: z.array(z.string()),
})
export type FailoverView = z.infer<typeof FailoverViewSchema>

/**
 * The OS keychain for OVH credentials entered in the app (main/core/ovh/keychain.ts): `ok` when
 * Electron's safeStorage really encrypts; `plainText` when it would fall back to plain text (Linux
 * without a keyring), `unavailable`, or `browserMode` (no safeStorage): saving is refused then.
 */
export const OvhKeychainStatusSchema = z.object({
  state: z.enum(['ok', 'plainText', 'unavailable', 'browserMode']),
  backend: z.string().optional(),
  /** What is stored (never a secret): the endpoint and when. */
  stored: z.object({ endpoint: z.string(), savedAt: z.number() }).optional(),
})
export type OvhKeychainStatus = z.infer<typeof OvhKeychainStatusSchema>

/** Where OVH credentials come from, for the window: never a secret. */
export const OvhStatusSchema = z.object({
  keychain: OvhKeychainStatusSchema,
  /** A consumer key was requested (ovh.requestConsumerKey) and waits to be saved with the secret. */
  pendingConsumerKey: z.object({ endpoint: z.string(), validationUrl: z.string() }).optional(),
  configured: z.boolean(),
  endpoint: z.string().optional(),
  source: z.string().optional(),
  files: z.array(z.string()),
  problems: z.array(z.object({ code: z.string(), message: z.string(), file: z.string().optional() })),
  /** The access rules a consumer key for Hyperdesk needs (never /*). */
  accessRules: z.array(z.object({ method: z.string(), path: z.string() })),
})
export type OvhStatus = z.infer<typeof OvhStatusSchema>

/** Credentials typed in the app, kept in the OS keychain; the consumer key typed, or the pending one. */
export const OvhSaveCredentialsParamsSchema = z
  .object({
    endpoint: OvhEndpointSchema,
    applicationKey: OvhKeySchema,
    applicationSecret: OvhKeySchema,
    /** Absent: use the consumer key requested by ovh.requestConsumerKey (validated by the admin). */
    consumerKey: OvhKeySchema.optional(),
  })
  .strict()
export type OvhSaveCredentialsParams = z.infer<typeof OvhSaveCredentialsParamsSchema>

export const OvhRequestConsumerKeyParamsSchema = z
  .object({ endpoint: OvhEndpointSchema, applicationKey: OvhKeySchema })
  .strict()
/** OVH's validation URL to open; the consumer key itself stays in the core until saved. */
export const OvhConsumerKeyRequestSchema = z.object({
  validationUrl: z.string(),
  accessRules: z.array(z.object({ method: z.string(), path: z.string() })),
})

export const OvhMoveParamsSchema = z.object({ block: OvhBlockSchema, to: HostNameSchema }).strict()
export type OvhMoveParams = z.infer<typeof OvhMoveParamsSchema>

/** OVH's pre-check (ipCanBeMovedTo): can the block move to that host's server? */
export const OvhMoveCheckSchema = z.object({
  block: z.string(),
  serviceName: z.string().optional(),
  canMove: z.boolean(),
  /** The block already routes there: nothing to move. */
  already: z.boolean(),
  /** OVH's refusal (its message in details.ovhMessage). */
  refusal: z.optional(ApiErrorDataSchema),
})
export type OvhMoveCheck = z.infer<typeof OvhMoveCheckSchema>

/**
 * What moving a VM's failover IP to another host means (the migration sheet's and the guided
 * maintenance's step): OVH moves the whole block, so every address of it goes, and every VM using
 * one of them. `needed` is false when the block already routes to the destination's server, or when
 * the VM claims no failover IP; `blockedBy` names what stops the move before asking OVH.
 */
export interface BlockMovePlan {
  vm: string
  failoverIp?: string
  block?: string
  routedTo?: string | null
  /** The destination host's OVH server. */
  toServer?: string
  needed: boolean
  /** Every address of the block and the VMs whose settings claim it. */
  addresses: { ip: string; vms: string[] }[]
  /** Other VMs whose address moves too (they lose their route unless they move to that host too). */
  othersMoving: { name: string; ip: string; runningOn: string[] }[]
  blockedBy?: 'noBlock' | 'unmappedHost' | 'duplicateMac'
}

export function blockMoveFor(
  view: FailoverView,
  vm: { uuid: string; name: string },
  toHost: string,
): BlockMovePlan {
  const toServer = view.hosts.find((host) => host.host === toHost)?.serviceName
  const block = view.blocks.find((candidate) =>
    candidate.addresses.some((address) => address.vms.some((claimant) => claimant.uuid === vm.uuid)),
  )
  const base = { vm: vm.name, ...(toServer ? { toServer } : {}) }
  if (!block) return { ...base, needed: false, addresses: [], othersMoving: [] }
  const failoverIp = block.addresses.find((address) =>
    address.vms.some((claimant) => claimant.uuid === vm.uuid),
  )!.ip
  const addresses = block.addresses.map((address) => ({
    ip: address.ip,
    vms: address.vms.map((claimant) => claimant.name),
  }))
  const othersMoving = block.addresses.flatMap((address) =>
    address.vms
      .filter((claimant) => claimant.uuid !== vm.uuid)
      .map((claimant) => ({ name: claimant.name, ip: address.ip, runningOn: claimant.runningOn })),
  )
  const plan = { ...base, failoverIp, block: block.block, routedTo: block.routedTo, addresses, othersMoving }
  if (!toServer) return { ...plan, needed: true, blockedBy: 'unmappedHost' }
  if (block.routedTo === toServer) return { ...plan, needed: false }
  const duplicate = view.badges.some((badge) => badge.code === 'duplicateMac' && badge.ip === block.block)
  return { ...plan, needed: true, ...(duplicate ? { blockedBy: 'duplicateMac' as const } : {}) }
}

// ------------------------------------------------------------------ the window's helpers

/**
 * How bad a badge is, for the view: `fail` when a VM's traffic is cut now (OVH drops it, or two VMs
 * fight over one address), `warn` when something must be fixed before it bites (a host's firewall,
 * a move OVH will refuse, a server no host maps to).
 */
export const FAILOVER_BADGE_LEVELS: Readonly<Record<FailoverBadgeCode, 'fail' | 'warn'>> = {
  routedElsewhere: 'fail',
  claimedTwice: 'fail',
  macMismatch: 'fail',
  noVirtualMac: 'fail',
  firewallMissing: 'warn',
  duplicateMac: 'warn',
  unmappedServer: 'warn',
}

/** The badges of one address, or of a whole block (its block-wide badges), worst first. */
export function badgesOf(view: Pick<FailoverView, 'badges'>, ip: string): FailoverBadge[] {
  const rank = (badge: FailoverBadge): number => (FAILOVER_BADGE_LEVELS[badge.code] === 'fail' ? 0 : 1)
  return view.badges.filter((badge) => badge.ip === ip).sort((a, b) => rank(a) - rank(b))
}

/** The hosts of OVH's API and manager that may show a consumer key's validation page. */
export const OVH_VALIDATION_HOSTS: readonly string[] = [
  'eu.api.ovh.com',
  'ca.api.ovh.com',
  'api.us.ovhcloud.com',
  'eu.api.kimsufi.com',
  'ca.api.kimsufi.com',
  'eu.api.soyoustart.com',
  'ca.api.soyoustart.com',
  'www.ovh.com',
  'ca.ovh.com',
  'www.ovhcloud.com',
  'us.ovhcloud.com',
]

/**
 * Is this the validation page of a consumer key OVH answered (`validationUrl` of POST
 * /auth/credential)? Only then may the desktop shell open it in the user's browser: https, one of
 * OVH's hosts, a credentialToken, no user info.
 */
export function isOvhValidationUrl(url: string): boolean {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return false
  }
  return (
    parsed.protocol === 'https:' &&
    OVH_VALIDATION_HOSTS.includes(parsed.hostname) &&
    parsed.port === '' &&
    !parsed.username &&
    !parsed.password &&
    (parsed.searchParams.get('credentialToken') ?? '') !== ''
  )
}

// ------------------------------------------------------------------ a new VM's failover IP

/**
 * What the creation wizard says of an address: `reuse` (its virtual MAC on the server it routes to)
 * and `create` (the job makes one) can be chosen; `claimed` (another VM's settings name it),
 * `elsewhere` (its block routes to another host than the one the VM starts on), `unmapped` (it routes
 * to a server no host maps to) and `duplicate` (several virtual MACs) cannot. The core checks all of
 * it again before anything runs (vmdef/ovh-mac.ts).
 */
export type FailoverChoiceState = 'reuse' | 'create' | 'claimed' | 'elsewhere' | 'unmapped' | 'duplicate'

export interface FailoverChoice {
  ip: string
  block: string
  routedTo: string | null
  /** The cluster host whose server the block routes to: where the VM runs. */
  routedHost?: string
  state: FailoverChoiceState
  /** The virtual MAC(s) OVH lists for it. */
  macs: string[]
  /** The VMs whose settings claim it. */
  vms: string[]
}

export function failoverChoices(view: FailoverView, startOn?: string): FailoverChoice[] {
  return view.blocks.flatMap((block) =>
    block.addresses.map((address): FailoverChoice => {
      const macs = address.virtualMacs.map((mac) => mac.macAddress)
      const vms = address.vms.map((vm) => vm.name)
      const state: FailoverChoiceState =
        vms.length > 0
          ? 'claimed'
          : !block.routedHost
            ? 'unmapped'
            : startOn && startOn !== block.routedHost
              ? 'elsewhere'
              : macs.length > 1
                ? 'duplicate'
                : macs.length === 1
                  ? 'reuse'
                  : 'create'
      return {
        ip: address.ip,
        block: block.block,
        routedTo: block.routedTo,
        ...(block.routedHost ? { routedHost: block.routedHost } : {}),
        state,
        macs,
        vms,
      }
    }),
  )
}
