import type { MessageCatalog } from '../../../shared/messages/message'

/** Install media in French: every key of shared/iso-texts.ts, same placeholders. */
export const isoFr: MessageCatalog['iso'] = {
  nameRule: 'Le nom d’ISO {{name}} {{problem}}.',
  hostOffline:
    '{{host}} ne répond pas ({{status, message}}) : l’ISO va sur tous les hôtes, chacun doit donc répondre.',
  poolReady: 'Le pool d’images {{pool}} est actif sur {{host}} ({{path}}).',
  poolMissing:
    'Le pool d’images {{pool}} n’est pas défini sur {{host}} : définissez-le (virsh pool-define-as {{pool}} dir --target /var/lib/libvirt/images ; virsh pool-start {{pool}} ; virsh pool-autostart {{pool}}), ou réglez imagesPool dans le fichier du cluster.',
  poolInactive: 'Le pool d’images {{pool}} n’est pas démarré sur {{host}} : virsh pool-start {{pool}}.',
  poolUnreadable: 'Impossible de lire le pool d’images {{pool}} sur {{host}}.',
  nameFree: 'Aucun hôte n’a encore {{name}} dans {{pool}}.',
  namePresent:
    '{{name}} existe déjà dans {{pool}} sur {{hosts, list}} : choisissez un autre nom, ou choisissez cette ISO dans l’assistant.',
  namePresentSame:
    '{{host}} a déjà {{name}} dans {{pool}}, de même taille : il est sauté si son SHA-256 est celui de l’envoi, et jamais écrasé.',
  namePresentOther:
    '{{host}} a déjà un autre {{name}} dans {{pool}} ({{found, size}}, pas {{size, size}}) : il n’est pas écrasé. Supprimez-le là-bas (virsh vol-delete --pool {{pool}} {{name}}) ou choisissez un autre nom.',
  space: '{{host}} a {{free, size}} de libre dans {{pool}} pour {{size, size}}.',
  spaceShort:
    '{{host}} n’a que {{free, size}} de libre dans {{pool}}, moins que les {{size, size}} de l’ISO.',
  refused: {
    one: 'Rien n’a été envoyé : {{count, number}} vérification a échoué.',
    other: 'Rien n’a été envoyé : {{count, number}} vérifications ont échoué.',
  },
  stepCheck: 'la vérification du pool d’images',
  stepCreate: 'la création du volume (vol-create-as)',
  stepSend: 'l’envoi des données (vol-upload)',
  stepVerify: 'la vérification du SHA-256 (vol-download)',
  failedUndone:
    'L’envoi de {{name}} a échoué sur {{host}} pendant {{step, message}}. Les volumes créés par cette tâche ont été supprimés : il ne reste rien sur aucun hôte.',
  failedRemains:
    'L’envoi de {{name}} a échoué sur {{host}} pendant {{step, message}}, et l’annulation n’a pas pu le supprimer sur {{remains, list}} : supprimez-le là-bas (virsh vol-delete --pool {{pool}} {{name}}).',
  cancelledUndone:
    'Envoi de {{name}} annulé. Les volumes créés par cette tâche ont été supprimés : il ne reste rien sur aucun hôte.',
  cancelledRemains:
    'Envoi de {{name}} annulé, et l’annulation n’a pas pu le supprimer sur {{remains, list}} : supprimez-le là-bas (virsh vol-delete --pool {{pool}} {{name}}).',
  checksumDiffers: 'Le SHA-256 de {{name}} sur {{host}} est {{found}}, et non {{sent}} comme envoyé.',
  expectedDiffers:
    'Le fichier envoyé a pour SHA-256 {{sent}}, et non {{expected}} comme attendu : ce n’est pas le fichier voulu (ou il est abîmé sur le poste).',
  sizeDiffers: '{{received, size}} sont arrivés au lieu des {{size, size}} annoncés.',
  clientStopped: 'La fenêtre a cessé d’envoyer {{name}} (rien depuis {{seconds}} s).',
  chunkOutOfOrder:
    'Un morceau de {{name}} est arrivé à l’octet {{offset}} alors que l’octet {{received}} était attendu.',
  hostFailed: '{{host}} a échoué',
  unknownJob: 'Aucun envoi {{job}} n’attend de données : il est terminé ou n’a jamais commencé.',
  ended: 'L’envoi de {{name}} est terminé : plus aucune donnée n’est prise.',
  uploaded: '{{name}} ({{size, size}}, SHA-256 {{sha256}}) est dans {{pool}} sur {{hosts, list}}.',
  checksumSame: 'SHA-256 sur {{host}} : {{sha256}}, comme envoyé.',
  presentSkipped: '{{host}} avait déjà {{name}} avec le même SHA-256 : sauté.',
  presentDiffers:
    '{{hosts, list}} avait déjà un autre {{name}} (pas le SHA-256 {{sent}} du fichier envoyé) : il n’a pas été écrasé, et les copies faites par cette tâche sur les autres hôtes ont été supprimées. Supprimez-le là-bas (virsh vol-delete --pool {{pool}} {{name}}) ou choisissez un autre nom.',
  ejectNothing: '{{name}} n’a de CD-ROM avec un support sur aucun hôte : rien à éjecter.',
  ejectUnreachable:
    '{{host}} définit {{name}} et ne répond pas : sa définition garderait l’ISO. Réessayez quand il répondra.',
  ejectFailed: 'L’éjection du CD-ROM de {{name}} a échoué sur {{host}}.',
  ejected: 'Le CD-ROM de {{name}} ({{targets, list}}) est vide dans la définition sur {{hosts, list}}.',
  ejectedLive: 'Il a aussi été éjecté de la VM en marche sur {{host}}.',
  ejectLiveRefused:
    'libvirt ne l’a pas éjecté de la VM en marche sur {{host}} : la définition est vide, et le lecteur se videra au prochain démarrage de {{name}}.',
}

/** Host connection statuses in French (shared/messages/host-status.ts). */
export const hostStatusFr: MessageCatalog['hostStatus'] = {
  idle: 'non connecté',
  connecting: 'connexion en cours',
  online: 'en ligne',
  offline: 'hors ligne',
  'no-key': 'aucune clé SSH proposée',
  'auth-failed': 'sa clé SSH a été refusée',
  'passphrase-needed': 'en attente de la phrase secrète d’une clé',
  'key-unknown': 'sa clé d’hôte n’est pas encore confirmée',
  'key-changed': 'sa clé d’hôte a changé',
  unsupported: 'non pris en charge',
  unknown: 'non configuré',
}
