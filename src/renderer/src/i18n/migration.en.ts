/** Strings of the migration sheet. */
export const migrationEn = {
  migration: {
    title: 'Migrate {{name}} from {{from}} to {{to}}',
    close: 'Close',
    stepFailover: 'Move the failover IP first',
    failoverDone:
      'I have moved the failover IP {{ip}} to {{to}} in the OVH manager (Dedicated servers › IP › Move), and waited for it: it can take more than 5 minutes.',
    noFailover: 'No failover IP is recorded for this VM: nothing to move.',
    stepChecks: 'Pre-checks',
    checkAgain: 'Check again',
    checking: 'Checking…',
    acceptWarnings: 'Migrate despite the warnings above.',
    stepConfirm: 'Migrate',
    confirm: 'Migrate {{name}} to {{to}} now',
    blocked: 'A check failed: fix it, then check again.',
    processed: 'transferred',
    remaining: 'remaining',
    cancel: 'Cancel the migration',
    failed: '{{name}} was not migrated: it still runs on {{from}}.',
    cancelled: 'Migration cancelled: {{name}} still runs on {{from}}.',
    done: '{{name}} now runs on {{to}} ({{seconds}} s).',
    followUps: 'Now, in the guest',
    checkFailover: 'Check that the failover IP {{ip}} answers on {{to}}.',
    changeGateway:
      'Change its default gateway from {{old}} to {{new}}: type these lines as root in its console.',
    interfacesAfter: 'Afterwards, /etc/network/interfaces reads:',
    migrateTo: 'Migrate to',
    migrate: 'Migrate…',
    bandwidth: 'Cap the migration’s bandwidth (optional):',
    bandwidthUnit: 'MiB/s',
    bandwidthInvalid: 'The cap is a whole number of MiB/s from 1 to {{max}}, or empty for none.',
  },
}
