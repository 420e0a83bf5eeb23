/**
 * Job titles (`jobs.start({ title: msg('jobTitles.…') })`): the `jobTitles` area, shown in the jobs panel
 * and the sheets in the window's language; the core keeps the English for its log. French:
 * src/renderer/src/i18n/job-titles.fr.ts.
 */
export const JOB_TITLE_TEXTS = {
  migrate: 'Migrate {{vm}} to {{to}}',
  migrateWithBlock: 'Migrate {{vm}} to {{to}} with its failover block {{block}}',
  syncDefinition: "Sync {{vm}}'s definition from {{from}}",
  create: 'Create {{name}}',
  clone: 'Clone {{source}} to {{name}}',
  cleanupCreate: 'Clean up after “{{job, message}}”',
  delete: 'Delete {{vm}}',
  rename: 'Rename {{vm}} to {{name}}',
  edit: 'Edit {{vm}}',
  fenceStart: 'Fence {{lost}} and start {{vm}} on {{host}}',
  destroyFenced: 'Destroy the fenced copy of {{vm}} on {{host}}',
  setErrorPolicy: 'Pause {{vm}} on disk write errors',
  start: 'Start {{vm}} on {{host}}',
  shutdown: 'Shut down {{vm}} on {{host}}',
  forceOff: 'Force off {{vm}} on {{host}}',
  reboot: 'Reboot {{vm}} on {{host}}',
  grow: 'Grow {{image}}',
  shrink: 'Shrink {{image}}',
  deleteImage: 'Delete {{image}}',
  usedSpace: 'Used space of {{image}}',
  rollback: 'Roll {{image}} back to {{snapshot}}',
  upload: 'Upload {{name}}',
  eject: 'Eject the CD-ROM of {{vm}}',
  moveBlock: 'Move the failover block {{block}} to {{to}}',
  setSettings: "Change {{vm}}'s settings",
  maintenance: 'Maintenance of {{host}}',
} as const
