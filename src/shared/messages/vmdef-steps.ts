/**
 * What the jobs that create, clone, edit, rename, delete a VM and upload an ISO say in their steps
 * and log lines, in English: the `vmdefSteps` area of the catalog (the jobs' shared steps are in
 * job-steps.ts). French in src/renderer/src/i18n/vmdef-steps.fr.ts.
 */
export const VMDEF_STEP_TEXTS = {
  checkOk: 'ok: {{check, message}}',
  checkInfo: 'info: {{check, message}}',
  checkWarn: 'warn: {{check, message}}',
  checkFail: 'fail: {{check, message}}',
  checkUnknown: 'unknown: {{check, message}}',
  checkingHostsAndSource: 'Checking every host and the source',
  snapshotting: 'Snapshotting {{image}} ({{snapshot}})',
  flattening: 'Flattening {{image}}',
  createdNotStarted: 'The VM was created on every host but did not start on {{host}}: {{error, message}}',
  normalisedDifferently:
    'The hosts normalised the definition differently (libvirt versions differ): the VM view shows which lines.',
  notThere: '{{what}}: not there',
  removed: '{{what}}: removed',
  notRemoved: '{{what}}: could not remove: {{error, message}}',
  notDefinedThere: '{{host}}: not defined there',
  undefinedOn: '{{host}}: undefined',
  notUndefined: '{{host}}: could not undefine: {{error, message}}',
  notTagged: "{{image}}: not removed, it does not carry this job's tag ({{meta}})",
  notDefinedAgain: '{{host}}: could not define {{name}} again: {{error, message}}',
  imagesToRename: 'Images to rename: {{images}}',
  restored: '{{host}}: {{name}} restored',
  notRestored: '{{host}}: could not restore {{name}}: {{error, message}}',
  notRenamedBack: '{{image}}: could not rename back: {{error, message}}',
  definingEdited: '{{host}}: defining the edited {{name}}',
  autostartOn: '{{host}}: autostart on',
  autostartOff: '{{host}}: autostart off',
  liveChange: '{{host}}: {{command}} on the running {{name}}',
  liveFailedBecause: '{{failed, message}} ({{why}})',
  previousNotBack: '{{host}}: could not define the previous {{name}} back: {{error, message}}',
  ejecting: 'Ejecting {{target}} of {{name}} on {{host}}',
  ejectingLive: 'Ejecting {{target}} of {{name}} on {{host}} (live too)',
  isoCheckingPool: 'Checking the images pool {{pool}} on {{hosts}}',
  isoCreating: 'Creating {{name}} ({{size, size}}) in {{pool}} on {{host}}',
  isoSending: 'Sending {{name}} to {{hosts}}',
  isoChecking: 'Checking the SHA-256 of {{name}} on {{hosts}}',
  isoChecksumOk: 'SHA-256 on {{host}}: {{sha256}}, as sent.',
  isoDeleting: 'Deleting {{name}} from {{pool}} on {{host}}',
} as const
