import { fillPlaceholders } from './placeholders'

/**
 * The sentences about SSH settings and connections, in English, with {{placeholders}} (same syntax as
 * i18next). The core writes an error's `message` (and `hint`) from here and puts the keys and their
 * parameters in `details` ({ text, hintText, params }), so the window shows the same sentence in the
 * user's language (i18n/ssh-texts.fr.ts translates every key). Parameters are data: file names, line
 * numbers, host names, counts, the server's own words.
 */
export const SSH_TEXTS = {
  // ~/.ssh/config, read as OpenSSH reads it: what makes a host unusable, with where to fix it.
  configMatchExec:
    '{{file}} line {{line}}: "Match exec" would run a command for {{alias}}. Hyperdesk never runs commands from the SSH config.',
  configMatchExecHint:
    'Restrict that Match block with "host" or "originalhost" criteria before "exec" so it does not apply to {{alias}}, or set this host\'s values in the cluster file.',
  configMatchUnsupported:
    '{{file}} line {{line}}: "Match {{criterion}}" is not understood by Hyperdesk, so it cannot tell whether the block applies to {{alias}}.',
  configInvalid: '{{file}} line {{line}}: {{problem}}. OpenSSH refuses this file too.',
  configIncludeLoop: '{{file}} line {{line}}: Include nested deeper than {{depth}} files (a loop?).',
  configToken: '{{file}} line {{line}}: {{keyword}} uses "{{token}}", which OpenSSH does not expand there.',
  configEnv: '{{file}} line {{line}}: {{keyword}} uses ${{{name}}}, which is not set.',
  configTildeUser:
    '{{file}} line {{line}}: {{keyword}} uses "{{path}}"; Hyperdesk expands only "~/" (your own home).',
  configKnownHostsNone:
    'UserKnownHostsFile is "{{value}}" for {{alias}} in ~/.ssh/config: Hyperdesk checks every host key and needs a known_hosts file to keep them.',
  configFixHint: "Fix ~/.ssh/config (or this host's block in it), then reload the settings.",
  // Authentication: the host refused, or closed the connection while keys were being offered.
  authRefused: '{{user}}@{{hostname}} refused every key offered ({{offers}} offered).',
  authDisconnected:
    '{{hostname}} closed the connection during authentication after {{offers}} key(s) were offered ({{reason}}).',
  authNoKey: 'No SSH key to offer to {{host}}: no ssh-agent and no usable identity file{{problems}}.',
  authAgentEmpty:
    'No SSH key was offered to {{host}}: the ssh-agent holds no key and no identity file is usable{{problems}}.',
  authHint:
    "Check that the key is in {{user}}'s authorized_keys on {{host}}, then connect again. Hyperdesk never retries by itself: each refused key counts for fail2ban, which bans the address after a few.",
  authManyKeysHint:
    'The ssh-agent holds {{agentKeys}} keys and sshd stops after a few refused ones (MaxAuthTries), each counted by fail2ban: set identityFile for {{host}} in the cluster file, or IdentityFile with IdentitiesOnly yes in ~/.ssh/config, so only the right key is offered. Then connect again.',
  authNoKeyHint:
    'Set identityFile in the cluster file or IdentityFile in ~/.ssh/config, or start ssh-agent, then connect again.',
  authAgentEmptyHint:
    'Add your key to the agent (ssh-add, e.g. ssh-add ~/.ssh/id_ed25519), or set identityFile in the cluster file or IdentityFile in ~/.ssh/config, then connect again.',
  // Host keys with ~/.ssh/config's StrictHostKeyChecking.
  keyUnknownStrict:
    '{{host}} ({{where}}) is not in known_hosts, and ~/.ssh/config sets StrictHostKeyChecking yes for it: it offers {{type}} {{fingerprint}}.',
  keyUnknownStrictHint:
    "Check the key on the host's console, add it to {{file}} (or set StrictHostKeyChecking ask for this host), then connect again.",
  keyUnknown: '{{host}} ({{where}}) is not in known_hosts; it offers {{type}} {{fingerprint}}',
  keyUnknownHint:
    'Compare with the key on the host (ssh-keygen -lf /etc/ssh/ssh_host_{{shortType}}_key.pub) and accept it if it is the same.',
  keyRevoked:
    '{{host}} ({{where}}) offers {{type}} {{fingerprint}}, which is marked @revoked in {{file}}:{{line}}',
  keyRevokedHint: 'Do not connect: give the host a new key and put its fingerprint in known_hosts.',
  keyChanged:
    'The host key of {{host}} ({{where}}) has changed: it now offers {{type}} {{fingerprint}}, but known_hosts has {{known}}. Connection refused.',
  keyChangedHint:
    'This can be an attack. If the host was reinstalled, check the new fingerprint on its console, then remove the old key (ssh-keygen -R {{name}} -f {{file}}) and connect again.',
  keyChangedStrictNoHint:
    'This can be an attack: Hyperdesk refuses a changed key even with StrictHostKeyChecking no. If the host was reinstalled, check the new fingerprint on its console, then remove the old key (ssh-keygen -R {{name}} -f {{file}}) and connect again.',
  keyCheckFailed:
    'Hyperdesk could not check the host key of {{host}} ({{where}}), {{type}} {{fingerprint}}, against known_hosts: {{error}}. Connection stopped.',
  keyCheckFailedHint:
    'Make {{file}} readable and writable by you (and its folder), compare the fingerprint with the key on the host (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub), then connect again.',
  proxyJump: '{{host}} is reached through ProxyJump {{jump}}, which Hyperdesk does not support yet',
  proxyJumpHint:
    'Make the host reachable directly (or through a VPN), or remove ProxyJump for it from ~/.ssh/config.',
  passphraseNeeded: '{{keys}}: encrypted, type the passphrase to use it',
  passphraseHint: 'The decrypted key stays in memory until the app quits; the passphrase is not stored.',
  offlineUnreachable: 'Cannot reach {{host}}: {{reason}}',
  offlineLost: 'Connection to {{host}} lost: {{reason}}',
  offlineHint: 'Hyperdesk retries by itself. Check that the host is up and that its sshd runs.',
  // Why a connection failed or dropped: the {{reason}} of offlineUnreachable/offlineLost.
  reasonRefused: 'connection refused (is sshd running?)',
  reasonNoRoute: 'no route to the host',
  reasonTcpTimeout: 'TCP connection timed out',
  reasonNoResolve: 'the host name does not resolve',
  reasonKeepalive: 'the host stopped answering (keepalive timeout)',
  reasonHandshakeTimeout: 'the SSH handshake timed out',
  reasonClosed: 'the connection closed',
  reasonLibrary: 'the SSH connection failed (the library’s words below)',
  // known_hosts lines OpenSSH would not use: shown, never trusted.
  knownHostsSkipped: '{{file}} line {{line}} is not used: {{reason}}.',
} as const

export type SshText = keyof typeof SSH_TEXTS
export type SshTextParams = Record<string, string | number>

/** The English sentence of a text. */
export function sshMessage(text: SshText, params: SshTextParams = {}): string {
  return fillPlaceholders(SSH_TEXTS[text], params)
}

/** Why a known_hosts line is not used (OpenSSH ignores it too). */
export const KNOWN_HOSTS_REASONS = {
  unknownMarker: 'unknown marker {{marker}}',
  twoMarkers: 'only one marker is allowed on a line',
  missingFields: 'a line needs host patterns, a key type and a key',
  badHash: 'the hashed host name is not |1|salt|hash with a 20-byte salt and hash',
  unknownKeyType: 'unknown key type {{keyType}}',
  badKey: 'the key is not valid base64 of an SSH public key',
  typeMismatch: 'the key is a {{actual}} key, not {{keyType}}',
  certAuthority: 'host certificates (@cert-authority) are not checked by Hyperdesk; the host key itself is',
  unreadable: 'the file cannot be read ({{error}})',
} as const
export type KnownHostsReason = keyof typeof KNOWN_HOSTS_REASONS

/** What is wrong with an ~/.ssh/config line (the {{problem}} of configInvalid). */
export const CONFIG_PROBLEMS = {
  noArgument: 'no argument after {{keyword}}',
  badQuotes: 'unbalanced quotes',
  badPort: 'bad port "{{value}}"',
  badValue: '{{keyword}} does not accept "{{value}}"',
  extraArguments: 'extra arguments after {{keyword}}',
  badMatch: 'bad Match condition',
  unreadable: 'cannot read {{path}} ({{error}})',
} as const
export type ConfigProblem = keyof typeof CONFIG_PROBLEMS

export function configProblem(problem: ConfigProblem, params: SshTextParams = {}): string {
  return fillPlaceholders(CONFIG_PROBLEMS[problem], params)
}

export function knownHostsReason(reason: KnownHostsReason, params: SshTextParams = {}): string {
  return fillPlaceholders(KNOWN_HOSTS_REASONS[reason], params)
}
