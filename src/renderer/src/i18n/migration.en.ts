/** Strings of the migration sheet. */
export const migrationEn = {
  migration: {
    title: 'Migrate {{name}} from {{from}} to {{to}}',
    close: 'Close',
    stepFailover: 'Move the failover IP first',
    failoverDone:
      'I have moved the failover IP {{ip}} to {{to}} in the OVH manager (Dedicated servers › IP › Move), and waited for it: it can take more than 5 minutes.',
    noFailover: 'No failover IP is recorded for this VM: nothing to move.',
    ovhAsking: 'Asking OVH where the failover IP’s block routes…',
    ovhUnconfigured:
      'OVH is not configured in Hyperdesk, so the app cannot move the block: add the credentials in the OVH settings (kept in the OS keychain) or in ~/.ovh.conf (chmod 600), as OVH’s own tools read them. Meanwhile, move it by hand:',
    ovhNoBlock:
      'OVH lists no failover block holding {{ip}} on this account: check the failover IP view, or move it by hand:',
    ovhAlready: 'The block {{block}} already routes to {{to}} ({{server}}): nothing to move.',
    ovhBlock:
      'OVH moves whole blocks: {{block}} routes to {{server}} today and moves to {{to}} ({{toServer}}) with every address below.',
    ovhAddress: 'Address',
    ovhUsedBy: 'Used by',
    ovhCanMove: 'OVH says {{block}} can move to {{toServer}}.',
    ovhRefused: 'OVH refuses to move {{block}} to {{to}}:',
    ovhOthers:
      'I know moving {{block}} also moves these VMs’ addresses: {{others}}. They lose their route unless they run on {{to}} too.',
    ovhBlocked: {
      unmappedHost:
        '{{to}} has no OVH service name in the cluster file: set it in the host settings, or move {{block}} by hand.',
      duplicateMac:
        'The block {{block}} has duplicate virtual MACs: OVH refuses to move it until one is removed (see the failover IP view).',
      noBlock: 'No failover block found.',
    },
    ovhMode: {
      first:
        'Move {{block}} to {{to}}, follow OVH’s task until it is done, then migrate (the runbook’s order; it can take more than 5 minutes)',
      parallel: 'Migrate now and move {{block}} at the same time (the VM is unreachable until OVH is done)',
      manual: 'Do not move it from here: I move it in the OVH manager myself',
    },
    stopFollowing: 'Stop following OVH’s task',
    stopFollowingHint: 'OVH may still carry the move out after you stop following it.',
    ovhTask: 'OVH task {{taskId}}: {{status}} ({{seconds}} s)',
    blockMoved: 'The block {{block}} now routes to {{server}} (OVH task {{taskId}}).',
    blockAlready: 'The block {{block}} already routed to {{server}}.',
    blockNotMoved: 'The VM migrated, but its block did not move:',
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
    done: '{{name}} now runs on {{to}} ({{duration}}).',
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
