import type { Messages } from './en'

export const fr: Messages = {
  app: { title: 'Hyperdesk', tagline: 'Cluster KVM/libvirt + Ceph' },
  header: {
    language: 'Langue',
    theme: 'Thème',
    themes: { system: 'Système', light: 'Clair', dark: 'Sombre' },
    connection: {
      connecting: 'Connexion au cœur…',
      connected: 'Connecté',
      disconnected: 'Déconnecté du cœur',
    },
  },
  sidebar: {
    cluster: 'Cluster',
    hosts: 'Hyperviseurs',
    noHosts: 'Aucun hyperviseur configuré pour l’instant.',
  },
  config: {
    title: 'Fichier du cluster',
    path: 'Fichier',
    reload: 'Relire le fichier',
    reloaded: 'Fichier du cluster relu.',
    status: {
      missing: 'Pas encore de fichier du cluster',
      invalid: 'Le fichier du cluster contient des erreurs',
      ok: 'Fichier du cluster chargé',
    },
    missingHelp:
      'Décrivez vos hyperviseurs dans ce fichier (JSON) : leurs noms, adresses SSH, adresses de migration et passerelles. Le README en donne un exemple.',
    problems: 'Problèmes à corriger',
    field: 'Champ',
    problem: 'Problème',
    hostsTitle: 'Hyperviseurs et accès',
    host: 'Hôte',
    sshTarget: 'SSH',
    keys: 'Clés',
    migration: 'Adresse de migration',
    gateway: 'Passerelle des VMs',
    fromSshConfig: 'depuis ~/.ssh/config',
    ignored: 'Directives ssh_config ignorées : {{list}}',
    agent: 'ssh-agent',
    ceph: 'Client Ceph',
    pools: 'Pools',
  },
  jobs: {
    title: 'Opérations',
    empty: 'Aucune opération pour l’instant.',
    notifications: 'Notifications',
    dismiss: 'Fermer',
  },
  browser: {
    noTokenTitle: 'Ouvrez Hyperdesk depuis son lien',
    noToken:
      'Cette page a besoin du lien secret affiché par `npm run serve` (il se termine par #token=…). Ouvrez ce lien dans ce navigateur.',
    disconnected:
      'Le cœur ne répond pas. `npm run serve` tourne-t-il toujours ? S’il a été relancé, ouvrez le nouveau lien qu’il a affiché.',
  },
  errors: { generic: 'Erreur' },
}
