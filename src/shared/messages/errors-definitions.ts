/**
 * The errors of definition reads, syncs and the error-policy change (definitions/): the
 * `definitionErrors` area. French: src/renderer/src/i18n/errors-definitions.fr.ts.
 */
export const DEFINITION_ERROR_TEXTS = {
  noHostDefines: 'No reachable host defines a VM with UUID {{uuid}}.',
  noHostDefinesHint: 'Check that the hosts are online.',
  notDefinedReference:
    'The VM {{uuid}} is not defined on {{host}}: choose a host that defines it as the reference.',
  unreadableReference:
    'The definition of the VM {{uuid}} could not be read on {{host}}: {{error, message}} Choose a host that defines it as the reference.',
  notDefinedSource: 'The VM {{uuid}} is not defined on {{host}}: sync from a host that defines it.',
  unreadableSource:
    'The definition of the VM {{uuid}} could not be read on {{host}}: {{error, message}} Sync from a host that defines it.',
  wrongUuid: '{{host}} answered with the UUID {{found}} instead of {{uuid}}.',
  readFailed: 'virsh could not read the definition on {{host}}.',
  defineFailed: 'virsh define failed on {{host}}.',
  readBackDiffers: 'Defined on {{host}}, but reading it back shows a different definition.',
  hostFailed: '{{host}}: {{error, message}}',
  syncFailed:
    '{{name}}’s definition from {{from}} could not be defined on {{hosts, list}}. {{reasons, messages}}',
  syncFailedHint:
    'A VM with the same name and another UUID, or the same UUID under another name, blocks the define: rename or undefine it there first.',
  notDefinedOn: 'The VM {{uuid}} is not defined on {{host}}.',
  lostUuid: 'The edited definition lost its UUID: nothing was defined.',
} as const
