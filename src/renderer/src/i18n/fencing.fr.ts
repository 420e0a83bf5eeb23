import type { FenceText } from '../../../shared/fencing'
import type { fencingEn } from './fencing.en'

/** Les textes de la feuille d’isolation (fencing), en français. */
export const fencingFr: typeof fencingEn = {
  fencing: {
    lastSeen: 'vue en marche pour la dernière fois sur {{host}}, {{host}} injoignable depuis {{since}}',
    lastSeenTree: 'vue en marche sur {{host}}, injoignable depuis {{since}}',
    lastSeenLong:
      '{{host}} ne répond pas : la VM y tourne peut-être encore. La démarrer ailleurs, c’est d’abord isoler {{host}}.',
    fenced: 'isolée',
    fencedLong:
      'Une copie isolée : ses clients Ceph sont sur la liste de blocage. Elle doit être détruite, jamais reprise.',
    fenceAndStart: 'Isoler {{host}} et démarrer ailleurs…',
    title: 'Isoler {{host}} et démarrer {{name}}',
    intro:
      '{{host}} ne répond pas : {{name}} y tourne peut-être encore. Avant de la démarrer ailleurs, Ceph doit refuser tous les clients que {{host}} a sur ses disques : l’application met leurs adresses exactes sur la liste de blocage (blocklist), relit la liste, et seulement ensuite démarre.',
    loading: 'Lecture des verrous, des watchers et de la liste de blocage…',
    checkAgain: 'Relire',
    targets: 'Ce qui sera bloqué',
    noTargets: 'Aucun client de {{host}} n’est connu sur ces disques : rien à bloquer.',
    address: 'Adresse du client',
    image: 'Disque',
    source: 'Connu par',
    sources: {
      'lock-owner': 'le détenteur du verrou du disque (rbd lock ls)',
      'recorded-watcher': 'relevé quand {{host}} répondait',
      'live-watcher': 'un watcher actif en ce moment',
    },
    warnings: 'Avant de confirmer',
    facts: 'Faits',
    startOn: 'Démarrer sur',
    confirmOff: 'Je confirme que {{host}} est éteint ou coupé du réseau (y compris celui de Ceph).',
    confirmLive_one: 'J’ai compris : cela coupe le disque d’une VM en marche ({{count}} client actif).',
    confirmLive_other: 'J’ai compris : cela coupe le disque d’une VM en marche ({{count}} clients actifs).',
    wholeIp:
      'Étape à part : bloquer toute l’IP {{ips}} (tous les clients Ceph de {{host}}, y compris ceux de l’application).',
    typeName: 'Tapez {{name}} pour confirmer :',
    confirm: 'Isoler {{host}} et démarrer sur {{to}}',
    cancel: 'Annuler',
    running: 'Isolation en cours…',
    done: 'Isolée et démarrée sur {{host}}.',
    failed:
      'Arrêté : les étapes faites sont listées ci-dessus, la raison ci-dessous. Vous pouvez confirmer à nouveau.',
    fencedTitle: 'Copie isolée sur {{host}} : à détruire',
    fencedExplain:
      'Quand {{host}} a de nouveau répondu, l’application a coupé le lien réseau de la copie et l’a mise en pause. Ceph refuse ses écritures. Détruisez-la ; l’application retire ensuite les entrées de blocage qu’elle a ajoutées.',
    destroy: 'Détruire la copie isolée',
    errorPolicy:
      "Ses disques Ceph ({{disks}}) n’ont pas error_policy='stop' : une copie coupée de Ceph (isolée) continuerait avec des erreurs d’entrée-sortie au lieu de se mettre en pause.",
    setErrorPolicy: 'L’ajouter à la définition sur chaque hôte',
    errorPolicyLater: 'Prend effet à son prochain démarrage.',
  },
}

/** The core's fencing sentences (shared/fencing.ts), in French: every key, same placeholders. */
export const fenceTextsFr: Record<FenceText, string> = {
  hostReachable:
    '{{host}} répond : il n’est pas perdu. Arrêtez {{name}} là-bas (ou migrez-la) au lieu d’isoler l’hôte.',
  lastSeenRunning:
    '{{name}} a été vue en marche pour la dernière fois sur {{host}}, injoignable depuis {{since}}.',
  lastSeenStopped:
    '{{name}} ne tournait pas sur {{host}} la dernière fois qu’il a répondu ({{host}} injoignable depuis {{since}}).',
  liveWatcher:
    'Le disque {{image}} est encore ouvert par {{address}} : un QEMU tourne et écrit en ce moment. L’isolation coupe le disque d’une VM en marche.',
  noAddress:
    'Aucune adresse de client de {{host}} n’est connue pour les disques de {{name}} (pas de détenteur de verrou, aucun watcher relevé quand {{host}} répondait) : seule l’isolation de toute l’IP de {{host}} peut l’arrêter.',
  noAddressNoIp:
    'Aucune adresse de client de {{host}} n’est connue pour les disques de {{name}}, ni aucune adresse Ceph de {{host}} : l’application ne peut pas l’isoler. Éteignez {{host}}, puis bloquez son adresse Ceph à la main.',
  wholeIp:
    'Bloquer {{ips}} en entier refuse tous les clients Ceph de {{host}}, y compris les rbd et ceph de l’application, jusqu’à ce que l’entrée soit retirée.',
  autostart:
    '{{vm}} a le démarrage automatique sur {{host}} : si {{host}} redémarre, un nouveau QEMU démarre avec une nouvelle adresse que cette isolation ne couvre pas. Désactivez-le quand {{host}} sera revenu (virsh autostart --disable).',
  managedSave:
    '{{vm}} a une sauvegarde d’état (managed save) sur {{host}} : si {{host}} redémarre, un démarrage là-bas reprendrait une mémoire périmée avec une nouvelle adresse non couverte.',
  watchTimeout:
    'Ceph oublie le watch d’un client perdu après {{seconds}} s (osd_client_watch_timeout) : un watcher disparu ne prouve rien sur l’hôte.',
  watchTimeoutUnknown: 'Impossible de lire osd_client_watch_timeout dans le cluster : {{error}}',
  expiry:
    'Chaque entrée expire après {{days}} jours (une heure par défaut dans Ceph) : l’application la retire elle-même une fois la copie isolée détruite.',
  alreadyBlocklisted: '{{address}} est déjà sur la liste de blocage (jusqu’au {{until}}).',
  privilegeNone:
    'Aucun client d’isolation n’est configuré : l’application essaiera avec client.{{client}}, que les droits du runbook refusent.',
  privilegeClient: 'L’isolation se fait avec {{client}}.',
  privilegeSudo: 'L’isolation se fait en root via sudo (le trousseau admin).',
  fencedCopy:
    '{{name}} sur {{host}} est une copie isolée (bloquée depuis {{since}}) : elle doit être détruite, jamais reprise.',
  isolated: 'L’application a coupé son lien réseau et l’a mise en pause dès que {{host}} a répondu.',
}
