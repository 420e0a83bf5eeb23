import os from 'node:os'
import { CONTROL_CHARACTER } from '../../../shared/validators'
import { msg } from '../../../shared/messages'
import type { RemoteRunner } from './runner'

/**
 * Every change the app makes on a host is also written to that host's syslog, so admins working
 * from several desks see who did what: `logger -t hyperdesk -- "<admin>: <action> <vm>"`.
 * Every mutating operation calls this once it has succeeded (or failed, saying so in the action).
 */
export interface AuditEntry {
  /** The local OS user running the app (default os.userInfo().username). */
  admin?: string
  /** What was done, e.g. "start", "migrate to hv2", "delete image libvirt-ssd/web1". */
  action: string
  /** The VM's name and UUID when the action concerns one. */
  vm?: string
}

/**
 * The audit line: one line of printable text. A VM's name comes from the hosts and may hold
 * anything libvirt allows (a tab, a terminal escape…), so control characters are written
 * as \xHH: an audit line can never be split in two, nor carry terminal escapes, in syslog.
 */
export function auditMessage(entry: AuditEntry): string {
  const admin = entry.admin ?? localAdminName()
  return printable(`${admin}: ${entry.action}${entry.vm ? ` ${entry.vm}` : ''}`)
}

const CONTROL_CHARACTERS = new RegExp(CONTROL_CHARACTER.source, 'g')

function printable(text: string): string {
  // Every control character is at most U+009F: two hex digits say which.
  return text.replace(
    CONTROL_CHARACTERS,
    (character) => `\\x${(character.codePointAt(0) ?? 0).toString(16).padStart(2, '0')}`,
  )
}

export async function audit(runner: RemoteRunner, host: string, entry: AuditEntry): Promise<void> {
  await runner.run(host, ['logger', '-t', 'hyperdesk', '--', auditMessage(entry)], {
    timeoutSeconds: 10,
    step: msg('errorSteps.writeAuditLine'),
  })
}

export function localAdminName(): string {
  try {
    return os.userInfo().username
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown'
  }
}
