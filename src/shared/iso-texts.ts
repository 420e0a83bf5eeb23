/**
 * The sentences of install media (issue 19 item 1: upload an ISO to every host, eject it after the
 * install), in English: the `iso` area of the message catalog. French: i18n/iso.fr.ts.
 */
export const ISO_TEXTS = {
  // Pre-checks of an upload (before anything is created).
  nameRule: 'The ISO name {{name}} {{problem}}.',
  hostOffline:
    '{{host}} does not answer ({{status, message}}): the ISO goes to every host, so every host must answer.',
  poolReady: 'The images pool {{pool}} is active on {{host}} ({{path}}).',
  poolMissing:
    'The images pool {{pool}} is not defined on {{host}}: define it there (virsh pool-define-as {{pool}} dir --target /var/lib/libvirt/images; virsh pool-start {{pool}}; virsh pool-autostart {{pool}}), or set imagesPool in the cluster file.',
  poolInactive: 'The images pool {{pool}} is not started on {{host}}: virsh pool-start {{pool}}.',
  poolUnreadable: 'Could not read the images pool {{pool}} on {{host}}.',
  nameFree: 'No host has {{name}} in {{pool}} yet.',
  namePresent:
    '{{name}} already exists in {{pool}} on {{hosts, list}}: choose another name, or choose that ISO in the wizard.',
  namePresentSame:
    '{{host}} already has {{name}} in {{pool}}, of the same size: it is skipped if its SHA-256 is the upload’s, and never overwritten.',
  namePresentOther:
    '{{host}} already has a different {{name}} in {{pool}} ({{found, size}}, not {{size, size}}): it is not overwritten. Delete it there (virsh vol-delete --pool {{pool}} {{name}}) or choose another name.',
  space: '{{host}} has {{free, size}} free in {{pool}} for {{size, size}}.',
  spaceShort: '{{host}} has {{free, size}} free in {{pool}}, less than the ISO’s {{size, size}}.',
  // The job.
  refused: {
    one: 'Nothing was uploaded: {{count, number}} check failed.',
    other: 'Nothing was uploaded: {{count, number}} checks failed.',
  },
  stepCheck: 'checking the images pool',
  stepCreate: 'creating the volume (vol-create-as)',
  stepSend: 'sending the data (vol-upload)',
  stepVerify: 'checking the SHA-256 (vol-download)',
  failedUndone:
    'Uploading {{name}} failed on {{host}} while {{step, message}}. The volumes this job had created were deleted: nothing is left on any host.',
  failedRemains:
    'Uploading {{name}} failed on {{host}} while {{step, message}}, and the undo could not delete it on {{remains, list}}: delete it there (virsh vol-delete --pool {{pool}} {{name}}).',
  cancelledUndone:
    'Upload of {{name}} cancelled. The volumes this job had created were deleted: nothing is left on any host.',
  cancelledRemains:
    'Upload of {{name}} cancelled, and the undo could not delete it on {{remains, list}}: delete it there (virsh vol-delete --pool {{pool}} {{name}}).',
  checksumDiffers: 'The SHA-256 of {{name}} on {{host}} is {{found}}, not {{sent}} as sent.',
  expectedDiffers:
    'The file sent has the SHA-256 {{sent}}, not the expected {{expected}}: it is not the file you meant (or it was damaged on the workstation).',
  sizeDiffers: '{{received, size}} arrived where {{size, size}} were announced.',
  clientStopped: 'The window stopped sending {{name}} (nothing for {{seconds}} s).',
  chunkOutOfOrder: 'A piece of {{name}} arrived at byte {{offset}} where byte {{received}} was expected.',
  hostFailed: '{{host}} failed',
  unknownJob: 'No upload {{job}} is waiting for data: it ended or never started.',
  ended: 'The upload of {{name}} has ended: no more data is taken.',
  uploaded: '{{name}} ({{size, size}}, SHA-256 {{sha256}}) is in {{pool}} on {{hosts, list}}.',
  checksumSame: 'SHA-256 on {{host}}: {{sha256}}, as sent.',
  presentSkipped: '{{host}} already had {{name}} with the same SHA-256: skipped.',
  presentDiffers:
    '{{hosts, list}} already had a different {{name}} (not the SHA-256 {{sent}} of the file sent): it was not overwritten, and the copies this job made on the other hosts were deleted. Delete it there (virsh vol-delete --pool {{pool}} {{name}}) or choose another name.',
  // Ejecting the install medium.
  ejectNothing: '{{name}} has no CD-ROM with a medium on any host: nothing to eject.',
  ejectUnreachable:
    '{{host}} defines {{name}} and does not answer: its definition would keep the ISO. Try again once it answers.',
  ejectFailed: 'Ejecting the CD-ROM of {{name}} failed on {{host}}.',
  ejected: 'The CD-ROM of {{name}} ({{targets, list}}) is empty in the definition on {{hosts, list}}.',
  ejectedLive: 'It was also ejected from the running VM on {{host}}.',
  ejectLiveRefused:
    'libvirt did not eject it from the running VM on {{host}}: the definition is empty, and the drive empties when {{name}} next starts.',
} as const
