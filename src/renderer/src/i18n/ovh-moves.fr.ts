import type { MessageCatalog } from '../../../shared/messages/message'

/** Moving a VM's failover block with its migration, in French (shared/ovh-move-texts.ts). */
export const ovhMovesFr: MessageCatalog['ovhMoves'] = {
  failed: 'Le bloc failover {{block}} de {{vm}} n’a pas été déplacé vers {{to}} : {{reason, message}}',
  failedHint:
    '{{vm}} n’a pas été migrée : elle tourne toujours au même endroit. Corrigez ce que dit OVH, puis relancez la migration (ou migrez sans déplacer le bloc).',
  failedParallelHint:
    '{{vm}} tourne peut-être sur {{to}} alors que {{block}} est encore routé vers son ancien serveur : déplacez le bloc depuis la vue des IP failover, sinon OVH coupe son trafic.',
  unfollowed:
    'Suivi de la tâche OVH arrêté pour le déplacement du bloc {{block}} de {{vm}} vers {{to}} : OVH peut encore l’effectuer.',
  unfollowedHint:
    'Regardez {{block}} dans la vue des IP failover (ou le manager OVH) avant d’agir à nouveau : le déplacement peut encore avoir lieu.',
  noFailoverIp: '{{vm}} n’a pas d’IP failover dans ses réglages : il n’y a pas de bloc à déplacer.',
  notInBlock: '{{ip}} (l’IP failover de {{vm}}) n’est pas dans le bloc {{block}} : rouvrez la fiche.',
  othersUnconfirmed:
    'Déplacer {{block}} déplace aussi les adresses de {{others, list}} : confirmez-le dans la fiche pour déplacer le bloc.',
  othersHint: 'Ces VM perdent leur route sauf si elles tournent aussi sur {{to}}.',
  movedThenFailed:
    '{{block}} a été déplacé vers {{to}} avant l’échec de la migration de {{vm}} : {{vm}} tourne toujours sur {{from}}. Relancez la migration, ou ramenez le bloc vers {{from}}.',
  maintenanceFailed:
    'La maintenance de {{host}} s’est arrêtée à {{vm}} : son bloc failover {{block}} n’a pas été déplacé vers {{to}}, donc {{vm}} n’a pas été migrée et tourne toujours sur {{host}}. Corrigez ce que dit OVH, puis reprenez (ou abandonnez et déplacez le bloc à la main).',
  maintenanceNotPlanned:
    '{{vm}} ne fait pas partie des VM que cette maintenance de {{host}} migre : rouvrez la fiche.',
  maintenanceNotMovable:
    'Le bloc failover {{block}} de {{vm}} ne peut pas être déplacé vers {{to}} par l’application (voir le plan) : déplacez-le dans le manager OVH, ou démarrez sans le déplacer d’ici.',
}
