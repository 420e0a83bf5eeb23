import type { MessageCatalog } from '../../../shared/messages/message'

/** Choosing the Ceph host, in French: every key of shared/messages/ceph-hosts.ts. */
export const cephHostsFr: MessageCatalog['cephHosts'] = {
  notOnline: '{{host}} est dans l’état « {{status}} » : les commandes Ceph ne peuvent pas y tourner.',
  notOnlineHint: 'Choisissez un hôte en ligne, ou reconnectez celui-ci.',
  noneOnline: 'Aucun hôte n’est en ligne : Ceph se lit à travers un hyperviseur, par SSH.',
  noneOnlineHint: 'Reconnectez un hôte (Hôtes) et réessayez.',
  everyHostFailed: 'Ceph n’a pu être lu à travers aucun hôte : {{causes, messages}}',
  hostCause: '{{host}} : {{cause, message}}',
  everyHostFailedAlike:
    'Ceph n’a pu être lu à travers aucun hôte ({{hosts, list}}), tous pour la même raison que {{host}} : {{cause, message}}',
  notAskedElsewhere:
    '{{cause, message}} Les autres hôtes ({{hosts, list}}) n’ont pas été interrogés : Ceph n’a pas répondu à temps, et les ferait attendre aussi longtemps.',
}
