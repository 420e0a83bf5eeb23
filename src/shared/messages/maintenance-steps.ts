/**
 * What a maintenance's steps say they did or wait for (shown under each step and written in the
 * job's log), in English: the `maintenanceSteps` area. French in
 * src/renderer/src/i18n/maintenance-steps.fr.ts.
 */
export const MAINTENANCE_STEP_TEXTS = {
  blockNotMoved: '{{vm}} no longer runs on {{host}} nor on {{to}}: its block {{block}} was not moved.',
  noOvhAccess: 'This app has no access to OVH to move {{block}}: configure OVH, then resume.',
  ovhTask: 'OVH task {{task}}: {{status}}',
  blockMoved: '{{block}} now routes to {{to}} ({{service}}, OVH task {{task}}).',
  blockAlreadyThere: '{{block}} already routes to {{to}} ({{service}}): nothing to move.',
  stoppedHere: 'Stopped here (cancelled): resume to run it again.',
  abortedHere: 'Aborted here.',
  alreadyOn: '{{vm}} already runs on {{to}}.',
  noLongerOn: '{{vm}} no longer runs on {{host}} (it runs on {{where}}): nothing to migrate.',
  noLongerRunning: '{{vm}} no longer runs on {{host}} (it is not running): nothing to migrate.',
  migrated: '{{vm}} migrated from {{host}} to {{to}} in {{seconds}} s.',
  nooutAlready: 'noout was already set by this maintenance.',
  nooutSetOn: '{{command}} (on {{on}}). {{reason, message}}',
  nooutClusterWide: '{{command}} (on {{on}}): this Ceph has no osd set-group, so noout is cluster-wide.',
  nooutNotSet: 'noout was not set by this maintenance.',
  nooutUnsetOn: '{{command}} on {{on}}.',
  rebootSent: 'Reboot command sent ({{command}}); waiting for {{host}} to go offline and come back.',
  rebootNow:
    'Reboot {{host}} now (its VMs are gone and noout is set). Waiting for {{host}} to go offline and come back.',
  wentOffline: '{{host}} went offline ({{status}}); waiting for it to come back.',
  rebooted: '{{host}} rebooted (new boot id) and is back online.',
  notRebootedYet:
    '{{host}} was never seen offline and its boot id is unchanged: it has not rebooted yet. Reboot it, then confirm again.',
  pgsClean: 'All {{total}} PGs active+clean, {{up}}/{{all}} OSDs up (read on {{on}}).',
  waitingCeph: 'Waiting for Ceph: {{up}}/{{all}} OSDs up; PGs: {{states}}.',
  waitingCephNoPgs: 'Waiting for Ceph: {{up}}/{{all}} OSDs up; PGs: none reported.',
} as const
