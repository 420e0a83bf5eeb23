import { z } from 'zod'
import { KeyboardLayoutSchema } from './keyboard'
import { FollowUpsSchema } from './migration'
import { IPV4_PATTERN, Ipv4Schema } from './validators'

export { IPV4_PATTERN }

/**
 * Hyperdesk's per-VM settings, kept in the definition's <metadata> so they sync with it on every host.
 * null removes a setting; an absent key leaves it as it is.
 */
export const VmSettingsSchema = z
  .object({
    failoverIp: Ipv4Schema.nullable().optional(),
    keyboardLayout: KeyboardLayoutSchema.nullable().optional(),
  })
  .strict()
  .refine((settings) => Object.keys(settings).length > 0, 'give at least one setting to change')
export type VmSettings = z.infer<typeof VmSettingsSchema>

/** The guest's network lines for the host it runs on now, and the safe sequence to fix its gateway. */
export const NetworkPlanSchema = FollowUpsSchema.extend({ host: z.string(), vmName: z.string() })
export type NetworkPlan = z.infer<typeof NetworkPlanSchema>
