import { create } from 'zustand'
import type { Job } from '../../../shared/jobs'

/** Long operations as pushed by the core's `jobs.update` events, newest first. */
interface JobsState {
  jobs: Job[]
  replace(jobs: Job[]): void
  update(job: Job): void
}

export const useJobsStore = create<JobsState>()((set) => ({
  jobs: [],
  replace: (jobs) => set({ jobs: [...jobs].sort((a, b) => b.startedAt - a.startedAt) }),
  update: (job) =>
    set((state) => {
      const others = state.jobs.filter((candidate) => candidate.id !== job.id)
      return { jobs: [job, ...others].sort((a, b) => b.startedAt - a.startedAt).slice(0, 200) }
    }),
}))
