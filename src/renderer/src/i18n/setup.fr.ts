import type { setupEn } from './setup.en'

/** The cluster file's form (fr). */
export const setupFr: typeof setupEn = {
  setup: {
    title: 'Décrivez votre cluster',
    intro:
      'Pas encore de fichier du cluster. Décrivez ici vos hyperviseurs (ou importez-les depuis ~/.ssh/config) : Hyperdesk écrit le fichier, se connecte à chaque hôte, vous demande de confirmer sa clé d’hôte et montre ce qui manque à chaque hôte.',
    edit: 'Modifier les hôtes…',
    editTitle: 'Modifier le fichier du cluster',
    cancel: 'Annuler',
    clusterName: 'Nom du cluster',
    sshTitle: 'SSH',
    sshUser: 'Utilisateur SSH',
    auth: 'Authentification',
    authAgent: 'Clés de mon ssh-agent (ou ~/.ssh/id_*)',
    authKey: 'Ce fichier de clé',
    keyFile: 'Fichier de clé',
    useSshConfig: 'Appliquer ~/.ssh/config à ces hôtes (noms, utilisateurs, clés, rebonds)',
    hostsTitle: 'Hyperviseurs',
    hostName: 'Nom',
    address: 'Adresse SSH',
    migrationAddress: 'Adresse de migration',
    gateway: 'Passerelle des invités',
    removeHost: 'Retirer {{host}}',
    addHost: 'Ajouter un hôte',
    cephTitle: 'Ceph',
    cephClient: 'Client Ceph (client.…)',
    pools: 'Pools RBD (séparés par des virgules)',
    guestsTitle: 'Invités',
    guestLayout: 'Clavier des invités',
    guestLayoutHint:
      'Pour une VM dont la définition n’en nomme aucun (ni réglage Hyperdesk, ni keymap VNC) : le clavier avec lequel sa console tape, et le choix par défaut de l’assistant de création.',
    importTitle: 'Importer depuis ~/.ssh/config',
    importButton: 'Lire ~/.ssh/config',
    importExplain:
      'Hyperdesk lit le fichier lui-même (il ne lance jamais ssh). Cochez les hôtes qui sont des hyperviseurs : leur adresse est l’alias, donc ~/.ssh/config continue de s’appliquer.',
    importAdd: 'Ajouter les hôtes cochés',
    importRefused: 'refusé par ssh aussi',
    importFrom: '{{file}}, ligne {{line}}',
    save: 'Écrire le fichier du cluster et se connecter',
    saving: 'Écriture…',
    saved: 'Fichier du cluster écrit : {{path}}.',
    previousKept: 'L’ancien fichier est conservé sous {{path}}.',
    problemsTitle: 'Rien n’a été écrit : corrigez d’abord ces champs',
    progressTitle: 'Connexion à vos hôtes',
    progressExplain:
      'Chaque nouvel hôte vous demande de confirmer sa clé d’hôte : comparez l’empreinte avec celle que montre l’hôte (ssh-keygen -lf sur l’hôte), puis acceptez. Le docteur vérifie ensuite ce dont l’hôte a besoin.',
    doctorPending: 'Le docteur n’a pas encore été lancé.',
    doctorSummary: '{{ok}} vérifications réussies, {{warn}} avertissements, {{fail}} en échec',
  },
}
