import type { MessageCatalog } from '../../../shared/messages/message'

/** A maintenance's errors and outcomes in French: every key of shared/messages/errors-maintenance.ts. */
export const maintenanceErrorsFr: MessageCatalog['maintenanceErrors'] = {
  statusRunning: 'en cours',
  statusInterrupted: 'interrompue',
  statusFailed: 'en échec',
  statusCancelled: 'annulée',
  statusDone: 'terminée',
  inProgress:
    'La maintenance de {{host}} est {{status, message}} : reprenez-la ou abandonnez-la avant d’en commencer une autre.',
  notResumable:
    'La maintenance de {{host}} est {{status, message}} : seule une maintenance interrompue ou en échec peut être reprise.',
  notWaiting: 'La maintenance de {{host}} n’attend pas de redémarrage.',
  unknown: 'Aucune maintenance {{id}} : elle a peut-être été remplacée par une plus récente.',
  hostUnreadable: '{{host}} n’a pas pu être lu avant cette étape : {{step, message}}.',
  vmsLeft: '{{vms, list}} encore sur {{host}} : migrez-les ou arrêtez-les, puis reprenez.',
  rebootFailed: 'La commande de redémarrage a échoué sur {{host}} (code de sortie {{exit}}) : {{command}}',
  rebootFailedHint:
    'Corrigez la commande (fichier du cluster : maintenance.rebootCommand) ou redémarrez l’hôte vous-même, puis reprenez.',
  pgsNotClean: 'Après {{minutes}} min, Ceph n’est toujours pas propre : {{state, message}}',
  pgsNotCleanHint:
    'Regardez le panneau Ceph (des OSD arrêtés ?), puis reprenez ; noout reste posé en attendant.',
  noDestination: 'Aucun autre hôte n’est en ligne pour accueillir {{vm}} depuis {{host}}.',
  noDestinationHint: 'Reconnectez d’abord un autre hôte.',
  badDestination:
    'Une VM ne peut pas être déplacée vers {{host}}, l’hôte qui passe en maintenance ({{uuid}}).',
  cancelled: 'Maintenance de {{host}} annulée pendant : {{step, message}}',
  rebootTimeout:
    '{{host}} n’a pas disparu puis réapparu dans les {{minutes}} min qui ont suivi la commande de redémarrage.',
  rebootTimeoutHint: 'Regardez l’hôte (console, manager OVH), puis reprenez ou abandonnez.',
  libvirtDown: '{{host}} est revenu mais libvirtd ne répond pas (virsh uri) après 2 min.',
  libvirtDownHint: 'Démarrez libvirtd sur l’hôte, puis reprenez.',
  abortedNoNoout: 'Abandonnée ; noout n’avait pas été posé par cette maintenance.',
  abortedNooutKept:
    'Abandonnée ; noout conservé comme demandé : retirez-le dans le panneau Ceph quand l’hôte sera revenu.',
  abortedNooutUnset: 'Abandonnée ; noout retiré ({{command}} sur {{on}}).',
}
