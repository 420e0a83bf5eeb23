import type { MessageCatalog } from '../../../shared/messages/message'

/** The errors of Ceph and RBD commands in French: every key of shared/messages/errors-ceph.ts. */
export const cephErrorsFr: MessageCatalog['cephErrors'] = {
  whoClient: '{{client}}',
  whoSudo: 'sudo (en tant que {{user}})',
  deniedEacces: '{{who, message}} n’a pas le droit de lancer `{{command}}` sur {{host}} (EACCES).',
  deniedSudo: '{{who, message}} n’a pas le droit de lancer `{{command}}` sur {{host}} (refus de sudo).',
  deniedNone:
    '{{who, message}} n’a pas le droit de lancer `{{command}}` sur {{host}} (EACCES). Aucun client Ceph privilégié ni sudo n’est configuré.',
  fenceDeniedEacces:
    '{{who, message}} n’a pas le droit de lancer `{{command}}` sur {{host}} (EACCES). L’isolement a besoin des droits mon {{caps}}.',
  fenceDeniedSudo:
    '{{who, message}} n’a pas le droit de lancer `{{command}}` sur {{host}} (refus de sudo). L’isolement a besoin des droits mon {{caps}}.',
  sudoersHint: 'Ajoutez cette règle sudoers sur chaque hôte (visudo -f /etc/sudoers.d/hyperdesk) :\n{{rule}}',
  privilegedClientHint:
    'Donnez ces droits à un client privilégié (sur un hôte qui a le trousseau admin) :\n{{create}}\npuis nommez-le dans le fichier du cluster : {{config}}.\nOu utilisez sudo : {{rule}}',
  fenceClientHint:
    'Créez un client d’isolement (sur un hôte qui a le trousseau admin) :\n{{create}}\npuis nommez-le dans le fichier du cluster : {{config}}.\nOu utilisez sudo : {{rule}}',
  notIpv4: 'Ce n’est pas une adresse IPv4 : {{value}}',
  notBlocklistWord: 'Ce n’est pas une commande de liste de blocage : {{value}}',
  notCephAddress: 'Ce n’est pas une adresse Ceph : {{value}}',
  notClientAddress: 'Ce n’est pas une adresse de client Ceph (IP:port/nonce) : {{value}}',
  badExpiry: 'Expiration invalide : {{seconds}} s',
  invalidImage: 'Image RBD invalide {{spec}}',
  invalidSnapshot: 'Nom d’instantané RBD invalide {{name}}',
  invalidSize: 'Taille d’image invalide : {{size}} octets',
  invalidPool: 'Pool RBD invalide {{pool}}',
  invalidMetaKey: 'Clé image-meta invalide {{key}}',
  invalidMetaValue: 'Valeur image-meta invalide {{value}}',
  invalidLock: 'Verrou RBD invalide {{value}}',
  duMissingImage: '{{command}} sur {{host}} n’a pas listé l’image {{image}} elle-même.',
  connectNoKeyring:
    '{{tool}} n’a pas pu se connecter à Ceph sur {{host}} : aucun trousseau de {{client}} qu’il puisse lire ({{keyring}}).',
  connectNoKeyringHint:
    'Installez le trousseau de {{client}} dans {{keyring}} sur {{host}} : sur un hôte qui a le trousseau admin, `ceph auth get {{client}} -o {{keyring}}`, copiez le fichier sur {{host}}, puis `chown root:libvirt` et `chmod 0640`.',
  connectNoKeyringOrConfig:
    '{{tool}} n’a pas pu se connecter à Ceph sur {{host}} (fichier ou dossier introuvable) : soit il n’y a aucun trousseau de {{client}} qu’il puisse lire ({{keyring}}), soit {{conf}} manque ou ne nomme aucun moniteur (mon_host).',
  connectNoKeyringOrConfigHint:
    'Vérifiez ces deux fichiers sur {{host}} : le trousseau (`ceph auth get {{client}}` sur un hôte qui a le trousseau admin le donne) et mon_host dans {{conf}}.',
  connectNoConfig:
    '{{tool}} n’a pas pu se connecter à Ceph sur {{host}} : {{conf}} y manque ou n’est pas lisible, il ne sait donc pas où sont les moniteurs.',
  connectNoConfigHint:
    'Copiez {{conf}} depuis un autre hôte du cluster sur {{host}}, lisible par tous (`chmod 644 {{conf}}`).',
  connectNoMonitor:
    '{{tool}} n’a pas pu se connecter à Ceph sur {{host}} : {{conf}} ne nomme aucun moniteur (pas de ligne mon_host).',
  connectNoMonitorHint:
    'Ajoutez l’adresse des moniteurs (mon_host) dans {{conf}} sur {{host}}, ou copiez le fichier depuis un autre hôte du cluster.',
  connectKeyRefused:
    'Les moniteurs Ceph ont refusé {{client}} depuis {{host}} (permission refusée à la connexion) : la clé de {{keyring}} n’est pas celle que Ceph a pour {{client}}, ou Ceph ne connaît pas {{client}}.',
  connectKeyRefusedHint:
    'Sur un hôte qui a le trousseau admin, `ceph auth get {{client}}` affiche le bon trousseau : copiez-le dans {{keyring}} sur {{host}}. Si Ceph ne connaît pas {{client}}, créez-le ou corrigez l’identifiant du client dans le fichier du cluster.',
  connectUnreachable:
    '{{tool}} sur {{host}} n’a reçu aucune réponse des moniteurs Ceph (en tant que {{client}}) : ils sont arrêtés, ou {{host}} ne peut pas les joindre.',
  connectUnreachableHint:
    'Vérifiez les moniteurs (`ceph -s` sur un hôte moniteur) et que {{host}} joint les adresses de mon_host dans {{conf}} (ports 3300 et 6789). La commande a été arrêtée sur l’hôte.',
  connectFailed:
    '{{tool}} n’a pas pu se connecter à Ceph sur {{host}} en tant que {{client}} : trousseau illisible ou absent ({{keyring}}), clé refusée par les moniteurs, ou moniteurs injoignables ({{conf}}).',
  connectFailedHint:
    'Lancez `ceph -n {{client}} -s` sur {{host}} : ce qu’il affiche dit laquelle de ces causes est en jeu. Le diagnostic de l’hôte vérifie aussi le trousseau.',
}
