import type { MessageCatalog } from '../../../shared/messages/message'

/** VM creation and deletion in French: every key of shared/vmdef-texts.ts, same placeholders. */
export const vmdefFr: MessageCatalog['vmdef'] = {
  hostOnline: '{{host}} est en ligne.',
  hostOffline:
    '{{host}} ne répond pas ({{status, message}}) : une nouvelle VM est définie sur tous les hôtes, chacun doit donc répondre. Connectez-le d’abord.',
  hostUnreadable: 'Impossible de faire les vérifications sur {{host}}.',
  poolUnknown: '{{pool}} n’est pas un des pools du fichier du cluster ({{pools, list}}).',
  poolSpace:
    '{{pool}} a {{free, size}} disponibles ; le disque fait {{size, size}} (les images RBD sont allouées à l’écriture).',
  poolSpaceShort:
    '{{pool}} n’a que {{free, size}} disponibles, moins que les {{size, size}} du disque : les écritures échoueront une fois le pool plein.',
  poolSpaceUnknown: 'Impossible de lire l’espace libre de {{pool}}.',
  nameFree: 'Aucun hôte ne définit de VM nommée {{name}}.',
  nameUsed: '{{name}} est déjà définie sur {{host}} (UUID {{uuid}}) : choisissez un autre nom.',
  imageFree: 'Aucune image {{pool}}/{{name}} n’existe encore (le disque de la VM prend son nom).',
  imageExists:
    'Une image {{pool}}/{{name}} existe déjà : choisissez un autre nom, ou supprimez d’abord cette image.',
  imageUnreadable: 'Impossible de vérifier si {{pool}}/{{name}} existe.',
  macFree: 'L’adresse MAC {{mac}} n’est utilisée par aucune définition, sur aucun hôte.',
  macGenerated: 'Adresse MAC {{mac}} générée : aucune définition ne l’utilise, sur aucun hôte.',
  macUsed:
    'L’adresse MAC {{mac}} est déjà utilisée par {{vm}} sur {{host}} : chaque VM a besoin de la sienne.',
  macUnconfirmed:
    'La définition de {{vm}} sur {{host}} est illisible : impossible de garantir que l’adresse MAC est unique.',
  bridgePresent: 'Le pont {{bridge}} existe sur tous les hôtes.',
  bridgeMissing: 'Le pont {{bridge}} manque sur {{hosts, list}}.',
  bridgeUnchecked: 'Le pont {{bridge}} n’a pas pu être vérifié : pas de réponse de {{hosts, list}}.',
  isoPresent: '{{iso}} est présente sur tous les hôtes.',
  isoMissing: '{{iso}} manque sur {{hosts, list}} : placez-la d’abord sur chaque hôte.',
  noIso: 'Pas de support d’installation : le lecteur de CD-ROM reste vide.',
  isoUnchecked: '{{iso}} n’a pas pu être vérifiée : pas de réponse de {{hosts, list}}.',
  secretSame: 'Le secret Ceph {{uuid}} est défini, avec sa valeur, sur tous les hôtes.',
  secretNone:
    'Aucun secret Ceph (usage ceph) n’est défini sur {{host}} : définissez-y le secret du cluster (virsh secret-define, secret-set-value).',
  secretDiffers:
    'Le secret Ceph diffère d’un hôte à l’autre : {{host}} a {{found}}, {{reference}} a {{uuid}}. Définissez le même UUID sur tous les hôtes.',
  secretNoValue:
    'Le secret Ceph {{uuid}} n’a pas de valeur utilisable sur {{host}} : donnez-la avec virsh secret-set-value.',
  domainType: 'Les domaines {{type}} sont proposés par tous les hôtes.',
  domainTypeMissing: '{{host}} ne propose pas de domaines {{type}}.',
  kvmMissing: '{{host}} ne propose pas KVM : la VM tournerait sans accélération. Utilisez des hôtes KVM.',
  machine: 'Type de machine {{machine}} : proposé par tous les hôtes (pc y vaut {{pcs}}).',
  machineNone:
    'Aucun type de machine i440fx versionné n’est proposé par tous les hôtes (pc y vaut {{pcs}}) : la VM ne pourrait pas migrer entre eux.',
  memory: '{{host}} a {{available, mib}} disponibles ; {{name}} a besoin de {{need, mib}}.',
  memoryShort:
    'Pas assez de mémoire sur {{host}} : {{name}} a besoin de {{need, mib}} ; {{host}} a {{available, mib}} disponibles.',
  memoryUnknown: 'Impossible de lire la mémoire libre de {{host}}.',
  memoryNotStarted: '{{name}} n’est pas démarrée par cette tâche : la mémoire sera vérifiée au démarrage.',
  refused: {
    one: 'Rien n’a été créé pour {{name}} : {{count, number}} vérification a échoué.',
    other: 'Rien n’a été créé pour {{name}} : {{count, number}} vérifications ont échoué.',
  },
  stepFailed: '« {{step}} » a échoué sur {{host}}',
  failedUndone:
    'La création de {{name}} a échoué ({{cause, message}}). Tout ce que cette tâche avait fait a été défait.',
  failedRemains:
    'La création de {{name}} a échoué ({{cause, message}}). L’annulation n’a pas pu retirer la définition sur {{hosts, list}} ni les images {{images, list}} : utilisez « Nettoyer » quand les hôtes répondent.',
  readBackDiffers: '{{host}} relit une autre définition que celle envoyée ({{fields, list}}).',
  imageCreateFailed: 'rbd n’a pas pu créer {{image}}.',
  cleanupDone: 'Retiré ce que la création de {{name}} avait laissé : {{removed, list}}.',
  cleanupNothing: 'Rien de ce que cette création avait laissé n’a été trouvé.',
  cleanupRemains: 'Toujours là : définitions sur {{hosts, list}}, images {{images, list}}.',
  cleanupUnknownJob:
    'Aucune création de VM échouée {{job}} n’est connue de l’application (les tâches sont gardées jusqu’à sa fermeture) : retirez à la main ce qui reste.',
  cancelled: 'Annulé par l’utilisateur.',
  deleteRefused: {
    one: '{{name}} n’a pas été supprimée : {{count, number}} raison.',
    other: '{{name}} n’a pas été supprimée : {{count, number}} raisons.',
  },
  deleteConfirm: 'Le nom saisi ({{typed}}) n’est pas celui de la VM ({{name}}).',
  deleteRunning: '{{name}} tourne sur {{hosts, list}} : arrêtez-la d’abord.',
  deleteUnreachable:
    '{{host}} définit peut-être {{name}} et ne répond pas : supprimez-la quand il sera revenu, ou isolez-le (fencing) d’abord s’il est perdu.',
  deleteSnapshots: {
    one: '{{image}} a {{count, number}} instantané : cochez « purger les instantanés » pour le supprimer aussi, ou gardez les images.',
    other:
      '{{image}} a {{count, number}} instantanés : cochez « purger les instantanés » pour les supprimer aussi, ou gardez les images.',
  },
  deleteWatchers: '{{image}} est ouverte par {{watchers, list}} : quelque chose l’utilise encore.',
  deleteProtected:
    '{{image}} a des instantanés protégés ({{snapshots, list}}) : ce sont des modèles dont des clones peuvent dépendre. Déprotégez-les d’abord dans la vue stockage (aplatissez ou supprimez leurs clones).',
  deleteFencedCopy:
    'Une copie isolée de {{name}} existe encore sur {{hosts, list}} : détruisez-la d’abord là-bas (vue VM, isolement).',
  deleteChanged:
    'La définition de {{name}} a changé depuis la demande de suppression (nouveaux disques {{images, list}}) : vérifiez-la et recommencez.',
  deleteUndone:
    '{{name}} n’a pas été supprimée : {{host}} a refusé le undefine ({{cause, message}}). Elle a été redéfinie sur {{hosts, list}} ; aucune image n’a été touchée.',
  deletePartly:
    '{{name}} n’a pas été supprimée : {{host}} a refusé le undefine ({{cause, message}}), et elle n’a pas pu être redéfinie sur {{hosts, list}} : copiez-y sa définition (vue VM, synchronisation) quand l’hôte répond ; aucune image n’a été touchée.',
  deleteSharedImage: '{{image}} est aussi un disque de {{others, list}} : elle est gardée.',
  renameRefused: {
    one: '{{name}} n’a pas été renommée : {{count, number}} raison.',
    other: '{{name}} n’a pas été renommée : {{count, number}} raisons.',
  },
  renameRunning: '{{name}} tourne sur {{hosts, list}} : une VM se renomme arrêtée. Arrêtez-la d’abord.',
  renameSame: '{{name}} porte déjà ce nom.',
  renameManagedSave:
    '{{name}} a un état sauvegardé (managed save) sur {{host}} : démarrez-la là-bas puis arrêtez-la, ou supprimez cet état, d’abord.',
  renameSnapshots:
    'libvirt refuse de renommer {{name}} : {{host}} garde des métadonnées d’instantanés pour elle ({{snapshots, list}}). Supprimez d’abord ces instantanés (ou leurs métadonnées).',
  renameUndone: 'Le renommage de {{name}} a échoué ({{cause, message}}). Tout a été remis en l’état.',
  renamePartly:
    'Le renommage de {{name}} a échoué ({{cause, message}}), et l’annulation n’a pas pu rétablir {{remains, list}} : vérifiez-les dans les vues VM et stockage.',
  vmUnknown:
    'Aucun hôte qui répond ne définit de VM d’UUID {{uuid}} : vérifiez que les hôtes sont connectés (elle a peut-être été supprimée entre-temps).',
  renamed: '{{name}} s’appelle maintenant {{newName}} sur {{hosts, list}}.',
  deleted: '{{name}} a été retirée de {{hosts, list}} ; images supprimées : {{images, list}}.',
  // Clone.
  cloneSourceUnknown:
    'Aucun hôte ne définit de VM d’UUID {{uuid}} : elle a peut-être été supprimée. Rafraîchissez la vue.',
  cloneSourceOff: '{{name}} est arrêtée sur tous les hôtes : son disque ne change pas pendant l’instantané.',
  cloneSourceRunning:
    '{{name}} tourne sur {{hosts, list}} : une VM se clone arrêtée (son disque ne doit pas changer pendant l’instantané). Arrêtez-la d’abord.',
  cloneSourceUnreachable:
    '{{host}} fait peut-être tourner {{name}} et ne répond pas : clonez quand il sera revenu.',
  cloneDiskCount: {
    one: '{{name}} a {{count, number}} disque RBD : une VM se clone quand elle en a exactement un (et des CD-ROM).',
    other:
      '{{name}} a {{count, number}} disques RBD : une VM se clone quand elle en a exactement un (et des CD-ROM).',
  },
  cloneLocalDisk:
    'Le disque {{target}} de {{name}} n’est pas une image RBD ({{source}}) : son clone le partagerait. Seules les VM dont les disques sont dans Ceph se clonent.',
  cloneDisk:
    'Le disque du clone {{pool}}/{{name}} sera un enfant copy-on-write de {{parent}}@{{snapshot}} : prêt en quelques secondes, quelle que soit sa taille.',
  cloneSnapshotTaken:
    '{{parent}} a déjà un instantané {{snapshot}} (un clone {{name}} en a déjà été fait) : choisissez un autre nom, ou supprimez cet instantané dans la vue stockage.',
  cloneTemplate: '{{parent}}@{{snapshot}} est un instantané protégé : un modèle.',
  cloneTemplateMissing: '{{parent}} n’a pas d’instantané {{snapshot}} : rafraîchissez la vue stockage.',
  cloneTemplateUnprotected:
    '{{parent}}@{{snapshot}} n’est pas protégé, ce n’est donc pas un modèle : protégez-le d’abord (rbd snap protect {{parent}}@{{snapshot}}).',
  cloneSourceUnreadable: 'Impossible de lire {{parent}} dans Ceph.',
  cloneMachineKept: 'Le clone garde le type de machine {{machine}} de {{name}} (il migre comme sa source).',
  cloneRefused: {
    one: 'Rien n’a été cloné vers {{name}} : {{count, number}} vérification a échoué.',
    other: 'Rien n’a été cloné vers {{name}} : {{count, number}} vérifications ont échoué.',
  },
  cloneImageFailed: 'rbd n’a pas pu cloner {{parent}}@{{snapshot}} en {{image}}.',
  cloneSnapshotFailed: 'rbd n’a pas pu faire l’instantané {{snapshot}} de {{parent}}.',
  cloneSnapshotKept: 'L’instantané {{snapshot}} n’a pas pu être supprimé.',
  cloneFailedUndone:
    'Le clonage vers {{name}} a échoué ({{cause, message}}). Tout ce que cette tâche avait fait a été retiré ; la source n’a pas été touchée.',
  cloneFailedRemains:
    'Le clonage vers {{name}} a échoué ({{cause, message}}). L’annulation n’a pu retirer ni la définition sur {{hosts, list}} ni {{images, list}} : utilisez « Nettoyer » quand les hôtes répondront.',
  cloneFlattenFailed:
    '{{name}} a été cloné et défini partout, mais l’aplatissement de {{image}} a échoué : il dépend encore de {{parent}}@{{snapshot}}. Aplatissez-le plus tard (rbd flatten {{image}}).',
}
