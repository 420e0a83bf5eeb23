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
  // Why a call found its host without a connection, one sentence per status (ssh/connection.ts).
  notConnected: '{{host}} is not connected.',
  notConnectedHint: 'Connect to the host first.',
  notConnectedOffline: '{{host}} is offline: it did not answer.',
  notConnectedNoKey: '{{host}} is not connected: no SSH key was offered to it.',
  notConnectedAuthFailed: '{{host}} is not connected: it refused the SSH key.',
  notConnectedAuthFailedHint: 'Check that your key is in the host’s authorized_keys, then connect again.',
  notConnectedPassphrase: '{{host}} is not connected: a key’s passphrase is awaited.',
  notConnectedPassphraseHint: 'Type the key’s passphrase, then connect again.',
  notConnectedKeyUnknown: '{{host}} is not connected: its host key is not confirmed yet.',
  notConnectedKeyUnknownHint:
    'Compare the host key with the one on the host, and accept it if it is the same.',
  notConnectedKeyChanged: '{{host}} is not connected: its host key changed.',
  notConnectedKeyChangedHint:
    'This can be an attack: check the new fingerprint on the host’s console before replacing the key in known_hosts.',
  notConnectedUnsupported: '{{host}} is not connected: Hyperdesk cannot reach it the way its settings say.',
  notConnectedUnsupportedHint: 'Fix the host’s settings (cluster file or ~/.ssh/config), then reload them.',
  channelFailed: 'Cannot open a channel on {{host}}.',
  connectAgainHint: 'Connect to the host again.',
  droppedHint: 'The connection may have just dropped; Hyperdesk reconnects by itself.',
  unknownHost: 'No host named {{host}} in the cluster file.',
  unknownHostHint: 'Check the host names in the settings.',
  offlineUnreachable: 'Cannot reach {{host}}: {{reason, message}}',
  offlineLost: 'Connection to {{host}} lost: {{reason, message}}',
} as const
