import type { ConfigProblem, KnownHostsReason, SshText } from '../../../shared/ssh-texts'

/** The SSH sentences in French: every key of shared/ssh-texts.ts, same placeholders. */
export const sshTextsFr: Record<SshText, string> = {
  configMatchExec:
    '{{file}} ligne {{line}} : « Match exec » lancerait une commande pour {{alias}}. Hyperdesk ne lance jamais de commande venue de la configuration SSH.',
  configMatchExecHint:
    'Restreignez ce bloc Match par des critères « host » ou « originalhost » placés avant « exec », pour qu’il ne concerne pas {{alias}}, ou indiquez les valeurs de cet hôte dans le fichier du cluster.',
  configMatchUnsupported:
    '{{file}} ligne {{line}} : Hyperdesk ne comprend pas « Match {{criterion}} » et ne peut donc pas savoir si le bloc s’applique à {{alias}}.',
  configInvalid: '{{file}} ligne {{line}} : {{problem}}. OpenSSH refuse aussi ce fichier.',
  configIncludeLoop:
    '{{file}} ligne {{line}} : Include imbriqués sur plus de {{depth}} fichiers (une boucle ?).',
  configToken:
    '{{file}} ligne {{line}} : {{keyword}} utilise « {{token}} », qu’OpenSSH ne remplace pas à cet endroit.',
  configEnv: '{{file}} ligne {{line}} : {{keyword}} utilise ${{{name}}}, qui n’est pas défini.',
  configTildeUser:
    '{{file}} ligne {{line}} : {{keyword}} utilise « {{path}} » ; Hyperdesk ne développe que « ~/ » (votre propre dossier).',
  configKnownHostsNone:
    'UserKnownHostsFile vaut « {{value}} » pour {{alias}} dans ~/.ssh/config : Hyperdesk vérifie chaque clé d’hôte et a besoin d’un fichier known_hosts pour les garder.',
  configFixHint: 'Corrigez ~/.ssh/config (ou le bloc de cet hôte), puis rechargez les réglages.',
  authRefused: '{{user}}@{{hostname}} a refusé toutes les clés proposées (clés proposées : {{offers}}).',
  authDisconnected:
    '{{hostname}} a fermé la connexion pendant l’authentification, après {{offers}} clé(s) proposée(s) ({{reason}}).',
  authNoKey:
    'Aucune clé SSH à proposer à {{host}} : pas d’agent ssh et aucun fichier de clé utilisable{{problems}}.',
  authHint:
    'Vérifiez que la clé figure dans les authorized_keys de {{user}} sur {{host}}, puis reconnectez-vous. Hyperdesk ne réessaie jamais seul : chaque clé refusée compte pour fail2ban, qui bannit l’adresse au bout de quelques-unes.',
  authManyKeysHint:
    'L’agent ssh contient {{agentKeys}} clés et sshd s’arrête après quelques refus (MaxAuthTries), chacun compté par fail2ban : indiquez identityFile pour {{host}} dans le fichier du cluster, ou IdentityFile avec IdentitiesOnly yes dans ~/.ssh/config, pour ne proposer que la bonne clé. Puis reconnectez-vous.',
  authAgentEmpty:
    'Aucune clé SSH n’a été proposée à {{host}} : l’agent ssh ne contient aucune clé et aucun fichier de clé n’est utilisable{{problems}}.',
  authNoKeyHint:
    'Indiquez identityFile dans le fichier du cluster ou IdentityFile dans ~/.ssh/config, ou démarrez ssh-agent, puis reconnectez-vous.',
  authAgentEmptyHint:
    'Ajoutez votre clé à l’agent (ssh-add, par exemple ssh-add ~/.ssh/id_ed25519), ou indiquez identityFile dans le fichier du cluster ou IdentityFile dans ~/.ssh/config, puis reconnectez-vous.',
  keyUnknownStrict:
    '{{host}} ({{where}}) n’est pas dans known_hosts, et ~/.ssh/config fixe StrictHostKeyChecking yes pour lui : il présente {{type}} {{fingerprint}}.',
  keyUnknownStrictHint:
    'Vérifiez la clé sur la console de l’hôte, ajoutez-la à {{file}} (ou mettez StrictHostKeyChecking ask pour cet hôte), puis reconnectez-vous.',
  keyUnknown: '{{host}} ({{where}}) n’est pas dans known_hosts ; il présente {{type}} {{fingerprint}}',
  keyUnknownHint:
    'Comparez avec la clé sur l’hôte (ssh-keygen -lf /etc/ssh/ssh_host_{{shortType}}_key.pub) et acceptez-la si elle est identique.',
  keyRevoked:
    '{{host}} ({{where}}) présente {{type}} {{fingerprint}}, marquée @revoked dans {{file}}:{{line}}',
  keyRevokedHint:
    'Ne vous connectez pas : donnez une nouvelle clé à l’hôte et mettez son empreinte dans known_hosts.',
  keyChanged:
    'La clé de {{host}} ({{where}}) a changé : il présente maintenant {{type}} {{fingerprint}}, mais known_hosts contient {{known}}. Connexion refusée.',
  keyChangedHint:
    'Ce peut être une attaque. Si l’hôte a été réinstallé, vérifiez la nouvelle empreinte sur sa console, supprimez l’ancienne clé (ssh-keygen -R {{name}} -f {{file}}) et reconnectez-vous.',
  keyChangedStrictNoHint:
    'Ce peut être une attaque : Hyperdesk refuse une clé changée même avec StrictHostKeyChecking no. Si l’hôte a été réinstallé, vérifiez la nouvelle empreinte sur sa console, supprimez l’ancienne clé (ssh-keygen -R {{name}} -f {{file}}) et reconnectez-vous.',
  keyCheckFailed:
    'Hyperdesk n’a pas pu vérifier la clé d’hôte de {{host}} ({{where}}), {{type}} {{fingerprint}}, avec known_hosts : {{error}}. Connexion arrêtée.',
  keyCheckFailedHint:
    'Rendez {{file}} (et son dossier) lisible et modifiable par vous, comparez l’empreinte avec la clé sur l’hôte (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub), puis reconnectez-vous.',
  proxyJump: '{{host}} est joint via ProxyJump {{jump}}, que Hyperdesk ne prend pas encore en charge',
  proxyJumpHint:
    'Rendez l’hôte joignable directement (ou via un VPN), ou retirez-lui ProxyJump dans ~/.ssh/config.',
  passphraseNeeded: '{{keys}} : clé chiffrée, saisissez la phrase de passe pour l’utiliser',
  passphraseHint:
    'La clé déchiffrée reste en mémoire jusqu’à la fermeture de l’application ; la phrase de passe n’est pas conservée.',
  offlineUnreachable: 'Impossible de joindre {{host}} : {{reason}}',
  offlineLost: 'Connexion à {{host}} perdue : {{reason}}',
  offlineHint: 'Hyperdesk réessaie seul. Vérifiez que l’hôte est démarré et que son sshd tourne.',
  reasonRefused: 'connexion refusée (sshd tourne-t-il ?)',
  reasonNoRoute: 'aucune route vers l’hôte',
  reasonTcpTimeout: 'délai de connexion TCP dépassé',
  reasonNoResolve: 'le nom d’hôte ne se résout pas',
  reasonKeepalive: 'l’hôte ne répond plus (keepalive expiré)',
  reasonHandshakeTimeout: 'délai de la négociation SSH dépassé',
  reasonClosed: 'la connexion s’est fermée',
  reasonLibrary: 'la connexion SSH a échoué (message de la bibliothèque ci-dessous)',
  knownHostsSkipped: '{{file}} ligne {{line}} ignorée : {{reason}}.',
}

export const configProblemsFr: Record<ConfigProblem, string> = {
  noArgument: 'aucune valeur après {{keyword}}',
  badQuotes: 'guillemets non refermés',
  badPort: 'port invalide « {{value}} »',
  badValue: '{{keyword}} n’accepte pas « {{value}} »',
  extraArguments: 'valeurs en trop après {{keyword}}',
  badMatch: 'condition Match invalide',
  unreadable: 'impossible de lire {{path}} ({{error}})',
}

export const knownHostsReasonsFr: Record<KnownHostsReason, string> = {
  unknownMarker: 'marqueur inconnu {{marker}}',
  twoMarkers: 'un seul marqueur est permis par ligne',
  missingFields: 'une ligne doit contenir des noms d’hôtes, un type de clé et une clé',
  badHash: 'le nom haché n’est pas de la forme |1|sel|empreinte avec un sel et une empreinte de 20 octets',
  unknownKeyType: 'type de clé inconnu {{keyType}}',
  badKey: 'la clé n’est pas une clé publique SSH valide en base64',
  typeMismatch: 'la clé est de type {{actual}}, pas {{keyType}}',
  certAuthority:
    'Hyperdesk ne vérifie pas les certificats d’hôte (@cert-authority) ; il vérifie la clé de l’hôte elle-même',
  unreadable: 'le fichier ne peut pas être lu ({{error}})',
}
