/**
 * The sentences of VM definition edits (issue 19 item 3), in English: the `vmedit` area of the
 * message catalog. The window renders them in its language (i18n/vmedit.fr.ts).
 */
export const VMEDIT_TEXTS = {
  hostUnreachable:
    '{{host}} does not answer ({{error}}): a definition is changed on every host at once. Edit once it answers.',
  notDefined: '{{name}} is not defined on {{host}}: sync its definition there first (VM view, definitions).',
  drift:
    'The definition of {{name}} differs between {{reference}} and {{host}}: sync the definitions first (VM view, definitions), then edit.',
  unknownVm: 'No reachable host defines a VM with UUID {{uuid}}.',
  // The XML reader's own words are the message's detail.
  xmlInvalid:
    'The definition read on {{host}} cannot be edited: its XML does not read (the reader’s words below).',
  bootPerDevice:
    'The boot order of {{name}} is set on its devices ({{detail}}): edit it in the XML (expert mode).',
  cdromUnknown: '{{name}} has no CD-ROM drive {{target}}.',
  vcpusOverMax: 'The vCPUs ({{vcpus, number}}) cannot exceed the maximum ({{max, number}}).',
  memoryOverMax: 'The memory ({{memory, mib}}) cannot exceed the maximum memory ({{max, mib}}).',
  autostartHost: '{{host}} does not define {{name}}: autostart is set on one of {{hosts, list}}.',
  isoMissing: '{{iso}} is missing on {{hosts, list}}: put it on every host first.',
  isoUnchecked: 'Could not check {{iso}} on {{host}}.',
  expertMixed:
    'An XML edit (expert mode) is applied alone: apply the form’s changes first, or put them in the XML.',
  expertMalformed: 'The XML cannot be read (the reader’s words below): nothing was sent to the hosts.',
  expertRename:
    'The XML renames {{name}} to {{newName}}: expert mode does not rename. Put the name back, and use Rename (VM off).',
  expertUuid:
    'The XML changes the UUID of {{name}} ({{uuid}} → {{newUuid}}): libvirt would see another VM. Put the UUID back.',
  expertUuidMissing:
    'The XML has no <uuid>: libvirt would give {{name}} another one. Put <uuid>{{uuid}}</uuid> back.',
  expertInvalid:
    'libvirt’s schema refuses the XML on {{host}} (virt-xml-validate): nothing was changed. Its output follows.',
  expertNoValidator:
    'virt-xml-validate is missing on {{host}}, so the XML cannot be checked there: install libvirt-clients on {{host}}.',
  expertUnchecked: 'Could not check the XML on {{host}} with virt-xml-validate.',
  nothing: 'Nothing to change.',
  vncPasswordLong:
    'The VNC password in the XML has {{count, number}} characters: VNC uses {{max, number}} at most, and libvirt refuses a longer one. Shorten it.',
  displayPasswordUnknown:
    'The XML keeps a hidden display password that is no longer the definition’s (it changed since the XML was read): read the XML again.',
  displayPasswordChanged: 'The {{display}} password changes (not shown).',
  displayPasswordSet: 'A {{display}} password is set (not shown).',
  displayPasswordRemoved:
    'The {{display}} password is removed: whoever reaches the console’s port can connect.',
  refused: {
    one: '{{name}} was not edited: {{count, number}} reason.',
    other: '{{name}} was not edited: {{count, number}} reasons.',
  },
  changed:
    'The definition of {{name}} changed on {{hosts, list}} since the diff was shown (another admin?): nothing was changed. Look at the new diff and apply again.',
  readBack: '{{host}} reads back another definition than {{reference}} after the edit.',
  readBackField: '{{host}} did not keep the change ({{fields, list}}).',
  failedUndone:
    'Editing {{name}} failed ({{cause, message}}). The previous definition was put back on {{hosts, list}}.',
  failedRemains:
    'Editing {{name}} failed ({{cause, message}}), and the previous definition could not be put back on {{hosts, list}}: sync the definition from a host that has it (VM view, definitions).',
  diskUnknown: '{{name}} has no disk {{target}}.',
  diskCdrom: '{{target}} is a CD-ROM drive: eject its medium instead (the CD-ROM field).',
  diskNotRbd: '{{target}} is not an RBD disk: only RBD disks are grown here.',
  diskNoRbd:
    '{{name}} has no RBD disk to take the Ceph access (client and secret) from: attach its first disk in expert mode.',
  diskAttached: '{{image}} is already attached to {{name}} as {{target}}.',
  diskTargetsFull: '{{name}} has no free virtio disk target left (vda to vdz).',
  diskDetachGrow: '{{target}} is both detached and grown: do one or the other.',
  diskPool: '{{pool}} is not one of the cluster’s pools ({{pools, list}}).',
  diskImageExists:
    '{{image}} already exists: choose another name, or attach it as an existing image (without a size).',
  diskImageMissing:
    '{{image}} does not exist: give a size to create it, or check its name in the Storage view.',
  diskImageUsed:
    '{{image}} is in the definition of {{vm}} on {{host}}: an image belongs to one VM. Detach it from {{vm}} first.',
  diskImageOpen:
    '{{image}} is open by {{watchers, list}}: a QEMU or another client uses it. Stop that client first.',
  diskUnreadable:
    'The definition of {{vm}} on {{host}} could not be read: it may use {{image}}. Refresh, or fix that definition first.',
  diskUnchecked:
    'Could not read {{image}} in Ceph through {{host}}: check the Ceph view, then show the changes again.',
  diskNotLarger:
    '{{target}} ({{image}}) is {{from, size}}: {{to, size}} is not larger. A disk only grows here; shrinking is done in the Storage view, with the VM off.',
  imageCreateFailed: 'Creating {{image}} failed.',
  failedImagesRemain:
    'Editing {{name}} failed ({{cause, message}}). The previous definition is back on every host, but {{images, list}} made for the edit could not be removed: remove it in the Storage view.',
  grownKept: '{{images, list}} grew before the failure and stay larger: an undo never shrinks a disk.',
  nicUnknown: '{{name}} has no network card with the MAC {{mac}}.',
  nicNotBridge:
    'The network card {{mac}} is not on a bridge (type {{type}}): change its network in expert mode.',
  nicMacTwice: 'The MAC {{mac}} would be on two network cards of {{name}}.',
  nicRemoveChange: 'The network card {{mac}} is both removed and changed: do one or the other.',
  macUsed:
    'The MAC {{mac}} is already used by {{vm}} on {{host}}: a MAC is unique among every definition on every host.',
  macUnconfirmed:
    'The definition of {{vm}} on {{host}} could not be read: its MACs are unknown, so {{mac}} cannot be checked. Refresh, or fix that definition first.',
  bridgeMissing:
    'The bridge {{bridge}} is missing on {{hosts, list}}: the VM can run on every host, so each needs it.',
  bridgeUnchecked: 'Could not list the bridges of {{host}} to look for {{bridge}}.',
  stepFailed: '“{{step}}” failed on {{host}}',
  liveDone: '{{host}}: {{action}} applied to the running VM.',
  liveFailed: '{{host}}: {{action}} could not be applied to the running VM: it applies at its next start.',
  edited: '{{name}} edited on {{hosts, list}}.',
  pendingRestart: 'Pending until restart: {{parts, messageList}}.',
  partVcpus: 'vCPUs',
  partMaxVcpus: 'maximum vCPUs',
  partMemoryMiB: 'memory',
  partMaxMemoryMiB: 'maximum memory',
  partBootOrder: 'boot order',
  partCdroms: 'CD-ROM media',
  partNics: 'network cards',
  partDisks: 'disks',
  partCpu: 'CPU model',
  partFeatures: 'machine features (ACPI, APIC…)',
  partClock: 'clock',
  partOs: 'firmware and machine type',
  partGraphics: 'graphical console',
  partDisplayPassword: 'display password',
  partDevices: 'other devices (controllers, consoles, video…)',
  partOther: 'other settings (CPU tuning, memory backing, power actions…)',
} as const
