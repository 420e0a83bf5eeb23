import type { MessageCatalog } from '../../../shared/messages/message'

/** The core's own errors in French: every key of shared/messages/errors-core.ts. */
export const coreErrorsFr: MessageCatalog['coreErrors'] = {
  unknownMethod: 'Le cœur n’a pas de méthode {{method}}.',
  invalidParams: 'Le cœur a refusé les paramètres de {{method}} : {{problem}}',
  badResult: 'Le cœur a renvoyé un résultat invalide pour {{method}} : {{problem}}',
  coreUnavailable: 'Le processus du cœur ne tourne pas.',
  coreUnavailableHint: 'Redémarrez Hyperdesk.',
  unknownJob: 'Aucune tâche {{id}}.',
  notCancellable: '« {{title, message}} » ne peut plus être annulée une fois commencée.',
  notWaitingForPassphrase: '{{host}} n’attend pas la phrase de passe de {{file}}.',
  refreshFailed:
    '{{host}} n’a pas pu être lu. Ce que l’application affiche pour lui est ce qu’il a dit en dernier.',
  refreshSectionFailed: 'virsh {{section}} a échoué sur {{host}}.',
  refreshHint:
    'Vérifiez avec le diagnostic de l’hôte qu’etalab peut utiliser libvirt (groupe libvirt) et que libvirtd tourne.',
  statsUnreadable:
    '{{host}} a répondu à virsh nodecpustats/nodememstats par quelque chose que Hyperdesk ne sait pas lire.',
  statsHint: 'Lancez le diagnostic de l’hôte : il vérifie qu’etalab peut utiliser libvirt sur cet hôte.',
  noStats: 'Pas de statistiques pour {{name}} sur {{host}} : y tourne-t-elle ?',
  notRunningGateway: '{{name}} n’est pas démarrée : sa passerelle dépend de l’hôte sur lequel elle tourne.',
  startFirstHint: 'Démarrez-la d’abord.',
  feedNotUrl: 'Le flux des versions {{url}} n’est pas une URL.',
  feedNotHttps: 'Le flux des versions {{url}} doit être en https (http simple seulement sur 127.0.0.1).',
  feedHint: 'Réglez HYPERDESK_UPDATE_FEED sur une URL https, ou sur « off ».',
  badArgument: '{{value}} n’est pas un {{what}} valide : {{problem}}',
  badArgumentPlain: '{{value}} n’est pas un {{what}} valide.',
  nothingSentHint: 'Rien n’a été envoyé à l’hôte.',
}
