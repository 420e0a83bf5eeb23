/**
 * The sentences of VM creation and deletion (checks and failures), in English: the `vmdef` area of
 * the message catalog (shared/messages/catalog.ts). The window renders them in its language
 * (i18n/vmdef.fr.ts); the core renders the English for its logs and errors.
 */
export const VMDEF_TEXTS = {
  hostOnline: '{{host}} is online.',
  hostOffline:
    '{{host}} does not answer ({{status, message}}): a new VM is defined on every host, so every host must answer. Connect it first.',
  hostUnreadable: 'Could not run the checks on {{host}}.',
  poolUnknown: '{{pool}} is not one of the cluster file’s pools ({{pools, list}}).',
  poolSpace: '{{pool}} has {{free, size}} available; the disk is {{size, size}} (RBD images are thin).',
  poolSpaceShort:
    '{{pool}} has {{free, size}} available, less than the disk’s {{size, size}}: writes would fail once it is full.',
  poolSpaceUnknown: 'Could not read {{pool}}’s free space.',
  nameFree: 'No host defines a VM named {{name}}.',
  nameUsed: '{{name}} is already defined on {{host}} (UUID {{uuid}}): choose another name.',
  imageFree: 'No image {{pool}}/{{name}} exists yet (the VM’s disk takes its name).',
  imageExists: 'An image {{pool}}/{{name}} already exists: choose another name, or delete that image first.',
  imageUnreadable: 'Could not check whether {{pool}}/{{name}} exists.',
  macFree: 'MAC {{mac}} is used by no definition on any host.',
  macGenerated: 'MAC {{mac}} generated: no definition on any host uses it.',
  macUsed: 'MAC {{mac}} is already used by {{vm}} on {{host}}: each VM needs its own.',
  macUnconfirmed:
    'The definition of {{vm}} on {{host}} could not be read: the MAC cannot be confirmed unique.',
  bridgePresent: 'Bridge {{bridge}} is present on every host.',
  bridgeMissing: 'The bridge {{bridge}} is missing on {{hosts, list}}.',
  bridgeUnchecked: 'The bridge {{bridge}} could not be checked: {{hosts, list}} did not answer.',
  isoPresent: '{{iso}} is present on every host.',
  isoMissing: '{{iso}} is missing on {{hosts, list}}: put it on every host first.',
  noIso: 'No install medium: the CD-ROM drive is left empty.',
  isoUnchecked: '{{iso}} could not be checked: {{hosts, list}} did not answer.',
  secretSame: 'Ceph secret {{uuid}} is defined, with a value, on every host.',
  secretNone:
    'No Ceph secret (usage type ceph) is defined on {{host}}: define the cluster’s secret there (virsh secret-define, secret-set-value).',
  secretDiffers:
    'The Ceph secret differs between hosts: {{host}} has {{found}}, {{reference}} has {{uuid}}. Define the same UUID on every host.',
  secretNoValue:
    'The Ceph secret {{uuid}} has no usable value on {{host}}: set it with virsh secret-set-value.',
  domainType: '{{type}} domains are offered by every host.',
  domainTypeMissing: '{{host}} does not offer {{type}} domains.',
  kvmMissing: '{{host}} does not offer KVM: the VM would run without acceleration. Use KVM hosts.',
  machine: 'Machine type {{machine}}: offered by every host (pc is {{pcs}}).',
  machineNone:
    'No versioned i440fx machine type is offered by every host (pc is {{pcs}}): the VM could not migrate between them.',
  memory: '{{host}} has {{available, mib}} available; {{name}} needs {{need, mib}}.',
  memoryShort:
    'Not enough memory on {{host}}: {{name}} needs {{need, mib}}; {{host}} has {{available, mib}} available.',
  memoryUnknown: 'Could not read {{host}}’s free memory.',
  memoryNotStarted: '{{name}} is not started by this job: memory is checked when it starts.',
  // Failures of the jobs.
  refused: {
    one: 'Nothing was created for {{name}}: {{count, number}} check failed.',
    other: 'Nothing was created for {{name}}: {{count, number}} checks failed.',
  },
  stepFailed: '“{{step}}” failed on {{host}}',
  failedUndone:
    'Creating {{name}} failed ({{cause, message}}). Everything this job had made was removed again.',
  failedRemains:
    'Creating {{name}} failed ({{cause, message}}). The undo could not remove the definition on {{hosts, list}} nor the images {{images, list}}: use “Clean up” once the hosts answer.',
  readBackDiffers: '{{host}} reads back another definition than the one sent ({{fields, list}}).',
  imageCreateFailed: 'rbd could not create {{image}}.',
  cleanupDone: 'Removed what the creation of {{name}} had left: {{removed, list}}.',
  cleanupNothing: 'Nothing left by that creation was found.',
  cleanupRemains: 'Still there: definitions on {{hosts, list}}, images {{images, list}}.',
  cleanupUnknownJob:
    'No failed VM creation {{job}} is known to this app (jobs are kept until it closes): remove what remains by hand.',
  cancelled: 'Cancelled by the user.',
  // Delete.
  deleteRefused: {
    one: '{{name}} was not deleted: {{count, number}} reason.',
    other: '{{name}} was not deleted: {{count, number}} reasons.',
  },
  deleteConfirm: 'The name typed ({{typed}}) is not the VM’s name ({{name}}).',
  deleteRunning: '{{name}} runs on {{hosts, list}}: shut it down first.',
  deleteUnreachable:
    '{{host}} may define {{name}} and does not answer: delete once it is back, or fence it first if it is lost.',
  deleteSnapshots: {
    one: '{{image}} has {{count, number}} snapshot: tick “purge the snapshots” to delete it too, or keep the images.',
    other:
      '{{image}} has {{count, number}} snapshots: tick “purge the snapshots” to delete them too, or keep the images.',
  },
  deleteWatchers: '{{image}} is open by {{watchers, list}}: something still uses it.',
  deleteProtected:
    '{{image}} has protected snapshots ({{snapshots, list}}): they are templates clones may depend on. Unprotect them in the storage view first (flatten or delete their clones).',
  deleteFencedCopy:
    'A fenced copy of {{name}} still exists on {{hosts, list}}: destroy it there first (VM view, fencing).',
  deleteChanged:
    'The definition of {{name}} changed since the delete was asked (new disks {{images, list}}): check it and ask again.',
  deleteUndone:
    '{{name}} was not deleted: {{host}} refused the undefine ({{cause, message}}). It was defined again on {{hosts, list}}; no image was touched.',
  deletePartly:
    '{{name}} was not deleted: {{host}} refused the undefine ({{cause, message}}), and it could not be defined again on {{hosts, list}}: copy its definition there (VM view, sync) once the host answers; no image was touched.',
  deleteSharedImage: '{{image}} is also a disk of {{others, list}}: it is kept.',
  renameRefused: {
    one: '{{name}} was not renamed: {{count, number}} reason.',
    other: '{{name}} was not renamed: {{count, number}} reasons.',
  },
  renameRunning: '{{name}} runs on {{hosts, list}}: a VM is renamed while it is off. Shut it down first.',
  renameSame: '{{name}} already has that name.',
  renameManagedSave:
    '{{name}} has a saved state (managed save) on {{host}}: start it there and shut it down, or discard the saved state, first.',
  renameSnapshots:
    'libvirt refuses to rename {{name}}: {{host}} holds snapshot metadata for it ({{snapshots, list}}). Delete those snapshots (or their metadata) first.',
  renameUndone: 'Renaming {{name}} failed ({{cause, message}}). Everything was put back as it was.',
  renamePartly:
    'Renaming {{name}} failed ({{cause, message}}), and the undo could not restore {{remains, list}}: check them in the VM and storage views.',
  vmUnknown:
    'No host that answers defines a VM with UUID {{uuid}}: check that the hosts are connected (it may have been deleted meanwhile).',
  renamed: '{{name}} is now {{newName}} on {{hosts, list}}.',
  deleted: '{{name}} was removed from {{hosts, list}}; images deleted: {{images, list}}.',
  // Clone.
  cloneSourceUnknown: 'No host defines a VM with UUID {{uuid}}: it may have been deleted. Refresh the view.',
  cloneSourceOff: '{{name}} is off on every host: its disk does not change while it is snapshotted.',
  cloneSourceRunning:
    '{{name}} runs on {{hosts, list}}: a VM is cloned while it is off (its disk must not change while it is snapshotted). Shut it down first.',
  cloneSourceUnreachable: '{{host}} may run {{name}} and does not answer: clone once it is back.',
  cloneDiskCount: {
    one: '{{name}} has {{count, number}} RBD disk: a VM is cloned when it has exactly one (and CD-ROMs).',
    other: '{{name}} has {{count, number}} RBD disks: a VM is cloned when it has exactly one (and CD-ROMs).',
  },
  cloneLocalDisk:
    '{{name}}’s disk {{target}} is not an RBD image ({{source}}): its clone would share it. Only VMs whose disks are in Ceph are cloned.',
  cloneDisk:
    'The clone’s disk {{pool}}/{{name}} will be a copy-on-write child of {{parent}}@{{snapshot}}: ready in seconds, whatever its size.',
  cloneSnapshotTaken:
    '{{parent}} already has a snapshot {{snapshot}} (a clone {{name}} was made from it before): choose another name, or remove that snapshot in the storage view.',
  cloneTemplate: '{{parent}}@{{snapshot}} is a protected snapshot: a template.',
  cloneTemplateMissing: '{{parent}} has no snapshot {{snapshot}}: refresh the storage view.',
  cloneTemplateUnprotected:
    '{{parent}}@{{snapshot}} is not protected, so it is not a template: protect it first (rbd snap protect {{parent}}@{{snapshot}}).',
  cloneSourceUnreadable: 'Could not read {{parent}} in Ceph.',
  cloneMachineKept: 'The clone keeps {{name}}’s machine type {{machine}} (it migrates as its source does).',
  cloneRefused: {
    one: 'Nothing was cloned to {{name}}: {{count, number}} check failed.',
    other: 'Nothing was cloned to {{name}}: {{count, number}} checks failed.',
  },
  cloneImageFailed: 'rbd could not clone {{parent}}@{{snapshot}} into {{image}}.',
  cloneSnapshotFailed: 'rbd could not snapshot {{parent}} ({{snapshot}}).',
  cloneSnapshotKept: 'The snapshot {{snapshot}} could not be removed.',
  cloneFailedUndone:
    'Cloning to {{name}} failed ({{cause, message}}). Everything this job had made was removed again; the source was not touched.',
  cloneFailedRemains:
    'Cloning to {{name}} failed ({{cause, message}}). The undo could not remove the definition on {{hosts, list}} nor {{images, list}}: use “Clean up” once the hosts answer.',
  cloneFlattenFailed:
    '{{name}} was cloned and defined everywhere, but the flatten of {{image}} failed: it still depends on {{parent}}@{{snapshot}}. Flatten it later (rbd flatten {{image}}).',
} as const
