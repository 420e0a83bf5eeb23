/**
 * The errors of the hosts' firewall (firewall/firewall.ts, services/firewall.ts): the
 * `firewallErrors` area, and the firewall job's titles. What the helper printed is the detail.
 * French: src/renderer/src/i18n/errors-firewall.fr.ts.
 */
export const FIREWALL_ERROR_TEXTS = {
  helperFailed: 'The firewall helper failed on {{host}} (exit {{exitCode}}).',
  helperMissingHint: 'Install {{helper}} on {{host}} (root:root 0755, docs/hosts.md).',
  sudoRefusedHint:
    'Allow exactly the helper in sudoers on {{host}}: "etalab ALL=(root) NOPASSWD: {{helper}}" (docs/hosts.md).',
  helperHint:
    'Read the helper’s message; /etc/etalab.conf must set IPS_FAILOVER on one line of IPv4 addresses.',
  changeFailedHint:
    'Fix what the message names on that host, then run the change again: hosts already changed keep it (see the drift).',
  titleAdd: 'Add {{ip}} to every host’s firewall',
  titleRemove: 'Remove {{ip}} from every host’s firewall',
} as const
