import type { MessageCatalog } from '../../../shared/messages/message'

/** The VM definitions' errors in French: every key of shared/messages/errors-vmdef.ts. */
export const vmdefErrorsFr: MessageCatalog['vmdefErrors'] = {
  cloneReadBack: 'La définition du clone ne se relit pas comme {{name}} (diffère : {{fields, list}}).',
  renameReadBack:
    'La définition renommée de {{uuid}} ne se relit pas comme {{name}} avec ses disques renommés.',
  noMac: 'Aucune adresse MAC libre dans {{prefix}}:xx:xx:xx après {{draws}} tirages.',
  downloadFailed: 'virsh vol-download de {{name}} a échoué sur {{host}}.',
}
