/**
 * The firewall job's sentences in English (area `firewall` of shared/messages/catalog.ts); the French
 * is in src/renderer/src/i18n/firewall.fr.ts.
 */
export const FIREWALL_TEXTS = {
  added:
    '{{host}}: {{ip}} added and confirmed over a new SSH connection; the failover IPs that answered before still answer ({{probed, list}}).',
  removed:
    '{{host}}: {{ip}} removed and confirmed over a new SSH connection; the failover IPs that answered before still answer ({{probed, list}}).',
  alreadyListed: '{{host}}: IPS_FAILOVER already lists {{ip}}; nothing changed.',
  alreadyAbsent: '{{host}}: IPS_FAILOVER does not list {{ip}}; nothing changed.',
  nothingProbed: 'none',
  restored:
    '{{host}}: the change was not confirmed ({{reason, message}}); the dead-man restore put the previous /etc/etalab.conf back and SSH answers again. The other hosts were not touched.',
  failed: '{{host}}: {{reason, message}}. The other hosts were not touched.',
  notTried: '{{host}}: not tried, because {{failed}} failed first.',
  reasonNewSsh: 'a new SSH connection to {{host}} failed after the restart ({{error}})',
  reasonProbe: '{{ips, list}} answered before the change and no longer answer',
  reasonLate: 'it could not be confirmed within {{seconds}} s',
  reasonHelper: 'the helper refused: {{error}}',
  reasonNotRestored:
    'the change was not confirmed ({{why, message}}) and {{host}} could not be reached {{seconds}} s later to check the dead-man restore ({{error}}): look at the host from its console',
} as const
