/** Textes des consoles (VNC, série, shell d’hôte) et de l’aide réseau de l’invité. */
export const consoleFr = {
  console: {
    dock: 'Consoles',
    toolbar: 'Actions de la console',
    vncTab: '{{name}} (écran)',
    serialTab: '{{name}} (série)',
    shellTab: 'Shell sur {{host}}',
    closeTab: 'Fermer {{title}}',
    hide: 'Masquer les consoles',
    show: 'Afficher les consoles',
    openVnc: 'Console',
    openSerial: 'Console série',
    openShell: 'Terminal sur cet hôte',
    connecting: 'Connexion à l’écran de {{name}}…',
    connectedTo: '{{name}} sur {{host}} (port VNC {{port}}, via {{via}})',
    vncClosed:
      'La console s’est fermée (VM arrêtée, migrée, ou hôte injoignable). Elle se reconnecte quand la VM tourne de nouveau.',
    wrongGuest:
      'Refusé : l’écran sur {{host}} est celui de « {{got}} », pas de « {{expected}} » (les ports sont réutilisés). Rien n’en a été affiché. Reconnectez pour relire l’affichage.',
    scale: 'Adapter à la fenêtre',
    combos: 'Envoyer des touches…',
    layout: 'Clavier de l’invité : {{layout}}, {{from}}',
    layoutFrom: {
      setting: 'réglé pour cette VM',
      vncKeymap: 'd’après son keymap VNC {{keymap}}',
      cluster: 'par défaut du cluster (rien dans sa définition)',
    },
    layoutHint:
      'Le texte tapé est envoyé avec les touches de cette disposition. Modifiable dans la vue de la VM (réglages).',
    network: 'Lignes réseau',
    reconnect: 'Reconnecter',
    ctrlAltDel: 'Ctrl+Alt+Suppr',
    typeLabel: 'Texte à taper dans l’invité',
    typePlaceholder: 'Commande à envoyer, touches adaptées au clavier de l’invité (Entrée pour envoyer)',
    typeSend: 'Taper',
    untypable: 'Impossible de taper {{chars}} sur un clavier {{layout}}.',
    loading: 'Chargement…',
    opening: 'Ouverture…',
    closed: 'fermée',
    slowClient: 'fermée : cette fenêtre a cessé trop longtemps de lire la sortie de la console. Rouvrez-la.',
    serialOn: 'Console série sur {{host}} (Ctrl+] quitte virsh console)',
    shellOn: 'Shell sur {{host}}',
    networkFor: '{{name}} tourne sur {{host}} : sa passerelle est {{gateway}}, son IP failover {{ip}}.',
    networkForNoIp:
      '{{name}} tourne sur {{host}} : sa passerelle est {{gateway}} ; aucune IP failover n’est notée pour elle.',
    networkForNoGateway:
      '{{name}} tourne sur {{host}}, qui n’a pas de passerelle dans le fichier du cluster.',
    interfacesBlock: 'Son bloc /etc/network/interfaces (comme dans le runbook) :',
    fixSequence: 'Pour changer sa passerelle sans risque, taper en root, dans cet ordre :',
    rootPromptShown: 'Un prompt root (#) est affiché dans cette console',
    typeCommands: 'Taper ces commandes',
    openAfterMigration: 'Ouvrir ses consoles',
    afterMigrationHint:
      'Puis « Lignes réseau » dans la console série tape le changement de passerelle une fois le prompt root confirmé.',
    typedCheck:
      'Tapé. Vérifiez la sortie dans la console : la table de routage doit montrer la nouvelle passerelle.',
  },
  vmSettings: {
    title: 'Réglages Hyperdesk',
    failoverIp: 'IP failover',
    badIp: 'Une adresse IPv4, par ex. 87.98.165.65',
    layout: 'Clavier de l’invité',
    layouts: { fr: 'Français (AZERTY)', us: 'US (QWERTY)' },
    save: 'Enregistrer sur tous les hôtes',
    hint: 'Conservés dans la définition de la VM sur chaque hôte : ils la suivent lors des synchronisations et migrations.',
  },
}
