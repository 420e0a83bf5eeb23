import type { HostErrorEntry } from '../../../shared/host-activity'
import type { HostState } from '../../../shared/hosts'
import type { HostInventory, Vm } from '../../../shared/inventory'
import type { Job } from '../../../shared/jobs'
import type { MaintenanceRecord } from '../../../shared/maintenance'
import { shareVms } from './share-vms'
import type { Slice } from './types'

/** What the core knows of the cluster, as its events push it (see ./core-events.ts). */
export interface ClusterSlice {
  /** Each hypervisor's SSH state and doctor report (`hosts.state`). */
  hostStates: Record<string, HostState>
  /** Prompts the user closed without answering (host key fingerprints, key paths): not asked again. */
  dismissedPrompts: ReadonlySet<string>
  /** The last remote commands that failed, per host, newest first (`hosts.error`, `hosts.errors`). */
  hostErrors: Record<string, HostErrorEntry[]>
  /** The live inventory (`inventory.changed`): each host's, and the cluster's VMs. */
  inventories: Record<string, HostInventory>
  vms: Vm[]
  /**
   * Whether the core's inventory has come (its answer or an update): until then the tree says it is
   * reading the VMs, rather than show hosts with 0 VMs.
   */
  inventoryKnown: boolean
  /** Long operations (`jobs.update`), newest first. */
  jobs: Job[]
  /** The saved maintenance record (`maintenance.changed`); undefined until read. */
  maintenance: MaintenanceRecord | null | undefined
  updateHost(state: HostState): void
  dismissPrompt(key: string): void
  /** A failure the core just pushed: first in its host's list. */
  pushHostError(entry: HostErrorEntry): void
  /** The host's list as the core kept it, under what was pushed since `resetHostErrors`. */
  loadHostErrors(host: string, list: HostErrorEntry[]): void
  resetHostErrors(host: string): void
  applyInventory(update: { host: HostInventory; vms: Vm[] }): void
  replaceInventory(snapshot: { hosts: HostInventory[]; vms: Vm[] }): void
  replaceJobs(jobs: Job[]): void
  updateJob(job: Job): void
  setMaintenance(record: MaintenanceRecord | null): void
}

const byStart = (a: Job, b: Job) => b.startedAt - a.startedAt

/*
 * What each replacement changes in the state, apart from its action: what the core knows at each
 * (re)connection is one store update (core-events.ts), not one per answer.
 */
export const hostsReplaced = (list: readonly HostState[]): Pick<ClusterSlice, 'hostStates'> => ({
  hostStates: Object.fromEntries(list.map((state) => [state.name, state])),
})

export const inventoryReplaced = (
  state: Pick<ClusterSlice, 'vms'>,
  { hosts, vms }: { hosts: HostInventory[]; vms: Vm[] },
): Pick<ClusterSlice, 'inventories' | 'vms' | 'inventoryKnown'> => ({
  inventories: Object.fromEntries(hosts.map((host) => [host.host, host])),
  vms: shareVms(state.vms, vms),
  inventoryKnown: true,
})

/**
 * No job before nor now (every start of the window): the same list, so the jobs panel is not
 * rendered again in the window's first paint.
 */
export const jobsReplaced = (
  state: Pick<ClusterSlice, 'jobs'>,
  jobs: Job[],
): Partial<Pick<ClusterSlice, 'jobs'>> =>
  jobs.length === 0 && state.jobs.length === 0 ? {} : { jobs: [...jobs].sort(byStart) }

export const createClusterSlice: Slice<ClusterSlice> = (set) => ({
  hostStates: {},
  dismissedPrompts: new Set(),
  hostErrors: {},
  inventories: {},
  vms: [],
  inventoryKnown: false,
  jobs: [],
  maintenance: undefined,
  updateHost: (state) => set((previous) => ({ hostStates: { ...previous.hostStates, [state.name]: state } })),
  dismissPrompt: (key) =>
    set((previous) => ({ dismissedPrompts: new Set([...previous.dismissedPrompts, key]) })),
  pushHostError: (entry) =>
    set((previous) => ({
      hostErrors: {
        ...previous.hostErrors,
        [entry.host]: mergeHostErrors([entry], previous.hostErrors[entry.host] ?? []),
      },
    })),
  loadHostErrors: (host, list) =>
    set((previous) => ({
      hostErrors: { ...previous.hostErrors, [host]: mergeHostErrors(previous.hostErrors[host] ?? [], list) },
    })),
  resetHostErrors: (host) => set((previous) => ({ hostErrors: { ...previous.hostErrors, [host]: [] } })),
  // An unchanged VM keeps its object, and an unchanged list stays the same list (share-vms.ts).
  applyInventory: ({ host, vms }) =>
    set((state) => ({
      inventories: { ...state.inventories, [host.host]: host },
      vms: shareVms(state.vms, vms),
      inventoryKnown: true,
    })),
  replaceInventory: (snapshot) => set((state) => inventoryReplaced(state, snapshot)),
  replaceJobs: (jobs) => set((state) => jobsReplaced(state, jobs)),
  updateJob: (job) =>
    set((state) => {
      // A job that ended never runs again: the answer of the call that started it (a running
      // snapshot) may arrive after the event of its end (a refusal takes milliseconds).
      const known = state.jobs.find((candidate) => candidate.id === job.id)
      if (known && known.state !== 'running' && job.state === 'running') return {}
      const others = state.jobs.filter((candidate) => candidate.id !== job.id)
      return { jobs: [job, ...others].sort(byStart).slice(0, 200) }
    }),
  setMaintenance: (maintenance) => set({ maintenance }),
})

const sameFailure = (a: HostErrorEntry, b: HostErrorEntry) =>
  a.command === b.command && a.code === b.code && a.stderr === b.stderr

/** Newer entries first; an older one the newer ones repeat is dropped. */
export function mergeHostErrors(newer: HostErrorEntry[], older: HostErrorEntry[]): HostErrorEntry[] {
  const repeated = (entry: HostErrorEntry) =>
    newer.some((other) => other.repeats !== undefined && sameFailure(other, entry) && other.at >= entry.at)
  const seen = (entry: HostErrorEntry) =>
    newer.some((other) => other.at === entry.at && sameFailure(other, entry))
  return [...newer, ...older.filter((entry) => !repeated(entry) && !seen(entry))].slice(0, 20)
}
