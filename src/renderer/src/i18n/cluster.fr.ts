import type { clusterEn } from './cluster.en'

export const clusterFr: typeof clusterEn = {
  tree: {
    filter: 'Filtrer VMs et hôtes…',
    vmCount_one: '{{count}} VM',
    vmCount_other: '{{count}} VMs',
    memory: 'mém',
    stopped_one: 'Arrêtées ({{count}})',
    stopped_other: 'Arrêtées ({{count}})',
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
}
