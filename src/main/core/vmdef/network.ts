import type { NetworkChoice } from '../../../shared/vmdef'
import { generateMac } from './mac'

/**
 * The network part of a new VM: which MAC and failover IP a network choice gives, checked against
 * every MAC in use on every host. This is the seam for another kind of choice — OVH's virtual MAC
 * created for a failover IP (issue 20 item 4): a member of NetworkChoiceSchema, a branch here for the
 * plan (read-only: the MAC OVH already has for that IP, or "created by the job"), and the creation
 * itself in VmCreator.createLocked before the image (so the undo can list it).
 */

/** A MAC some definition uses. */
export interface MacUse {
  mac: string
  vm: string
  host: string
}

export type NetworkFinding =
  | { status: 'pass'; text: 'macFree' | 'macGenerated'; params: { mac: string } }
  | { status: 'fail'; text: 'macUsed'; params: { mac: string; vm: string; host: string } }

export interface PlannedNetwork {
  mac: string
  failoverIp?: string
  findings: NetworkFinding[]
}

export function planNetwork(choice: NetworkChoice, used: readonly MacUse[]): PlannedNetwork {
  switch (choice.kind) {
    case 'failover': {
      const mac = choice.mac.toLowerCase()
      const clashes = used.filter((use) => use.mac.toLowerCase() === mac)
      return {
        mac,
        ...(choice.failoverIp ? { failoverIp: choice.failoverIp } : {}),
        findings:
          clashes.length > 0
            ? clashes.map(({ vm, host }) => ({ status: 'fail', text: 'macUsed', params: { mac, vm, host } }))
            : [{ status: 'pass', text: 'macFree', params: { mac } }],
      }
    }
    case 'ripe': {
      const mac = generateMac(used.map((use) => use.mac))
      return { mac, findings: [{ status: 'pass', text: 'macGenerated', params: { mac } }] }
    }
  }
}
