import type { MessageCatalog } from '../../../shared/messages/message'

/** The storage operations' errors in French: every key of shared/messages/errors-storage.ts. */
export const storageErrorsFr: MessageCatalog['storageErrors'] = {
  refused: {
    one: 'Non effectué : {{image}} n’a pas passé une vérification.',
    other: 'Non effectué : {{image}} n’a pas passé {{count, number}} vérifications.',
  },
  imageExists: 'Une image {{image}} existe déjà.',
  imageExistsHint: 'Choisissez un autre nom, ou utilisez l’image existante.',
  snapshotExists: '{{image}} a déjà un instantané nommé {{snapshot}}.',
  snapshotExistsHint: 'Choisissez un autre nom.',
  noSnapshot: '{{image}} n’a aucun instantané nommé {{snapshot}}.',
  noSnapshotHint: 'Actualisez la vue du stockage : quelqu’un l’a peut-être supprimé.',
  unknownPool: '{{pool}} ne fait pas partie des pools du cluster ({{pools, list}}).',
  unknownPoolHint: 'Les pools sont listés dans le fichier du cluster (« pools »).',
  failed: '{{command}} a échoué sur {{host}} (code de sortie {{exitCode}}).',
  interrupted:
    '{{command}} sur {{host}} a été interrompu (connexion perdue ou annulation) : vérifiez l’image avant de réessayer.',
  noKeyringHosts:
    'Aucun hôte en ligne ne peut lire de trousseau Ceph ({{hosts, list}}) : rbd ne peut pas joindre le cluster.',
  noKeyringHostsHint:
    'Installez le trousseau du client Ceph sur un hôte (son diagnostic donne les commandes exactes), puis relancez le diagnostic.',
  noHost: 'Aucun hôte n’est en ligne : les commandes de stockage s’exécutent sur un hyperviseur.',
  noHostHint: 'Connectez au moins un hôte (voir la liste des hôtes).',
}
