/**
 * The errors of Ceph and RBD commands (ceph/): refused values, the privileged and fencing clients'
 * permissions with the exact fix, the host chosen for Ceph: the `cephErrors` area. French:
 * src/renderer/src/i18n/errors-ceph.fr.ts.
 */
export const CEPH_ERROR_TEXTS = {
  whoClient: '{{client}}',
  whoSudo: 'sudo (as {{user}})',
  deniedEacces: '{{who, message}} may not run `{{command}}` on {{host}} (EACCES).',
  deniedSudo: '{{who, message}} may not run `{{command}}` on {{host}} (sudo refused).',
  deniedNone:
    '{{who, message}} may not run `{{command}}` on {{host}} (EACCES). No privileged Ceph client or sudo is configured.',
  fenceDeniedEacces:
    '{{who, message}} may not run `{{command}}` on {{host}} (EACCES). Fencing needs mon caps {{caps}}.',
  fenceDeniedSudo:
    '{{who, message}} may not run `{{command}}` on {{host}} (sudo refused). Fencing needs mon caps {{caps}}.',
  sudoersHint: 'Add this sudoers rule on every host (visudo -f /etc/sudoers.d/hyperdesk):\n{{rule}}',
  privilegedClientHint:
    'Give a privileged client these caps (on a host with the admin keyring):\n{{create}}\nand name it in the cluster file: {{config}}.\nOr use sudo: {{rule}}',
  fenceClientHint:
    'Create a fencing client (on a host with the admin keyring):\n{{create}}\nand name it in the cluster file: {{config}}.\nOr use sudo: {{rule}}',
  notIpv4: 'Not an IPv4 address: {{value}}',
  notBlocklistWord: 'Not a blocklist command: {{value}}',
  notCephAddress: 'Not a Ceph address: {{value}}',
  notClientAddress: 'Not a Ceph client address (IP:port/nonce): {{value}}',
  badExpiry: 'Invalid expiry: {{seconds}} s',
  invalidImage: 'Invalid RBD image {{spec}}',
  invalidSnapshot: 'Invalid RBD snapshot name {{name}}',
  invalidSize: 'Invalid image size {{size}} bytes',
  invalidPool: 'Invalid RBD pool {{pool}}',
  invalidMetaKey: 'Invalid image-meta key {{key}}',
  invalidMetaValue: 'Invalid image-meta value {{value}}',
  invalidLock: 'Invalid RBD lock {{value}}',
  duMissingImage: '{{command}} on {{host}} did not list the image {{image}} itself.',
} as const
