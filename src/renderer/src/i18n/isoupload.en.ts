/** Install media (issue 19 item 1): the wizard's ISO upload and the VM view's eject, in English. */
export const isoUploadEn = {
  isoUpload: {
    open: 'Upload an ISO…',
    title: 'Upload an ISO to every host',
    intro:
      'The file goes into the images pool of every host through libvirt; its SHA-256 is compared on each host. If anything fails, nothing is left on any host.',
    file: 'File',
    name: 'Name on the hosts',
    nameHelp: 'ASCII letters, digits, “.”, “_” and “-”, ending in .iso.',
    nameSuffix: 'The name must end with .iso.',
    sha: 'Expected SHA-256 (optional)',
    shaPlaceholder: 'from the distributor’s SHA256SUMS',
    shaInvalid: 'A SHA-256 is 64 hexadecimal digits.',
    start: 'Upload to every host',
    close: 'Close',
    preparing: 'Checking the images pool on every host…',
    sending: 'Sending: {{sent}} of {{size}}',
    verifying: 'Checking the SHA-256 on every host…',
    cancel: 'Cancel the upload',
    done: '{{name}} is on {{hosts}}, and chosen as the install medium.',
    hostChecked: 'SHA-256 compared: as sent',
    hostSkipped: 'already had it with the same SHA-256: skipped',
    failed: 'The upload was refused or failed.',
  },
  vmEject: {
    offer:
      'Its CD-ROM still holds {{isos}}: a migration needs that ISO on the destination. Once the system is installed, eject it.',
    open: 'Eject the CD-ROM…',
    title: 'Eject the CD-ROM of {{name}}',
    explain:
      'Empties its CD-ROM ({{isos}}) in the definition on every host that defines {{name}} ({{hosts}}). A migration then no longer needs the ISO on the destination.',
    live: '{{name}} runs on {{host}}: the drive is emptied there at once too (if the guest locked it, it empties at the next start).',
    confirm: 'Eject',
    cancel: 'Cancel',
    ejecting: 'Ejecting the CD-ROM of {{name}}…',
    failed: 'The CD-ROM could not be ejected.',
    fromMigration: 'Eject the CD-ROM…',
  },
}
