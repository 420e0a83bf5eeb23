/**
 * The sentences of the guards (typed-name confirmations, definition sync onto a running
 * host, maintenance re-confirmations), in English with {{placeholders}}. The core writes an error's
 * `message` from here and puts the key and parameters in `details.text` / `details.params`; the UI
 * shows the same sentence in the user's language (i18n/guards.fr.ts translates every key). Parameters
 * named `since`, `until` or ending in `At` are times (ms since the epoch), formatted by the reader.
 */
export const GUARD_TEXTS = {
  confirmNameMismatch: 'The name typed ({{typed}}) is not {{expected}}: nothing was changed.',
  safetySnapshotConsent:
    '{{snapshot}} is the safety snapshot Hyperdesk took before a {{reason}} of {{image}} on {{takenAt}}: it holds the disk as it was before that {{reason}}. Deleting it needs the second consent.',
  syncRunningHost:
    '{{name}} runs on {{host}}: its definition there changes only at its next power-off and start. Confirm by naming {{host}}.',
  maintenanceNotRebooted:
    '{{host}} dropped its connection and is back, but its boot id did not change: it did not reboot. Still waiting for the reboot; noout stays set.',
} as const

export type GuardText = keyof typeof GUARD_TEXTS
export type GuardParams = Record<string, string | number>

function renderParam(name: string, value: string | number | undefined): string {
  if (value === undefined) return ''
  if (typeof value === 'number' && (name === 'since' || name === 'until' || name.endsWith('At')))
    return new Date(value).toISOString().replace('T', ' ').slice(0, 19) + ' UTC'
  return String(value)
}

/** The English sentence (logs, audit lines, the error's message). */
export function guardMessage(text: GuardText, params: GuardParams): string {
  return GUARD_TEXTS[text].replace(/\{\{(\w+)\}\}/g, (_, name: string) => renderParam(name, params[name]))
}

/** An error's details carrying its sentence's key, for the UI to translate. */
export function guardDetails(text: GuardText, params: GuardParams, extra: Record<string, unknown> = {}) {
  return { text, params, ...extra }
}
