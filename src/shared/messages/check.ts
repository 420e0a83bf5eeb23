import { z } from 'zod'
import { englishText, MessageSchema, type Message } from './message'

/**
 * One shape for a check wherever checks are shown: the host doctor, the migration and maintenance
 * pre-checks, storage refusals. `level` says how bad, `message` what was found (where, which value),
 * `fix` what to do (a sentence, and/or the exact command to run, shown verbatim), `blocks` what a
 * failing check stops. The window shows every list of checks with one component
 * (src/renderer/src/components/CheckList.tsx).
 */
export const CHECK_LEVELS = ['ok', 'info', 'warn', 'fail', 'unknown'] as const
export type CheckLevel = (typeof CHECK_LEVELS)[number]

/** Operations a check can block; each has a label in the `checks` area (`blocks<Action>`). */
export const BLOCKED_ACTIONS = [
  'start',
  'migrate',
  'maintenance',
  'console',
  'storage',
  'fencing',
  'inventory',
  'ceph',
] as const
export type BlockedAction = (typeof BLOCKED_ACTIONS)[number]

export const FixSchema = z.object({
  /** What to do, in words. */
  message: z.optional(MessageSchema),
  /** The exact command(s) to run (shown verbatim, copyable; never translated). */
  command: z.string().optional(),
})
export type Fix = z.infer<typeof FixSchema>

export const CheckSchema = z.object({
  /** Stable id within its list, e.g. `libvirt`, `memory`, `capacity:hv2`. */
  id: z.string(),
  level: z.enum(CHECK_LEVELS),
  message: MessageSchema,
  fix: FixSchema.optional(),
  blocks: z.array(z.enum(BLOCKED_ACTIONS)).optional(),
})
export type Check = z.infer<typeof CheckSchema>

/** A check's English line for logs: "[fail] message — fix". */
export function checkLine(check: Check): string {
  const fix = [check.fix?.message && englishText(check.fix.message), check.fix?.command]
    .filter(Boolean)
    .join(' ')
  return `[${check.level}] ${englishText(check.message)}${fix ? ` — ${fix}` : ''}`
}

/** The worst level of a list (fail > warn > unknown > info > ok). */
export function worstLevel(checks: readonly Check[]): CheckLevel {
  const order: CheckLevel[] = ['ok', 'info', 'unknown', 'warn', 'fail']
  return checks.reduce<CheckLevel>(
    (worst, c) => (order.indexOf(c.level) > order.indexOf(worst) ? c.level : worst),
    'ok',
  )
}

export function check(
  id: string,
  level: CheckLevel,
  message: Message,
  extra: Omit<Check, 'id' | 'level' | 'message'> = {},
): Check {
  return { id, level, message, ...extra }
}
