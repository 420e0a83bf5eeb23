import { fillPlaceholders } from './placeholders'

/**
 * Sentences for output Hyperdesk cannot read (a Ceph or libvirt release it does not know, a broken
 * domain XML), in English with {{placeholders}}. The core writes the error's `message` from here and
 * puts the key and parameters in `details.text`/`details.params`; the renderer shows the same sentence
 * in the window's language (i18n/format-errors.fr.ts translates every key).
 */
export const FORMAT_ERROR_TEXTS = {
  cephUnknownOutput:
    '`{{command}}` on {{host}} printed output of a shape Hyperdesk does not know ({{version}}): {{problems}}. Supported Ceph releases: Luminous (12) to Tentacle (20).',
  cephUnknownOutputHint:
    'Check the Ceph version on {{host}} (`ceph versions`); if it is in the supported range, report this output.',
  domainXmlInvalid:
    'The definition of {{vm}} on {{host}} is not complete, well-formed XML ({{problem}}): Hyperdesk will not guess its disks.',
  domainXmlInvalidHint:
    "Read it on {{host}} with virsh dumpxml and the VM's UUID; a truncated read usually comes from a dropped connection: refresh.",
  domainDiskUnknown: 'Disk {{target}} of {{vm}} on {{host}} cannot be read: {{problem}}.',
} as const

export type FormatErrorText = keyof typeof FORMAT_ERROR_TEXTS
export type FormatErrorParams = Record<string, string | number>

export function formatErrorMessage(text: FormatErrorText, params: FormatErrorParams): string {
  return fillPlaceholders(FORMAT_ERROR_TEXTS[text], params)
}
