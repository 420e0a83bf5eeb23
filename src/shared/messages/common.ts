/**
 * Messages any area can use: a host command that failed (its output travels as the message's
 * `detail`), a value that failed validation, an operation refused with a reason.
 */
export const COMMON_TEXTS = {
  hostCommandFailed: '{{command}} failed on {{host}}.',
  hostCommandTimedOut: '{{command}} did not answer on {{host}} within {{seconds}} s.',
  invalidValue: '{{field}} is not valid: {{problem, message}}',
  /** The error's own words (a library's, in English) are its detail. */
  internal: 'Hyperdesk hit an internal error (its words below).',
  /** A cause that is a library's or the system's error: its words are the detail. */
  failedSaidBelow: 'an error, quoted below',
  /** English from a part of the core not converted to messages yet (unmarked in the pseudo-locale). */
  untranslated: '{{text}}',
  itemCount: { one: '{{count, number}} item', other: '{{count, number}} items' },
  vmCount: { one: '{{count, number}} VM', other: '{{count, number}} VMs' },
} as const
