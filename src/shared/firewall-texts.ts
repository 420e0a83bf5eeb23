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
  reasonNewSsh: 'a new SSH connection to {{host}} failed after the restart: {{why, message}}',
  newSshExit: 'the helper answered with exit {{exitCode}}',
  newSshUnchanged: 'the new connection does not see the change',
  newSshClosed: 'the new SSH connection to {{host}} closed before the command ended',
  reasonProbe: '{{ips, list}} answered before the change and no longer answer',
  reasonLate: 'it could not be confirmed within {{seconds}} s',
  reasonHelper: 'the helper refused (exit {{exitCode}})',
  reasonHelperAnswer: 'the helper answered something unexpected',
  restoreNotSeen: 'IPS_FAILOVER reads {{ips}}, not the list from before',
  restoreStillArmed: 'the change is still armed',
  restoreProbe: '{{ips, list}} answered before the change and do not answer again',
  reasonNotRestored:
    'the change was not confirmed ({{why, message}}) and {{host}} could not be reached {{seconds}} s later to check the dead-man restore ({{cause, message}}): look at the host from its console',
} as const
