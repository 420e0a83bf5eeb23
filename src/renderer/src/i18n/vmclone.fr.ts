import type { vmCloneEn } from './vmclone.en'

/** The clone dialog and templates (issue 19 item 2), in French. */
export const vmCloneFr: typeof vmCloneEn = {
  vmClone: {
    open: 'Cloner…',
    titleVm: 'Cloner {{name}}',
    titleTemplate: 'Nouvelle VM depuis le modèle {{template}}',
    close: 'Fermer',
    introVm:
      'Son disque est pris en instantané, l’instantané protégé, puis le disque du clone en est un enfant copy-on-write : prêt en quelques secondes, quelle que soit sa taille. Le clone garde les réglages de {{name}} avec un nouveau nom, UUID et MAC, défini sur tous les hôtes.',
    introTemplate:
      'Le disque du clone est un enfant copy-on-write de cet instantané protégé : prêt en quelques secondes, quelle que soit sa taille. Sa définition est construite comme celle d’une nouvelle VM, avec un nouvel UUID et une nouvelle MAC, définie sur tous les hôtes.',
    running: '{{name}} tourne sur {{hosts}} : une VM se clone arrêtée. Arrêtez-la d’abord.',
    name: 'Nom de la nouvelle VM',
    pool: 'Pool de son disque',
    sameAsSource: 'celui de la source ({{pool}})',
    sameAsSourceUnknown: 'celui de la source',
    kept: 'Réglages',
    keptFromPlan: '{{vcpus}} vCPU, {{memory, mib}}, machine {{machine}} : ceux de {{name}}',
    keptUnknown: 'ceux de {{name}} (lus par les vérifications)',
    flattenLabel: 'Aplatir',
    flatten: 'Copier les données du parent dans le clone une fois défini (rbd flatten)',
    flattenHelp:
      'Il ne dépend alors plus de l’instantané. Cela dure le temps de copier le disque ; la VM est définie d’abord.',
    submit: 'Cloner vers {{name}}',
    cloning: 'Clonage vers {{name}}…',
    cancel: 'Annuler le clonage',
    succeeded: '{{name}} est définie sur {{hosts}} (MAC {{mac}}, {{machine}}).',
    dependsOn: 'Son disque {{image}} est un enfant copy-on-write de {{parent}}.',
    flattened: 'Son disque {{image}} a été aplati : il ne dépend plus de {{parent}}.',
    flattenFailed: 'L’aplatissement n’a pas eu lieu :',
    failed: 'Le clonage a échoué.',
  },
  templates: {
    badge: 'modèle',
    badgeTitle: 'Un instantané protégé : on en clone de nouvelles VM.',
    clone: 'Cloner depuis ce modèle…',
    count_one: '{{count}} modèle',
    count_other: '{{count}} modèles',
  },
}
