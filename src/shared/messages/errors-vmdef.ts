/**
 * The errors of creating, cloning, renaming and editing VM definitions (vmdef/*.ts) not covered by
 * the vmdef, vmedit and iso areas: the `vmdefErrors` area. What the host's tool printed is the detail.
 * French: src/renderer/src/i18n/errors-vmdef.fr.ts.
 */
export const VMDEF_ERROR_TEXTS = {
  cloneReadBack: 'The clone’s definition does not read back as {{name}} (differs: {{fields, list}}).',
  renameReadBack: 'The renamed definition of {{uuid}} does not read back as {{name}} with its renamed disks.',
  noMac: 'No unused MAC address in {{prefix}}:xx:xx:xx after {{draws}} draws.',
  downloadFailed: 'virsh vol-download of {{name}} failed on {{host}}.',
} as const
