/**
 * The errors of a host's SSH connection (ssh/connection.ts, ssh/auth.ts, ssh/pool.ts, ssh/slots.ts):
 * the `sshErrors` area. The refusals of a connect (auth, host keys, offline) are in ssh-texts.ts.
 * French: src/renderer/src/i18n/errors-ssh.fr.ts.
 */
export const SSH_ERROR_TEXTS = {
  keyFileUnreadable: 'Cannot read the key file {{file}}.',
  keyFileHint:
    'Check the path and the file’s permissions (identityFile in the cluster file, or IdentityFile in ~/.ssh/config).',
  badPassphrase: 'The passphrase does not decrypt {{file}}.',
  badPassphraseHint: 'Type the passphrase again. Nothing was sent to the host.',
  cancelledBeforeStart: 'Cancelled before it started.',
  noKeyToAccept: '{{host}} has no unknown host key waiting for approval (it is {{status, message}}).',
  keyMismatch: '{{host}} offered {{offered}}, not {{expected}}: nothing was saved.',
  keyMismatchHint: 'Connect again and compare the fingerprint shown with the one on the host.',
  busy: '{{host}} already has {{count, number}} consoles or terminals open.',
  busyHint: 'Close a console or terminal on this host first.',
  closing: '{{host}} is being closed.',
  connectTimedOut: '{{host}} did not finish connecting in time.',
  connectTimedOutHint: 'Check the host and the network, then try again.',
  notConnected: '{{host}} is not connected ({{status, message}}).',
  notConnectedHint: 'Connect to the host first.',
  channelFailed: 'Cannot open a channel on {{host}}.',
  connectAgainHint: 'Connect to the host again.',
  droppedHint: 'The connection may have just dropped; Hyperdesk reconnects by itself.',
  unknownHost: 'No host named {{host}} in the cluster file.',
  unknownHostHint: 'Check the host names in the settings.',
  offlineUnreachable: 'Cannot reach {{host}}: {{reason, message}}',
  offlineLost: 'Connection to {{host}} lost: {{reason, message}}',
} as const
