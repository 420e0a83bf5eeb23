/**
 * The errors and outcomes of a host maintenance (maintenance/): the `maintenanceErrors` area. The
 * steps' own sentences are in maintenance-steps.ts. French: src/renderer/src/i18n/errors-maintenance.fr.ts.
 */
export const MAINTENANCE_ERROR_TEXTS = {
  statusRunning: 'running',
  statusInterrupted: 'interrupted',
  statusFailed: 'failed',
  statusCancelled: 'cancelled',
  statusDone: 'done',
  inProgress:
    'The maintenance of {{host}} is {{status, message}}: resume or abort it before starting another.',
  notResumable:
    'The maintenance of {{host}} is {{status, message}}: only an interrupted or failed one can be resumed.',
  notWaiting: 'The maintenance of {{host}} is not waiting for a reboot.',
  unknown: 'No maintenance {{id}}: it may have been replaced by a newer one.',
  hostUnreadable: '{{host}} could not be read before this step: {{step, message}}.',
  vmsLeft: '{{vms, list}} still on {{host}}: migrate or shut them down, then resume.',
  rebootFailed: 'The reboot command failed on {{host}} (exit {{exit}}): {{command}}',
  rebootFailedHint:
    'Fix the command (cluster file: maintenance.rebootCommand) or reboot the host yourself, then resume.',
  pgsNotClean: 'After {{minutes}} min Ceph is still not clean: {{state, message}}',
  pgsNotCleanHint: 'Look at the Ceph panel (OSDs down?), then resume; noout stays set meanwhile.',
  noDestination: 'No other host is online to take {{vm}} from {{host}}.',
  noDestinationHint: 'Reconnect another host first.',
  badDestination: 'A VM cannot be moved to {{host}}, the host going into maintenance ({{uuid}}).',
  cancelled: 'Maintenance of {{host}} cancelled during: {{step, message}}',
  rebootTimeout: '{{host}} did not go offline and come back within {{minutes}} min after the reboot command.',
  rebootTimeoutHint: 'Look at the host (console, OVH manager), then resume or abort.',
  libvirtDown: '{{host}} is back but libvirtd does not answer (virsh uri) after 2 min.',
  libvirtDownHint: 'Start libvirtd on the host, then resume.',
  abortedNoNoout: 'Aborted; noout was not set by this maintenance.',
  abortedNooutKept: 'Aborted; noout kept as asked: unset it in the Ceph panel when the host is back.',
  abortedNooutUnset: 'Aborted; noout unset ({{command}} on {{on}}).',
} as const
