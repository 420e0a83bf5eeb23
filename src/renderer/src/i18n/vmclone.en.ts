/**
 * The clone dialog and templates (issue 19 item 2), in English. Top-level key `vmClone`; the checks
 * and failures themselves come from the core as `vmdef.*` messages.
 */
export const vmCloneEn = {
  vmClone: {
    open: 'Clone…',
    titleVm: 'Clone {{name}}',
    titleTemplate: 'New VM from the template {{template}}',
    close: 'Close',
    introVm:
      'Its disk is snapshotted and the snapshot protected, then the clone’s disk is a copy-on-write child of it: ready in seconds, whatever its size. The clone keeps {{name}}’s settings with a new name, UUID and MAC, defined on every host.',
    introTemplate:
      'The clone’s disk is a copy-on-write child of this protected snapshot: ready in seconds, whatever its size. Its definition is built as a new VM’s, with a new UUID and MAC, defined on every host.',
    running: '{{name}} runs on {{hosts}}: a VM is cloned while it is off. Shut it down first.',
    name: 'New VM’s name',
    pool: 'Pool of its disk',
    sameAsSource: 'the source’s ({{pool}})',
    sameAsSourceUnknown: 'the source’s',
    kept: 'Settings',
    keptFromPlan: '{{vcpus}} vCPU, {{memory, mib}}, machine {{machine}}: {{name}}’s',
    keptUnknown: '{{name}}’s (read by the pre-checks)',
    flattenLabel: 'Flatten',
    flatten: 'Copy the parent’s data into the clone once defined (rbd flatten)',
    flattenHelp:
      'It then no longer depends on the snapshot. It lasts as long as copying the disk; the VM is defined first.',
    submit: 'Clone to {{name}}',
    cloning: 'Cloning to {{name}}…',
    cancel: 'Cancel the clone',
    succeeded: '{{name}} is defined on {{hosts}} (MAC {{mac}}, {{machine}}).',
    dependsOn: 'Its disk {{image}} is a copy-on-write child of {{parent}}.',
    flattened: 'Its disk {{image}} was flattened: it no longer depends on {{parent}}.',
    flattenFailed: 'The flatten did not happen:',
    failed: 'The clone failed.',
  },
  templates: {
    badge: 'template',
    badgeTitle: 'A protected snapshot: new VMs are cloned from it.',
    clone: 'Clone from this template…',
    count_one: '{{count}} template',
    count_other: '{{count}} templates',
  },
}
