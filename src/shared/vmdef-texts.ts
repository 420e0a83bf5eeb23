import { fillPlaceholders } from './placeholders'

/**
 * The sentences of VM creation and deletion (checks and failures), in English, with {{placeholders}}.
 * The core writes each check's `message` from here; the window shows it in the user's language by its
 * `text` key and `params` (i18n/vmdef-texts.fr.ts translates every key).
 */
export const VMDEF_TEXTS = {
  hostOnline: '{{host}} is online.',
  hostOffline:
    '{{host}} is {{status}}: a new VM is defined on every host, so every host must answer. Connect it first.',
  hostUnreadable: 'Could not run the checks on {{host}}: {{error}}',
  poolUnknown: '{{pool}} is not one of the cluster file’s pools ({{pools}}).',
  poolSpace: '{{pool}} has {{free}} MiB available; the disk is {{size}} MiB (RBD images are thin).',
  poolSpaceShort:
    '{{pool}} has {{free}} MiB available, less than the disk’s {{size}} MiB: writes would fail once it is full.',
  poolSpaceUnknown: 'Could not read {{pool}}’s free space: {{error}}',
  nameFree: 'No host defines a VM named {{name}}.',
  nameUsed: '{{name}} is already defined on {{host}} (UUID {{uuid}}): choose another name.',
  imageFree: 'No image {{pool}}/{{name}} exists yet (the VM’s disk takes its name).',
  imageExists: 'An image {{pool}}/{{name}} already exists: choose another name, or delete that image first.',
  imageUnreadable: 'Could not check whether {{pool}}/{{name}} exists: {{error}}',
  macFree: 'MAC {{mac}} is used by no definition on any host.',
  macGenerated: 'MAC {{mac}} generated: no definition on any host uses it.',
  macUsed: 'MAC {{mac}} is already used by {{vm}} on {{host}}: each VM needs its own.',
  macUnconfirmed:
    'The definition of {{vm}} on {{host}} could not be read ({{error}}): the MAC cannot be confirmed unique.',
  bridgePresent: 'Bridge {{bridge}} is present on every host.',
  bridgeMissing: 'The bridge {{bridge}} is missing on {{hosts}}.',
  isoPresent: '{{iso}} is present on every host.',
  isoMissing: '{{iso}} is missing on {{hosts}}: upload it to every host first.',
  noIso: 'No install medium: the CD-ROM drive is left empty.',
  secretSame: 'Ceph secret {{uuid}} is defined, with a value, on every host.',
  secretNone:
    'No Ceph secret (usage type ceph) is defined on {{host}}: define the cluster’s secret there (virsh secret-define, secret-set-value).',
  secretDiffers:
    'The Ceph secret differs between hosts: {{host}} has {{found}}, {{reference}} has {{uuid}}. Define the same UUID on every host.',
  secretNoValue:
    'The Ceph secret {{uuid}} has no usable value on {{host}} ({{error}}): set it with virsh secret-set-value.',
  domainType: '{{type}} domains are offered by every host.',
  domainTypeMissing: '{{host}} does not offer {{type}} domains: {{error}}',
  kvmMissing: '{{host}} does not offer KVM: the VM would run without acceleration (qemu). Use kvm hosts.',
  machine: 'Machine type {{machine}}: offered by every host (pc is {{pcs}}).',
  machineNone:
    'No versioned i440fx machine type is offered by every host (pc is {{pcs}}): the VM could not migrate between them.',
  memory: '{{host}} has {{available}} MiB available; {{name}} needs {{need}} MiB.',
  memoryShort:
    'Not enough memory on {{host}}: {{name}} needs {{need}} MiB; {{host}} has {{available}} MiB available.',
  memoryUnknown: 'Could not read {{host}}’s free memory.',
  memoryNotStarted: '{{name}} is not started by this job: memory is checked when it starts.',
  // Failures of the job itself.
  refused: 'Nothing was created for {{name}}: {{reasons}}',
  failedUndone:
    'Creating {{name}} failed ({{step}}{{host}}): {{error}}. Everything this job had made was removed again.',
  failedRemains:
    'Creating {{name}} failed ({{step}}{{host}}): {{error}}. The undo could not remove: {{remains}}. Use “Clean up” once the hosts answer.',
  readBackDiffers:
    '{{host}} reads back a different definition than the one sent ({{fields}}): libvirt changed it.',
  remainDefinition: 'the definition on {{host}} ({{error}})',
  remainImage: 'the image {{image}} ({{error}})',
  cleanupDone: 'Removed what the creation of {{name}} had left: {{removed}}.',
  cleanupNothing: 'Nothing left by that creation was found.',
  // Delete.
  deleteConfirm: 'The name typed ({{typed}}) is not the VM’s name ({{name}}).',
  deleteRunning: '{{name}} runs on {{hosts}}: shut it down first.',
  deleteUnreachable:
    '{{host}} defines {{name}} and does not answer: delete once it is back, or fence it first if it is lost.',
  deleteSnapshots:
    '{{image}} has {{count}} snapshot(s): tick “purge the snapshots” to delete them with it, or keep the images.',
  deleteWatchers: '{{image}} is open by {{watchers}}: something still uses it.',
  deleteSharedImage: '{{image}} is also a disk of {{others}}: it is kept.',
  deleted: '{{name}} was removed from {{hosts}}{{images}}.',
} as const

export type VmdefText = keyof typeof VMDEF_TEXTS
export type VmdefParams = Record<string, string | number>

export function vmdefMessage(text: VmdefText, params: VmdefParams): string {
  return fillPlaceholders(VMDEF_TEXTS[text], params)
}
