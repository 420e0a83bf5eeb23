/** A migration refused or held by its pre-checks (src/main/core/migration/migrate.ts). */
export const MIGRATION_TEXTS = {
  refused: '{{name}} was not migrated: {{reasons, messages}}',
  refusedSyncHint: 'Sync the definition from {{from}}, then migrate again.',
  refusedHint: 'Fix what the checks say, then migrate again.',
  warnings: '{{name}}: confirm these warnings to migrate: {{reasons, messages}}',
  newWarnings: '{{name}}: new since the plan was accepted: {{reasons, messages}}',
  warningsHint: 'Migrate again with the warnings accepted.',
} as const
