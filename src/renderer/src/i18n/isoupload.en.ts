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
    eject: 'Eject the CD-ROM',
    ejecting: 'Ejecting…',
    failed: 'The CD-ROM could not be ejected.',
  },
}
