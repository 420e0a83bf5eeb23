import type { TFunction } from 'i18next'
import type { MigrationCheck } from '../../../../shared/migration'

/**
 * A pre-check's sentence in the user's language, from its key and values (shared/migration-checks.ts);
 * the core's English message when the check has no key (an older core) or the key is unknown.
 */
export function checkSentence(t: TFunction, check: MigrationCheck): string {
  const key = `migrationChecks.${check.text ?? ''}`
  return check.text ? t(key, { ...check.params, defaultValue: check.message }) : check.message
}
