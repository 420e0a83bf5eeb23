import os from 'node:os'
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

export function auditMessage(entry: AuditEntry): string {
  const admin = entry.admin ?? localAdminName()
  return `${admin}: ${entry.action}${entry.vm ? ` ${entry.vm}` : ''}`
}

export async function audit(runner: RemoteRunner, host: string, entry: AuditEntry): Promise<void> {
  await runner.run(host, ['logger', '-t', 'hyperdesk', '--', auditMessage(entry)], {
    timeoutSeconds: 10,
    step: 'write the audit line to syslog',
  })
}

export function localAdminName(): string {
  try {
    return os.userInfo().username
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown'
  }
}
