import { requireLabLogins } from './lab'

/**
 * Once per lab run, before any file: the lab is up and etalab logs in on every host. Each file's own
 * requireLab then checks only what a file before it can change (Ceph's health, each host's sshd).
 */
export default async function setup(): Promise<void> {
  await requireLabLogins()
}
