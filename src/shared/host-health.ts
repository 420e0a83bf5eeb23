import type { HostState, HostStatus } from './hosts'

/**
 * What the tree and the header show for a host: its SSH status, except that a host reachable over SSH
 * whose doctor found libvirt or Ceph unusable is not plainly "online" — it cannot run or start VMs —
 * but `degraded`, naming what is missing.
 */
export type HostProblem = 'libvirt' | 'ceph'
export type ShownHostStatus = HostStatus | 'degraded'

export interface HostHealth {
  status: ShownHostStatus
  /** degraded: what the doctor found unusable. */
  problems: HostProblem[]
}

export function hostHealth(state: Pick<HostState, 'status' | 'doctor'> | undefined): HostHealth {
  if (!state) return { status: 'idle', problems: [] }
  const capabilities = state.status === 'online' ? state.doctor?.capabilities : undefined
  if (!capabilities) return { status: state.status, problems: [] }
  const problems: HostProblem[] = []
  if (!capabilities.canUseLibvirt) problems.push('libvirt')
  // VMs on RBD need Ceph answering with the client id, and `rbd status` before any start.
  if (!capabilities.cephReachable || !capabilities.canRbdStatus) problems.push('ceph')
  return problems.length > 0 ? { status: 'degraded', problems } : { status: 'online', problems }
}

/** The header's count: hosts fully usable, reachable with problems, and configured. */
export function reachableCount(states: readonly Pick<HostState, 'status' | 'doctor'>[]): {
  online: number
  degraded: number
  total: number
} {
  let online = 0
  let degraded = 0
  for (const state of states) {
    const health = hostHealth(state).status
    if (health === 'online') online++
    else if (health === 'degraded') degraded++
  }
  return { online, degraded, total: states.length }
}
