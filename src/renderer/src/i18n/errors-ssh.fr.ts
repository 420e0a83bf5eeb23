import type { MessageCatalog } from '../../../shared/messages/message'

/** The SSH connection's errors in French: every key of shared/messages/errors-ssh.ts. */
export const sshErrorsFr: MessageCatalog['sshErrors'] = {
  keyFileUnreadable: 'Impossible de lire le fichier de clé {{file}}.',
  keyFileHint:
    'Vérifiez le chemin et les droits du fichier (identityFile dans le fichier du cluster, ou IdentityFile dans ~/.ssh/config).',
  badPassphrase: 'La phrase de passe ne déchiffre pas {{file}}.',
  badPassphraseHint: 'Saisissez de nouveau la phrase de passe. Rien n’a été envoyé à l’hôte.',
  cancelledBeforeStart: 'Annulé avant d’avoir commencé.',
  noKeyToAccept:
    '{{host}} n’a aucune clé d’hôte inconnue en attente de confirmation (état : {{status, message}}).',
  keyMismatch: '{{host}} a présenté {{offered}} et non {{expected}} : rien n’a été enregistré.',
  keyMismatchHint: 'Reconnectez-vous et comparez l’empreinte affichée avec celle relevée sur l’hôte.',
  busy: '{{host}} a déjà {{count, number}} consoles ou terminaux ouverts.',
  busyHint: 'Fermez d’abord une console ou un terminal sur cet hôte.',
  closing: 'La connexion à {{host}} est en cours de fermeture.',
  connectTimedOut: '{{host}} n’a pas fini de se connecter à temps.',
  connectTimedOutHint: 'Vérifiez l’hôte et le réseau, puis réessayez.',
  notConnected: '{{host}} n’est pas connecté.',
  notConnectedHint: 'Connectez-vous d’abord à l’hôte.',
  notConnectedOffline: '{{host}} est hors ligne : il n’a pas répondu.',
  notConnectedNoKey: '{{host}} n’est pas connecté : aucune clé SSH ne lui a été proposée.',
  notConnectedAuthFailed: '{{host}} n’est pas connecté : il a refusé la clé SSH.',
  notConnectedAuthFailedHint:
    'Vérifiez que votre clé figure dans le fichier authorized_keys de l’hôte, puis reconnectez-vous.',
  notConnectedPassphrase: '{{host}} n’est pas connecté : la phrase de passe d’une clé est attendue.',
  notConnectedPassphraseHint: 'Saisissez la phrase de passe de la clé, puis reconnectez-vous.',
  notConnectedKeyUnknown: '{{host}} n’est pas connecté : sa clé d’hôte n’est pas encore confirmée.',
  notConnectedKeyUnknownHint:
    'Comparez la clé d’hôte avec celle relevée sur l’hôte, et acceptez-la si elle est identique.',
  notConnectedKeyChanged: '{{host}} n’est pas connecté : sa clé d’hôte a changé.',
  notConnectedKeyChangedHint:
    'Ce peut être une attaque : vérifiez la nouvelle empreinte sur la console de l’hôte avant de remplacer la clé dans known_hosts.',
  notConnectedUnsupported:
    '{{host}} n’est pas connecté : Hyperdesk ne peut pas le joindre comme ses réglages l’indiquent.',
  notConnectedUnsupportedHint:
    'Corrigez les réglages de l’hôte (fichier du cluster ou ~/.ssh/config), puis rechargez-les.',
  channelFailed: 'Impossible d’ouvrir un canal sur {{host}}.',
  connectAgainHint: 'Reconnectez-vous à l’hôte.',
  droppedHint: 'La connexion vient peut-être de tomber ; Hyperdesk se reconnecte tout seul.',
  unknownHost: 'Aucun hôte nommé {{host}} dans le fichier du cluster.',
  unknownHostHint: 'Vérifiez les noms d’hôtes dans les réglages.',
  offlineUnreachable: 'Impossible de joindre {{host}} : {{reason, message}}',
  offlineLost: 'Connexion à {{host}} perdue : {{reason, message}}',
}
