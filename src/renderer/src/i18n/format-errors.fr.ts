import type { FormatErrorText } from '../../../shared/format-errors'

/** Output Hyperdesk cannot read, in French: every key of shared/format-errors.ts, same placeholders. */
export const formatErrorsFr: Record<FormatErrorText, string> = {
  cephUnknownOutput:
    '`{{command}}` sur {{host}} a affiché une sortie d’une forme que Hyperdesk ne connaît pas ({{version}}) : {{problems}}. Versions de Ceph prises en charge : Luminous (12) à Tentacle (20).',
  cephUnknownOutputHint:
    'Vérifiez la version de Ceph sur {{host}} (`ceph versions`) ; si elle est dans la plage prise en charge, signalez cette sortie.',
  domainXmlInvalid:
    'La définition de {{vm}} sur {{host}} n’est pas un XML complet et bien formé ({{problem}}) : Hyperdesk ne devinera pas ses disques.',
  domainXmlInvalidHint:
    'Lisez-la sur {{host}} avec virsh dumpxml et l’UUID de la VM ; une lecture tronquée vient en général d’une connexion coupée : actualisez.',
  domainDiskUnknown: 'Le disque {{target}} de {{vm}} sur {{host}} est illisible : {{problem}}.',
}
