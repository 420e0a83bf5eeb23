/**
 * The errors of a VM's power actions, fencing and settings (vm/), with a start's refusals: the
 * `vmErrors` area. French: src/renderer/src/i18n/errors-vm.fr.ts.
 */
export const VM_ERROR_TEXTS = {
  invalidUuid: 'Not a VM UUID: “{{value}}”.',
  unknownHost: 'No host named “{{host}}” in the cluster file.',
  unknownVm: 'No host defines a VM with UUID {{uuid}}.',
  notDefinedOn: 'The VM {{uuid}} is not defined on {{host}}.',
  notDefinedOnHint: 'Sync its definition to this host first.',
  startRefused: '{{name}} was not started on {{host}}: {{reasons, messages}}',
  startRefusedFenceHint:
    'Fence the unreachable host first (confirm it is off or isolated): the app blocklists its clients of the disks, then starts.',
  // {{why}}: the host's last error as a message (a timed-out step, a refused connection…), its
  // output the detail — never the command line.
  refusedUnreachable: '{{host}} cannot be reached ({{why, message}}): {{name}} might be running there.',
  noAnswer: 'it does not answer',
  refusedFencedCopy: 'A fenced copy of {{name}} is still on {{host}} ({{state}}): destroy it there first.',
  refusedAlreadyRunning: '{{name}} is already running on {{host}}.',
  refusedRunningElsewhere:
    '{{name}} is running on {{host}}: starting it on {{target}} would run it twice on one disk.',
  refusedManagedSave:
    '{{name}} has a saved memory image on {{host}}; it would resume over a disk that may have changed since. Remove it there (virsh managedsave-remove) or start it on {{host}}.',
  refusedImageInUse:
    'The disk {{image}} is open by {{addresses, list}}: a QEMU somewhere still uses it. A watch that expires only proves its host lost Ceph for now: fence that host first.',
  refusedImageLocked:
    'The disk {{image}} is locked by the QEMU client {{owner}}: it runs somewhere, or ran on a host that was lost (fence that host).',
  refusedDefinitionUnreadable:
    '{{name}}’s definition on {{host}} could not be read: its disks, and who uses them, are unknown.',
  refusedVolume:
    '{{name}}’s disk {{target}} is the volume {{volume}} of the libvirt storage pool {{pool}}, {{why, message}}: Hyperdesk cannot check who has it open. Define it as a network disk (<source protocol="rbd" name="POOL/IMAGE">), or start the VM by hand after checking.',
  // One refusal per disk: a local disk is not the same disk on another host.
  refusedLocalDiskMissing:
    '{{name}}’s disk {{target}} ({{file}}) is missing on {{host}}: it is a file on a host’s own disk, not on Ceph, and each host has its own. Start {{name}} on the host that holds it, or move the file to the same path on {{host}} first.',
  refusedBackingFileMissing:
    '{{name}}’s disk {{target}} ({{file}}) is built on the backing file {{backing}}, which is missing on {{host}}: QEMU opens every file of a disk’s backing chain, and each host has its own. Copy it to the same path on {{host}} first, or start {{name}} on the host that holds the whole chain.',
  refusedPoolMissing:
    '{{name}}’s disk {{target}} is the volume {{volume}} of the libvirt storage pool {{pool}}, which {{host}} does not define: define and start that pool on {{host}} (virsh pool-define, pool-start), or start {{name}} on a host that has it.',
  refusedLocalVolumeMissing:
    '{{name}}’s disk {{target}} is the volume {{volume}} of the local storage pool {{pool}}, which {{host}} cannot find there: a local pool is each host’s own. Create the volume there (or start the pool and refresh it: virsh pool-refresh {{pool}}), or start {{name}} on the host that holds it.',
  // libvirt lists a volume until its pool is refreshed, even once its file is gone: vol-path finds it.
  refusedLocalVolumeFileMissing:
    '{{name}}’s disk {{target}} is the volume {{volume}} of the local storage pool {{pool}}, whose file {{path}} is missing on {{host}}: libvirt still lists the volume (the pool was not refreshed since the file went), but QEMU cannot open it. Put the file back at {{path}} on {{host}}, or run virsh pool-refresh {{pool}} there and create the volume again, or start {{name}} on the host that holds it.',
  refusedLocalVolumeUnanswered:
    '{{name}}’s disk {{target}} is the volume {{volume}} of the local storage pool {{pool}}, and {{host}} did not say where its file is: start {{name}} again once {{host}} answers.',
  poolNameRefused: 'whose name Hyperdesk will not pass to virsh',
  poolUnreadable: 'which cannot be read on {{host}} ({{reason}})',
  poolDefinitionUnreadable: 'whose definition cannot be read',
  poolRbdName: 'an RBD image whose name ({{image}}) Hyperdesk cannot pass to rbd',
  poolShared: 'a {{type}} pool, shared storage without watchers to read',
  shutdownWaitStopped: 'Stopped waiting for the shutdown of {{name}}.',
  confirmForceOff: 'To force {{name}} off, confirm with its exact name.',
  noCephReader: 'No host answers: Ceph cannot be asked from anywhere.',
  fenceSameHost: 'The VM cannot start on the host being fenced ({{host}}).',
  confirmFence: 'To fence {{host}} and start {{name}}, confirm with its exact name.',
  fenceRefused: 'Fencing {{host}} for {{name}} is refused: {{reasons, messages}}',
  fenceLiveWatcher:
    'Disks still open: {{watchers, list}}. Fencing cuts the disk of a running VM: confirm that separately.',
  fenceNeedsWholeIp:
    'No client address of {{host}} is known for {{name}}’s disks: only fencing its whole IP ({{ips, list}}) can stop it. Choose that step explicitly.',
  fenceNotConfirmed:
    'The blocklist does not list {{addresses, list}} after adding it: {{name}} was not started.',
  fenceAddFailed:
    '{{address}} ({{lostHost}}) could not be blocklisted through {{host}}: {{why, message}} No lock was released and {{name}} was not started. Already in the blocklist: {{added, list}}.',
  fenceAddFailedNoEntry:
    '{{address}} ({{lostHost}}) could not be blocklisted through {{host}}: {{why, message}} No entry was added, no lock released, and {{name}} was not started.',
  fenceAddFailedHint:
    'Fix what stopped the add, then fence {{host}} again: entries already in are added again and recorded with the fence.',
  fenceNone: 'No fence of {{host}} is recorded for this VM.',
  confirmDestroyCopy: 'To destroy the fenced copy of {{name}}, confirm with its exact name.',
  fencedHostUnreachable: '{{host}} does not answer: its fenced copy cannot be destroyed yet.',
  fencedCopyStillRuns: '{{name}} still runs on {{host}} after virsh destroy: the blocklist entries stay.',
  settingsPartial: '{{name}}’s settings were written on {{done, list}} but not on {{failed, list}}.',
  settingsNone: '{{name}}’s settings were written on no host (not on {{failed, list}}).',
  settingsPartialHint:
    'Its definitions now differ: once the host is back, sync the definition from a written host (VM view › Definitions).',
} as const
