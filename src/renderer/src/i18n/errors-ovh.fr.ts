import type { MessageCatalog } from '../../../shared/messages/message'

/** OVH's errors in French: every key of shared/messages/errors-ovh.ts. */
export const ovhErrorsFr: MessageCatalog['ovhErrors'] = {
  notConfigured:
    'Aucun identifiant OVH : ni dans l’environnement (OVH_ENDPOINT, OVH_APPLICATION_KEY, OVH_APPLICATION_SECRET, OVH_CONSUMER_KEY), ni dans {{files, list}}, ni dans le trousseau du système.',
  notUsable: 'Aucun identifiant OVH utilisable : {{problems, messages}}',
  notConfiguredHint:
    'Saisissez-les dans les réglages OVH (conservés dans le trousseau du système), ou écrivez-les dans ~/.ovh.conf (chmod 600) comme l’attendent les outils d’OVH, avec une clé consommateur limitée aux règles d’accès listées par Hyperdesk.',
  hostUnmapped:
    '{{host}} n’a pas de nom de service OVH (ovhServiceName) dans le fichier du cluster : l’application ne peut pas dire à OVH de quel serveur il s’agit.',
  hostUnmappedHint:
    'Renseignez le nom de service OVH de {{host}} (ns…ip-…eu, tel que l’affiche le manager OVH) dans les réglages de l’hôte.',
  ipUnknown: '{{ip}} n’appartient à aucun bloc d’IP failover de ce compte OVH.',
  ipUnknownRefreshHint: 'Actualisez la vue des IP failover : le bloc a peut-être été supprimé.',
  ipUnknownCheckHint: 'Vérifiez l’adresse, ou le compte OVH dans ovh.conf.',
  taskEnded: 'La tâche OVH {{taskId}} ({{task}}) sur {{service}} s’est terminée avec l’état {{status}}.',
  taskCustomerErrorHint: 'OVH estime que la demande elle-même est incorrecte : lisez son commentaire.',
  taskOvhErrorHint:
    'OVH a échoué de son côté : réessayez plus tard ou ouvrez un ticket chez OVH en citant le numéro de tâche.',
  taskCancelledHint: 'La tâche a été annulée chez OVH.',
  ipElsewhere:
    'Le bloc {{block}} de {{ip}} est routé vers {{routedTo}}, pas vers {{service}} : une MAC virtuelle se crée sur le serveur vers lequel l’IP est routée.',
  ipNowhere:
    'Le bloc {{block}} de {{ip}} n’est routé vers aucun serveur, pas vers {{service}} : une MAC virtuelle se crée sur le serveur vers lequel l’IP est routée.',
  ipElsewhereHint:
    'Déplacez d’abord le bloc vers {{service}}, ou créez la VM sur l’hôte dont le serveur le possède.',
  vmacMissing:
    'La tâche OVH {{taskId}} s’est terminée, mais {{service}} n’a aucune MAC virtuelle pour {{ip}}.',
  vmacMissingHint: 'Regardez les MAC virtuelles du serveur dans le manager OVH.',
  unfollowed: 'La tâche OVH {{taskId}} n’est plus suivie : OVH peut encore l’exécuter.',
  unfollowedNoId: 'La tâche OVH n’est plus suivie : OVH peut encore l’exécuter.',
  unfollowedHint:
    'Regardez l’IP dans la vue des IP failover (ou dans le manager OVH) avant d’agir à nouveau.',
  badTime: 'Le /auth/time d’OVH a répondu {{answer}}, qui n’est pas une heure.',
  unreachable: 'Impossible de joindre l’API d’OVH à {{url}} pour {{method}} {{path}}.',
  unreachableHint: 'Vérifiez l’accès à Internet de cet ordinateur et le point d’accès dans ovh.conf.',
  httpRefused: 'OVH a refusé {{method}} {{path}} (HTTP {{status}}).',
  http400Hint: 'OVH refuse la demande telle quelle : lisez son message.',
  http401Hint: 'OVH ne connaît pas cette clé d’application ou cette clé consommateur.',
  http403Hint:
    'La clé consommateur n’a pas cette règle d’accès, a expiré, ou sa signature ou son horloge est fausse : créez une clé avec les règles listées par Hyperdesk.',
  http404Hint: 'OVH ne connaît pas cette IP, ce serveur ou cette MAC sur ce compte.',
  http409Hint:
    'OVH a déjà une opération en cours sur cette IP ou ce serveur : attendez la fin de sa tâche, puis réessayez.',
  httpOtherHint: 'Réessayez plus tard ; si cela persiste, consultez la page d’état d’OVH.',
  endpointUnknown: 'Point d’accès OVH inconnu {{endpoint}} : utilisez l’un de {{endpoints, list}}.',
  endpointUnknownHint: 'Choisissez ovh-eu, ovh-ca ou ovh-us (ou kimsufi/soyoustart).',
  keychainBrowserMode:
    'Le mode navigateur n’a pas de trousseau système : Hyperdesk n’y conserve pas les identifiants OVH.',
  keychainPlainText:
    'Le trousseau du système n’est pas disponible (le safeStorage d’Electron stockerait les secrets en clair, backend {{backend}}) : Hyperdesk refuse de les garder ainsi.',
  keychainUnavailable:
    'Le trousseau du système n’est pas disponible (le safeStorage d’Electron ne peut pas chiffrer dans cette session).',
  keychainBrowserModeHint:
    'Écrivez-les dans ~/.ovh.conf (chmod 600) ou dans les variables d’environnement OVH_*, ou saisissez-les dans l’application de bureau.',
  keychainHint:
    'Démarrez un trousseau (GNOME Keyring ou KWallet) dans cette session et réessayez, ou écrivez les identifiants dans ~/.ovh.conf (chmod 600).',
  keychainUnreadable: 'Le trousseau du système n’a pas pu déchiffrer les identifiants OVH de {{file}}.',
  keychainUnreadableHint:
    'Déverrouillez le trousseau de cette session, ou oubliez les identifiants enregistrés et saisissez-les à nouveau.',
  consumerKeyNone:
    'Aucune clé consommateur à enregistrer : saisissez-en une, ou demandez-en d’abord une à OVH (étape 1) avec ce point d’accès et cette clé d’application.',
  confUnreadable: '{{file}} existe mais ne peut pas être lu ({{reason}}) : il est ignoré.',
  confPermissions:
    '{{file}} contient des secrets OVH et est lisible par d’autres utilisateurs (mode {{mode}}) : il est ignoré. Lancez : chmod 600 {{file}}',
  credentialsIncomplete:
    'Il manque {{missing, list}} aux identifiants OVH pour {{endpoint}} (recherchés dans l’environnement et dans {{files, list}}).',
}
