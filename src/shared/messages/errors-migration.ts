/**
 * The errors of a live migration and its inputs (migration/): the `migrationErrors` area. The
 * pre-checks' own sentences are in migration-checks.ts. French:
 * src/renderer/src/i18n/errors-migration.fr.ts.
 */
export const MIGRATION_ERROR_TEXTS = {
  roleDestination: 'destination',
  roleSource: 'source',
  roleReference: 'reference',
  roleSyncSource: 'source of the definition',
  unknownHost: 'No host named “{{host}}” in the cluster file ({{role, message}}).',
  unknownHostHint: 'Known hosts: {{hosts, list}}.',
  noHostHint: 'The cluster file names no host yet.',
  invalidAddress: 'The migration address “{{value}}” is not a host name or an IP address.',
  invalidAddressHint: 'Correct the host’s migrationAddress in the cluster file.',
  vmNotFound: 'No VM with UUID {{uuid}} on any reachable host.',
  vmNotFoundHint: 'Refresh the inventory; check that the hosts are online.',
  sameHost: '{{name}} would migrate from {{host}} to itself: choose another destination.',
  stillOnSource: '{{name}} is still running on {{from}}.',
  movedAfterAll: '{{name}} runs on {{to}} after all: check it there.',
  whereUnknown: 'Could not confirm where {{name}} runs now: look at both hosts before doing anything else.',
  cancelled: 'Migration of {{name}} to {{to}} cancelled (virsh domjobabort on {{from}}). {{state, message}}',
  timedOut:
    'Migration of {{name}} from {{from}} to {{to}} did not finish within {{seconds}} s and was aborted. {{state, message}}',
  timedOutHint:
    'The guest writes memory faster than it can be copied: migrate with more bandwidth, a longer timeout, or when it is quieter.',
  failed: 'Migration of {{name}} from {{from}} to {{to}} failed on {{from}}. {{state, message}}',
  libvirtLogShown:
    'What the host said ends with the lines of {{host}}’s {{log}} since the migration started.',
  libvirtLogManual:
    'libvirt’s real reason is in {{host}}’s {{log}} (root only): run “tail -n 50 {{log}}” as root on {{host}}, or let Hyperdesk read it — as root on {{host}}:\n{{fix}}',
  unknownOutcome:
    'Lost the connection to {{from}} during the migration of {{name}} and could not read the outcome.',
  unknownOutcomeHint:
    'When {{from}} is reachable, look where {{name}} runs (refresh the inventory) before doing anything else.',
  notCompleted:
    'The migration of {{name}} did not complete (the connection to {{from}} dropped): {{name}} is still running on {{from}}.',
  runsOnBoth: 'After the lost connection, {{name}} runs on both {{from}} and {{to}}: check both hosts now.',
  runsOnNeither: 'After the lost connection, {{name}} runs on neither host: check both hosts now.',
} as const
