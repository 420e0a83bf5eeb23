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
  // A Ceph tool that could not connect (ceph/connect-failure.ts): host, client, file, fix.
  connectNoKeyring:
    '{{tool}} could not connect to Ceph on {{host}}: there is no keyring for {{client}} that it can read ({{keyring}}).',
  connectNoKeyringHint:
    'Put {{client}}’s keyring in {{keyring}} on {{host}}: on a host with the admin keyring, `ceph auth get {{client}} -o {{keyring}}`, copy the file to {{host}}, then `chown root:libvirt` and `chmod 0640` it.',
  connectNoKeyringOrConfig:
    '{{tool}} could not connect to Ceph on {{host}} (No such file or directory): either there is no keyring for {{client}} that it can read ({{keyring}}), or {{conf}} is missing or names no monitor (mon_host).',
  connectNoKeyringOrConfigHint:
    'Check both files on {{host}}: the keyring (`ceph auth get {{client}}` on a host with the admin keyring gives it) and mon_host in {{conf}}.',
  connectNoConfig:
    '{{tool}} could not connect to Ceph on {{host}}: {{conf}} is missing there or cannot be read, so it does not know where the monitors are.',
  connectNoConfigHint:
    'Copy {{conf}} from another host of the cluster to {{host}}, readable by everyone (`chmod 644 {{conf}}`).',
  connectNoMonitor:
    '{{tool}} could not connect to Ceph on {{host}}: {{conf}} names no monitor (no mon_host line).',
  connectNoMonitorHint:
    'Add the monitors’ addresses (mon_host) to {{conf}} on {{host}}, or copy the file from another host of the cluster.',
  connectKeyRefused:
    'The Ceph monitors refused {{client}} from {{host}} (permission denied when connecting): the key in {{keyring}} is not the one Ceph has for {{client}}, or Ceph has no {{client}}.',
  connectKeyRefusedHint:
    'On a host with the admin keyring, `ceph auth get {{client}}` prints the right keyring: copy it to {{keyring}} on {{host}}. If Ceph has no {{client}}, create it or correct the client id in the cluster file.',
  connectUnreachable:
    '{{tool}} on {{host}} got no answer from the Ceph monitors (as {{client}}): they are down, or {{host}} cannot reach them.',
  connectUnreachableHint:
    'Check the monitors (`ceph -s` on a monitor host) and that {{host}} reaches the addresses of mon_host in {{conf}} (ports 3300 and 6789). The command was stopped on the host.',
  connectFailed:
    '{{tool}} could not connect to Ceph on {{host}} as {{client}}: no readable keyring ({{keyring}}), a key the monitors refuse, or monitors it cannot reach ({{conf}}).',
  connectFailedHint:
    'Run `ceph -n {{client}} -s` on {{host}}: what it prints says which of these it is. The host’s doctor also checks the keyring.',
} as const
