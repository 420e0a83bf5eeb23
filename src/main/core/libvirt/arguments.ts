import type { z } from 'zod'
import { ApiError } from '../../../shared/errors'
import { msg } from '../../../shared/messages/message'
import { isWholeArgument, validatorMeta } from '../../../shared/validators'

/**
 * How libvirt's object modules (domain.ts, host.ts) refuse a value: before anything is sent, with
 * the validator's name, so a caller cannot hand an unchecked string to a host even by mistake.
 */

/** A value as its validator accepts it, or an error naming the validator (nothing is sent). */
export function checked(schema: z.ZodType<string>, value: string): string {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  const what = validatorMeta(schema)?.validator ?? 'value'
  const problem = result.error.issues[0]?.message ?? 'refused'
  throw ApiError.of(
    'remote.unsafe-argument',
    msg('coreErrors.badArgument', { value: JSON.stringify(value), what, problem }),
    {
      step: msg('errorSteps.buildVirshCommand'),
      hint: msg('coreErrors.nothingSentHint'),
    },
  )
}

/** A name read from a host (a disk target, a pool): one argument, never an option or a control. */
export function argument(what: string, value: string): string {
  return isWholeArgument(value) ? value : refuse(what, value)
}

export function refuse(what: string, value: string): never {
  throw ApiError.of(
    'remote.unsafe-argument',
    msg('coreErrors.badArgumentPlain', { value: JSON.stringify(value), what }),
    {
      step: msg('errorSteps.buildVirshCommand'),
      hint: msg('coreErrors.nothingSentHint'),
    },
  )
}
