import { z } from 'zod'
import { KeyboardLayoutSchema } from './keyboard'
import { FollowUpsSchema } from './migration'

/** A dotted IPv4 address, each part 0–255 (the form checks it as the user types, the core on receipt). */
export const IPV4_PATTERN = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/

/**
 * Hyperdesk's per-VM settings, kept in the definition's <metadata> so they sync with it on every host.
 * null removes a setting; an absent key leaves it as it is.
 */
export const VmSettingsSchema = z
  .object({
    failoverIp: z
      .string()
      .regex(IPV4_PATTERN, 'must be an IPv4 address such as 87.98.165.65')
      .nullable()
      .optional(),
    keyboardLayout: KeyboardLayoutSchema.nullable().optional(),
  })
  .strict()
  .refine((settings) => Object.keys(settings).length > 0, 'give at least one setting to change')
export type VmSettings = z.infer<typeof VmSettingsSchema>

/** The guest's network lines for the host it runs on now, and the safe sequence to fix its gateway. */
export const NetworkPlanSchema = FollowUpsSchema.extend({ host: z.string(), vmName: z.string() })
export type NetworkPlan = z.infer<typeof NetworkPlanSchema>
