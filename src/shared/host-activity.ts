import { z } from 'zod'
import { MessageSchema } from './messages/message'

/**
 * What a host is doing, for its view: resource samples for the live graphs, and the remote commands
 * that failed there lately (with the command, so the user can run it again by hand).
 */

/** One sample of a host's CPU counters and memory; CPU% comes from two samples' counters. */
export const HostStatsSchema = z.object({
  at: z.number(),
  /** Cumulative CPU time of all the host's CPUs (virsh nodecpustats), in nanoseconds. */
  cpu: z.object({ userNs: z.number(), systemNs: z.number(), idleNs: z.number(), iowaitNs: z.number() }),
  memoryTotalKiB: z.number(),
  /** Free + buffers + cached: what new QEMUs can have (the inventory's and the pre-checks' figure). */
  memoryAvailableKiB: z.number(),
})
export type HostStats = z.infer<typeof HostStatsSchema>

/** A remote command that failed (not cancelled by the user), as the runner reported it. */
export const HostErrorEntrySchema = z.object({
  at: z.number(),
  host: z.string(),
  /** The error's code: remote.failed, remote.timeout, host.offline (connection lost mid-command). */
  code: z.string(),
  /** What the app was doing, e.g. "virsh migrate", "refresh inventory". */
  step: z.string().optional(),
  /** The same step as a message, which the window shows in its language. */
  stepText: z.optional(MessageSchema),
  /** The command as run on the host (shell-quoted argv). */
  command: z.string(),
  exitCode: z.number().nullable(),
  /** The end of its stderr. */
  stderr: z.string(),
  message: z.string(),
  hint: z.string().optional(),
  /** The same hint as a message, which the window shows in its language. */
  hintText: z.optional(MessageSchema),
  /** The same failure again and again (a sampler against a stopped libvirtd): how many times, `at` the last. */
  repeats: z.number().optional(),
})
export type HostErrorEntry = z.infer<typeof HostErrorEntrySchema>

/** CPU use between two samples, in percent of all the host's CPUs. */
export function hostCpuPercent(previous: HostStats, current: HostStats): number {
  const busy = (s: HostStats) => s.cpu.userNs + s.cpu.systemNs
  const total = (s: HostStats) => busy(s) + s.cpu.idleNs + s.cpu.iowaitNs
  const elapsed = total(current) - total(previous)
  if (elapsed <= 0) return 0
  return Math.max(0, Math.min(100, ((busy(current) - busy(previous)) / elapsed) * 100))
}
