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
}
