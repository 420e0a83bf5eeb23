/**
 * A host's connection status as words (shared/hosts.ts HostStatusSchema; a unit test keeps them
 * in step), for messages that say why a host does not take part: `{{status, message}}` with
 * hostStatusMessage(status). Not imported from hosts.ts: the catalog must not depend on it.
 */
export const HOST_STATUS_TEXTS = {
  idle: 'not connected',
  connecting: 'connecting',
  online: 'online',
  offline: 'offline',
  'no-key': 'no SSH key offered',
  'auth-failed': 'its SSH key was refused',
  'passphrase-needed': 'waiting for a key’s passphrase',
  'key-unknown': 'its host key is not confirmed yet',
  'key-changed': 'its host key changed',
  unsupported: 'unsupported',
  unknown: 'not configured',
} as const
export type HostStatusWord = keyof typeof HOST_STATUS_TEXTS

/** The status as a message; a status this list does not know reads as "not configured". */
export function hostStatusMessage(status: string): { code: `hostStatus.${HostStatusWord}` } {
  const word = Object.hasOwn(HOST_STATUS_TEXTS, status) ? (status as HostStatusWord) : 'unknown'
  return { code: `hostStatus.${word}` }
}
