import type { clusterEn } from './cluster.en'

export const clusterFr: typeof clusterEn = {
  tree: {
    filter: 'Filtrer VMs et hôtes…',
    vmCount_one: '{{count}} VM',
    vmCount_other: '{{count}} VMs',
    memory: 'mém',
    stopped_one: 'Arrêtées ({{count}})',
    stopped_other: 'Arrêtées ({{count}})',
    stale: 'dernier état connu',
    staleLong:
      '{{host}} est injoignable : c’est ce qu’il disait en dernier. La VM y tourne peut-être encore.',
    definedOn: 'sur {{hosts}}',
  },
  vmState: {
    running: 'En marche',
    blocked: 'En marche (inactive)',
    paused: 'En pause',
    shutdown: 'Arrêt en cours',
    shutoff: 'Arrêtée',
    crashed: 'Plantée',
    pmsuspended: 'Mise en veille par l’invité',
    nostate: 'État inconnu',
  },
  flags: {
    'running-twice': {
      short: 'LANCÉE DEUX FOIS',
      long: 'Tourne sur deux hôtes à la fois : deux QEMU écrivent sur un même disque. Arrêtez-en une maintenant.',
    },
    'uuid-mismatch': {
      short: 'UUID',
      long: 'Les hôtes définissent ce nom avec des UUID différents : la migration échouera.',
    },
    'autostart-multiple': {
      short: 'AUTOSTART×',
      long: 'Démarrage automatique activé sur plusieurs hôtes : un redémarrage pourrait la lancer deux fois.',
    },
    'managed-save': {
      short: 'SAUVÉE',
      long: 'Une sauvegarde d’état existe : démarrer reprendrait une mémoire périmée sur un disque modifié.',
    },
    drift: { short: 'DÉRIVE', long: 'Sa définition diffère entre les hôtes : synchronisez-la.' },
    'not-defined-everywhere': { short: 'PARTIELLE', long: 'Pas définie sur tous les hôtes.' },
    'host-unknown': { short: '?', long: 'Un hôte n’a pas pu être interrogé : son état y est inconnu.' },
  },
  vm: {
    gone: 'Cette VM n’est plus dans l’inventaire.',
    runningOn: 'en marche sur {{host}}',
    stopped: 'arrêtée',
    definedOn: 'définie sur {{hosts}}',
    missingOn: 'absente de {{hosts}}',
    unknownOn: 'inconnue sur {{hosts}} (injoignable)',
    start: 'Démarrer',
    startOn: 'Démarrer sur',
    shutdown: 'Arrêter',
    reboot: 'Redémarrer',
    forceOff: 'Arrêt forcé',
    forceOffTitle: 'Forcer l’arrêt de {{name}} sur {{host}} ?',
    forceOffExplain:
      'C’est une coupure de courant : les données non enregistrées dans la VM sont perdues et ses systèmes de fichiers devront peut-être être vérifiés.',
    typeName: 'Tapez {{name}} pour confirmer :',
    cancel: 'Annuler',
    shutdownTimedOut:
      'La VM ne s’est pas arrêtée à temps (elle ignore peut-être l’ACPI). Vous pouvez forcer l’arrêt.',
    refused: 'Non démarrée :',
    override: 'J’ai vérifié : elle ne tourne pas sur {{hosts}}. Démarrer quand même.',
    hardware: 'Matériel',
    vcpus: 'vCPU',
    memory: 'Mémoire',
    disk: 'Disque',
    cdrom: 'CD-ROM',
    empty: '(vide)',
    nic: 'Réseau',
    console: 'Console',
    keymap: 'clavier {{keymap}}',
    failoverIp: 'IP failover',
    notSet: 'non définie',
  },
  refusals: {
    'host-unreachable': '{{host}} est injoignable : {{vm}} y tourne peut-être.',
    'already-running': '{{vm}} tourne déjà sur {{host}}.',
    'running-elsewhere':
      '{{vm}} tourne sur {{host}} : la démarrer ici la ferait tourner deux fois sur un même disque.',
    'managed-save':
      '{{vm}} a une image mémoire sauvegardée sur {{host}} : elle reprendrait sur un disque peut-être modifié depuis. Supprimez-la sur {{host}} ou démarrez-la là-bas.',
    'image-in-use':
      'Un disque de {{vm}} est ouvert par un autre client : un QEMU l’utilise encore quelque part (après un plantage, cela expire en 30 s).',
  },
  definitions: {
    title: 'Définition sur chaque hôte',
    compare: 'Comparer',
    status: {
      reference: 'référence',
      same: 'identique à {{reference}}',
      different: 'diffère de {{reference}}',
      missing: 'non définie',
      unreachable: 'injoignable',
    },
    syncFrom: 'Définir partout la définition de',
    sync: 'Synchroniser',
  },
  graphs: {
    title: 'En direct sur {{host}}',
    cpu: 'CPU (tous les vCPU)',
    memory: 'Mémoire utilisée par QEMU',
  },
  jobKinds: {
    'vm.syncDefinition': 'Synchroniser la définition de {{vm}} depuis {{host}}',
    'vm.migrate': 'Migrer {{vm}} vers {{host}}',
    'vm.start': 'Démarrer {{vm}} sur {{host}}',
    'vm.shutdown': 'Arrêter {{vm}} sur {{host}}',
    'vm.forceOff': 'Arrêt forcé de {{vm}} sur {{host}}',
    'vm.reboot': 'Redémarrer {{vm}} sur {{host}}',
  },
  jobState: { running: 'en cours', succeeded: 'terminé', failed: 'échec', cancelled: 'annulé' },
}
