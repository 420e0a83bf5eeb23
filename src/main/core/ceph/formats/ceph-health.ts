import { z } from 'zod'
import { readFamilies } from './json'

/**
 * `ceph health detail --format json` (and the `health` object inside `ceph status`).
 *
 * - luminous-mimic: `{checks, status, summary: [compat warning], overall_status, detail: [strings]}`:
 *   the pre-Luminous fields are kept for old monitoring and `overall_status` can say HEALTH_WARN while
 *   `status` says HEALTH_OK ("'ceph health' JSON format has changed in luminous…"); `status` is the truth.
 *   (Luminous output recorded in RedHatInsights/insights-core's ceph parser tests.)
 * - nautilus-tentacle: `{status, checks, mutes}`; a check may carry `summary.count` and `muted`
 *   (Ceph 16.2.15 in the lab).
 * Pre-Luminous (Jewel) printed no `checks` and no `status`: outside the supported range, refused.
 */

const Severity = z.enum(['HEALTH_OK', 'HEALTH_WARN', 'HEALTH_ERR'])

const CheckSchema = z.object({
  severity: Severity,
  summary: z.object({ message: z.string(), count: z.number().optional() }),
  detail: z.array(z.object({ message: z.string() })).optional(),
  muted: z.boolean().optional(),
})

export interface CephHealth {
  status: z.infer<typeof Severity>
  checks: Array<{ code: string; severity: z.infer<typeof Severity>; summary: string; detail: string[] }>
}

type Checks = Record<string, z.infer<typeof CheckSchema>>

function toHealth(health: { status: CephHealth['status']; checks: Checks }): CephHealth {
  return {
    status: health.status,
    checks: Object.entries(health.checks).map(([code, check]) => ({
      code,
      severity: check.severity,
      summary: check.summary.message,
      detail: (check.detail ?? []).map((line) => line.message),
    })),
  }
}

const Fields = { status: Severity, checks: z.record(z.string(), CheckSchema) }

export function readCephHealth(
  value: unknown,
  command = 'ceph health detail',
): { family: string; health: CephHealth } {
  const { family, data } = readFamilies(
    value,
    [
      // Luminous and Mimic still print the pre-Luminous fields beside the new ones; Nautilus dropped them.
      {
        family: 'luminous-mimic',
        schema: z
          .object({ ...Fields, overall_status: Severity, summary: z.array(z.unknown()) })
          .transform(toHealth),
      },
      { family: 'nautilus-tentacle', schema: z.object(Fields).transform(toHealth) },
    ],
    command,
  )
  return { family, health: data }
}
