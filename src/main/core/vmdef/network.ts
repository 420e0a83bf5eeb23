import type { NetworkChoice } from '../../../shared/vmdef'
import { generateMac } from './mac'

/**
 * The network part of a new VM: which MAC and failover IP a network choice gives, checked against
 * every MAC in use on every host. The creation's third choice — an OVH failover IP whose virtual MAC
 * the job reuses or creates — reads OVH and is decided in ovh-mac.ts.
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
