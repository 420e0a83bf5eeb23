import { ApiError } from '../../../shared/errors'
import type { Message } from '../../../shared/messages/message'
import type { VmEditChanges, VmEditPlan } from '../../../shared/vmedit'
import { readSettings } from '../inventory/domain-edit'
import { vmeditMsg } from './edit-texts'
import type { VmdefDeps } from './create'
import { generateMac } from './mac'
import { listBridges } from './plan'

/**
 * The network cards of a definition edit (issue 19 item 3), under create's rules: a MAC — typed, or
 * drawn in 52:54:00 when none is — must be unused by every definition on every host (and not twice in
 * this VM); a bridge must be present on every host that defines the VM, since it runs on any of them.
 * The plan resolves the drawn MACs, so the diff the user sees is the one the job defines.
 */

export interface NicFacts {
  /** The changes with every added card's MAC filled in. */
  changes: VmEditChanges
  addNics: VmEditPlan['addNics']
  /** Bridges present on every host that answered. */
  bridges: string[]
  refusals: Message[]
}

export async function nicFacts(
  deps: VmdefDeps,
  uuid: string,
  xml: string,
  changes: VmEditChanges,
  hosts: readonly string[],
): Promise<NicFacts> {
  const refusals: Message[] = []
  const reads = await Promise.all(
    hosts.map(async (host) => {
      try {
        return { host, bridges: await listBridges(deps.runner, host) }
      } catch (error) {
        return { host, error: ApiError.from(error).message }
      }
    }),
  )
  const answered = reads.filter((read): read is { host: string; bridges: string[] } => 'bridges' in read)
  const bridges = (answered[0]?.bridges ?? []).filter((bridge) =>
    answered.every((read) => read.bridges.includes(bridge)),
  )
  const wantedBridges = new Set([
    ...(changes.addNics ?? []).map((nic) => nic.bridge),
    ...(changes.changeNics ?? []).flatMap((change) => (change.bridge ? [change.bridge] : [])),
  ])
  for (const bridge of wantedBridges) {
    const unchecked = reads.filter((read) => 'error' in read)
    const missing = answered.filter((read) => !read.bridges.includes(bridge)).map((read) => read.host)
    if (missing.length > 0) refusals.push(vmeditMsg('bridgeMissing', { bridge, hosts: missing }))
    for (const read of unchecked)
      refusals.push(vmeditMsg('bridgeUnchecked', { bridge, host: read.host }, read.error))
  }

  const typed = [
    ...(changes.addNics ?? []).flatMap((nic) => (nic.mac ? [nic.mac] : [])),
    ...(changes.changeNics ?? []).flatMap((change) => (change.newMac ? [change.newMac] : [])),
  ].map((mac) => mac.toLowerCase())
  const drawing = (changes.addNics ?? []).some((nic) => !nic.mac)
  const used = new Map<string, { vm: string; host: string }>()
  if (typed.length > 0 || drawing) {
    // Every definition on every host, read now (another admin may have defined a VM meanwhile).
    await Promise.all(
      hosts.map((host) => deps.inventory.refreshHost(host, { definitions: true }).catch(() => undefined)),
    )
    for (const host of hosts) {
      const inventory = deps.inventory.host(host)
      for (const domain of inventory?.domains ?? []) {
        if (domain.uuid === uuid) continue
        if (domain.definitionError || !domain.definition)
          for (const mac of typed)
            refusals.push(
              vmeditMsg('macUnconfirmed', { vm: domain.name, host, mac }, domain.definitionError?.message),
            )
        for (const nic of domain.definition?.nics ?? [])
          if (!used.has(nic.mac.toLowerCase())) used.set(nic.mac.toLowerCase(), { vm: domain.name, host })
      }
    }
    for (const mac of typed) {
      const user = used.get(mac)
      if (user) refusals.push(vmeditMsg('macUsed', { mac, vm: user.vm, host: user.host }))
    }
  }
  let own: string[] = []
  try {
    own = readSettings(xml).nics.map((nic) => nic.mac.toLowerCase())
  } catch {
    // The plan refuses an unreadable definition itself.
  }
  const taken = [...used.keys(), ...own, ...typed]
  const addNics = (changes.addNics ?? []).map((nic) => {
    const mac = nic.mac?.toLowerCase() ?? generateMac(taken)
    taken.push(mac)
    return { mac, bridge: nic.bridge, model: nic.model ?? 'virtio' }
  })
  const resolved: VmEditChanges =
    addNics.length > 0
      ? {
          ...changes,
          addNics: addNics.map((nic, index) => ({ ...changes.addNics![index]!, mac: nic.mac })),
        }
      : changes
  return { changes: resolved, addNics, bridges, refusals }
}
