import type { MessageCatalog } from '../../../shared/messages/message'

/** The errors of definition reads and syncs in French: every key of shared/messages/errors-definitions.ts. */
export const definitionErrorsFr: MessageCatalog['definitionErrors'] = {
  noHostDefines: 'Aucun hôte joignable ne définit de VM d’UUID {{uuid}}.',
  noHostDefinesHint: 'Vérifiez que les hôtes sont en ligne.',
  notDefinedReference:
    'La VM {{uuid}} n’est pas définie sur {{host}} : choisissez comme référence un hôte qui la définit.',
  unreadableReference:
    'La définition de la VM {{uuid}} n’a pas pu être lue sur {{host}} : {{error, message}} Choisissez comme référence un hôte qui la définit.',
  notDefinedSource:
    'La VM {{uuid}} n’est pas définie sur {{host}} : synchronisez depuis un hôte qui la définit.',
  unreadableSource:
    'La définition de la VM {{uuid}} n’a pas pu être lue sur {{host}} : {{error, message}} Synchronisez depuis un hôte qui la définit.',
  wrongUuid: '{{host}} a répondu avec l’UUID {{found}} au lieu de {{uuid}}.',
  readFailed: 'virsh n’a pas pu lire la définition sur {{host}}.',
  defineFailed: 'virsh define a échoué sur {{host}}.',
  readBackDiffers: 'Définie sur {{host}}, mais la relecture montre une définition différente.',
  hostFailed: '{{host}} : {{error, message}}',
  syncFailed:
    'La définition de {{name}} prise sur {{from}} n’a pas pu être définie sur {{hosts, list}}. {{reasons, messages}}',
  syncFailedHint:
    'Une VM de même nom avec un autre UUID, ou de même UUID sous un autre nom, bloque le define : renommez-la ou supprimez sa définition (undefine) sur cet hôte d’abord.',
  notDefinedOn: 'La VM {{uuid}} n’est pas définie sur {{host}}.',
  lostUuid: 'La définition modifiée a perdu son UUID : rien n’a été défini.',
}
