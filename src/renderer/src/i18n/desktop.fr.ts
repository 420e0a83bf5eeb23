import type { desktopEn } from './desktop.en'

/** Aide, raccourcis, À propos, saut rapide, notifications (même forme que desktop.en.ts). */
export const desktopFr: typeof desktopEn = {
  help: {
    open: 'Aide',
    title: 'Aide',
    close: 'Fermer',
    shortcuts: 'Raccourcis clavier',
    key: 'Touches',
    action: 'Action',
    jump: 'Aller à une VM ou un hôte',
    refresh: 'Actualiser les hôtes et les VM',
    help: 'Afficher cette aide',
    escape: 'Fermer une boîte de dialogue ou un volet',
    treeKeys: 'Dans l’arbre : se déplacer, replier, ouvrir',
    about: 'À propos',
    version: 'Hyperdesk {{version}} ({{platform}}, Node {{node}})',
    versionUnknown: 'Hyperdesk (version pas encore connue)',
    home: 'Page du projet',
    issues: 'Signaler un problème',
    releases: 'Versions',
    license: 'Logiciel libre sous licence MIT.',
    log: 'Pour signaler un problème, joignez le journal : menu Aide › Ouvrir le dossier des journaux (le mode navigateur affiche son chemin au démarrage).',
  },
  jump: {
    title: 'Aller à une VM ou un hôte',
    label: 'Nom d’une VM ou d’un hôte',
    results: 'Résultats',
    none: 'Aucun résultat.',
    readingVms: 'Lecture des VM de chaque hôte… d’ici là, seuls les hôtes peuvent être trouvés.',
    noHost: 'Aucun hôte ne correspond.',
    host: 'hôte',
    vm: 'VM',
    close: 'Fermer',
  },
  notice: {
    ended: {
      succeeded: 'Terminé : {{title}}',
      failed: 'Échec : {{title}}',
      cancelled: 'Annulé : {{title}}',
    },
    body: 'Hyperdesk — {{cluster}}',
  },
  sidebarResize: 'Largeur de l’arbre',
}
