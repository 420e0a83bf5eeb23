/** A migration refused or held by its pre-checks (src/main/core/migration/migrate.ts). */
export const MIGRATION_TEXTS = {
  refused: '{{name}} was not migrated: {{reasons, messages}}',
  refusedSyncHint: 'Sync the definition from {{from}}, then migrate again.',
  refusedHint: 'Fix what the checks say, then migrate again.',
  warnings: '{{name}}: confirm these warnings to migrate: {{reasons, messages}}',
  newWarnings: '{{name}}: new since the plan was accepted: {{reasons, messages}}',
  warningsHint: 'Migrate again with the warnings accepted.',
} as const

/**
 * What the app could not work out for the guest's network after a migration or in the console's
 * network helper (src/main/core/migration/follow-ups.ts). The failover IP is a VM setting: the VM
 * view's "Hyperdesk settings" records it on every host.
 */
export const FOLLOW_UP_TEXTS = {
  badFailoverIp:
    'The VM’s failover IP setting “{{value}}” is not an IPv4 address: correct it in the VM view, under Hyperdesk settings.',
  noFailoverIp:
    'No failover IP is recorded for this VM: check in the OVH manager which IP it uses, then record it in the VM view, under Hyperdesk settings (Failover IP).',
  noNewGateway:
    'The destination host has no gateway in the cluster file: add its "gateway" so Hyperdesk can give the guest’s new lines.',
  noOldGateway:
    'The source host has no gateway in the cluster file: the command replaces the route lines’ addresses ending in .254 (the runbook’s rule).',
  sameGateway: 'Both hosts have the same gateway in the cluster file: the guest needs no change.',
} as const
