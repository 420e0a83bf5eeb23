import type { MessageCatalog } from '../../../shared/messages/message'

/** The errors of consoles and host shells in French: every key of shared/messages/errors-console.ts. */
export const consoleErrorsFr: MessageCatalog['consoleErrors'] = {
  displayUnreadable: 'virsh domdisplay a indiqué un affichage que Hyperdesk ne sait pas lire.',
  vmUnknown: 'Aucune VM d’UUID {{uuid}} n’est connue sur les hôtes connectés.',
  vmUnknownHint: 'Actualisez l’inventaire, ou vérifiez que ses hôtes sont en ligne.',
  runningTwice: '{{name}} tourne sur {{hosts, list}} : Hyperdesk ne devinera pas quelle console vous voulez.',
  runningTwiceHint:
    'Arrêtez la copie qui ne devrait pas tourner (voir la vue de la VM), puis ouvrez sa console.',
  hostUnreachable: '{{name}} tournait sur {{host}}, injoignable pour le moment.',
  hostUnreachableHint: 'Hyperdesk se reconnecte tout seul ; la console s’ouvrira quand l’hôte sera revenu.',
  notRunning: '{{name}} n’est pas démarrée : elle n’a pas de console à afficher.',
  notRunningHint: 'Démarrez-la d’abord (la console montre alors son démarrage).',
  noVnc: '{{name}} n’a pas d’affichage VNC sur {{host}}.',
  noVncHint: "Ajoutez <graphics type='vnc' listen='127.0.0.1'/> à sa définition (puis synchronisez-la).",
  displayFailed: 'Impossible de lire l’affichage de {{name}} sur {{host}}.',
  checkLibvirtHint: 'Vérifiez libvirtd sur cet hôte (vue de l’hôte › diagnostic).',
  serialBusy: 'Quelqu’un d’autre utilise la console série de {{name}} sur {{host}}.',
  serialBusyHint:
    'Hyperdesk ne la prend jamais de force (virsh console --force couperait l’autre personne) : demandez-lui de la quitter (Ctrl+]), ou utilisez la console VNC.',
  noSerial: '{{name}} n’a pas de console série.',
  noSerialHint:
    "Utilisez la console VNC, ou ajoutez <serial type='pty'/> et <console type='pty'/> à sa définition.",
  serialFailed: 'La console série de {{name}} sur {{host}} ne s’est pas ouverte.',
  serialNoAnswer: 'La console série de {{name}} sur {{host}} n’a pas répondu en 10 s.',
  closed: 'Cette console est fermée.',
  closedHint: 'Rouvrez-la.',
  shellFailed: 'Impossible d’ouvrir un shell sur {{host}}.',
  vncChannelFailed: 'Impossible d’ouvrir le canal VNC sur {{host}}.',
  vncNcFailed: 'Impossible d’ouvrir le canal VNC via nc sur {{host}}.',
  vncNcHint:
    'sshd y interdit la redirection TCP (AllowTcpForwarding) : autorisez-la pour cet utilisateur, ou installez netcat-openbsd sur l’hôte.',
  serialChannelFailed: 'Impossible d’ouvrir la console série sur {{host}}.',
  droppedHint: 'La connexion vient peut-être de tomber ; Hyperdesk se reconnecte tout seul. Réessayez.',
}
