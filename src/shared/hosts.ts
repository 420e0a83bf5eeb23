import { z } from 'zod'
import { ApiErrorDataSchema } from './errors'
import { CheckSchema } from './messages/check'

/**
 * What the app knows about each hypervisor's SSH connection and what the host can do (the doctor's
 * report). Later features read `capabilities` to choose a path or to explain why an action is
 * unavailable; the UI shows `checks` with their exact fixes.
 */

/**
 * idle: not connected and not trying (before start, or after the user disconnected).
 * offline: unreachable or connection lost; the app retries by itself with backoff.
 * no-key: no key was offered at all (no agent, an agent holding none, no usable identity file): the
 * host refused nothing, the settings lack a key.
 * auth-failed, passphrase-needed, key-unknown, key-changed, unsupported: the app waits for the user
 * (never retried automatically: the hosts run fail2ban, and a changed key may be an attack).
 */
export const HostStatusSchema = z.enum([
  'idle',
  'connecting',
  'online',
  'offline',
  'no-key',
  'auth-failed',
  'passphrase-needed',
  'key-unknown',
  'key-changed',
  'unsupported',
])
export type HostStatus = z.infer<typeof HostStatusSchema>

export const HostKeySchema = z.object({
  /** e.g. ssh-ed25519 */
  type: z.string(),
  /** OpenSSH's format: SHA256:<base64 without padding> */
  fingerprint: z.string(),
})
export type HostKey = z.infer<typeof HostKeySchema>

/** The doctor's checks have the one check shape (shared/messages/check.ts). */
export { CheckSchema, type Check } from './messages/check'

export const CapabilitiesSchema = z.object({
  /** etalab reaches qemu:///system read-write (group libvirt). */
  canUseLibvirt: z.boolean(),
  /** a keyring for the configured Ceph client id is readable by etalab. */
  canReadCephKeyring: z.boolean(),
  /** `ceph health` answered with that client id. */
  cephReachable: z.boolean(),
  /** `rbd status` (image watchers) works: needed before any VM start. */
  canRbdStatus: z.boolean(),
  /** `virsh domstats` exists and runs (one bulk call per refresh). */
  hasDomstats: z.boolean(),
  /** `virsh event --all --loop` exists (push instead of polling). */
  hasVirshEvent: z.boolean(),
  /** `virsh event` has `--timestamp`. */
  hasVirshEventTimestamp: z.boolean(),
  /** sshd allows direct-tcpip channels (VNC consoles without a local port). */
  tcpForwarding: z.boolean(),
  /** libvirtd.log is readable, directly or with the sudo rule the doctor gives. */
  canReadLibvirtLog: z.boolean(),
  /** logger(1) exists: the audit trail in the host's syslog works. */
  hasLogger: z.boolean(),
  /** coreutils timeout(1) exists: every remote command needs it. */
  hasTimeout: z.boolean(),
})
export type Capabilities = z.infer<typeof CapabilitiesSchema>

export const DoctorReportSchema = z.object({
  host: z.string(),
  checkedAt: z.string(),
  durationMs: z.number(),
  versions: z.object({
    libvirt: z.string().nullable(),
    qemu: z.string().nullable(),
    ceph: z.string().nullable(),
    openssh: z.string().nullable(),
  }),
  capabilities: CapabilitiesSchema,
  checks: z.array(CheckSchema),
})
export type DoctorReport = z.infer<typeof DoctorReportSchema>

export const HostStateSchema = z.object({
  name: z.string(),
  /** user@hostname:port, as connected */
  target: z.string(),
  status: HostStatusSchema,
  /** When the status last changed (ISO time). */
  since: z.string(),
  /** Why the host is not online, with host, step and hint. */
  error: z.optional(ApiErrorDataSchema),
  /**
   * The key the host offered: for key-unknown (to accept) and key-changed (to compare); when online,
   * the key known_hosts vouched for.
   */
  hostKey: HostKeySchema.optional(),
  /** key-changed: the fingerprints known_hosts holds for this host. */
  knownFingerprints: z.array(z.string()).optional(),
  /** passphrase-needed: the encrypted key files waiting for their passphrase. */
  lockedKeys: z.array(z.string()).optional(),
  /** offline: when the next automatic attempt happens (ISO time). */
  retryAt: z.string().optional(),
  /**
   * known_hosts lines OpenSSH would not use either (unknown marker, bad hash, key of another type…):
   * never trusted, shown so the user can mend them. `reasonText` keys shared/ssh-texts.ts's
   * KNOWN_HOSTS_REASONS, with `params`; `reason` is the English sentence.
   */
  knownHostsWarnings: z
    .array(
      z.object({
        file: z.string(),
        line: z.number(),
        reason: z.string(),
        reasonText: z.string(),
        params: z.record(z.string(), z.union([z.string(), z.number()])),
      }),
    )
    .optional(),
  /** online: how long the last connect took (TCP + key exchange + auth). */
  connectMs: z.number().optional(),
  doctor: DoctorReportSchema.optional(),
})
export type HostState = z.infer<typeof HostStateSchema>

export const HostKeyPromptSchema = z.object({
  host: z.string(),
  hostname: z.string(),
  port: z.number(),
  type: z.string(),
  fingerprint: z.string(),
})
export type HostKeyPrompt = z.infer<typeof HostKeyPromptSchema>

export const PassphrasePromptSchema = z.object({ host: z.string(), keyPath: z.string() })
export type PassphrasePrompt = z.infer<typeof PassphrasePromptSchema>
