import { z } from 'zod'
import { LeaseHolderSchema, LeaseTakeOverParamsSchema } from './lease'
import { METHOD_NAMES, EVENT_NAMES, type EventName, type MethodName } from './api-names'
import { ClusterConfigSchema, ConfigProblemSchema } from './config'
import { ApiErrorDataSchema } from './errors'
import { MessageSchema } from './messages/message'
import { DoctorReportSchema, HostKeyPromptSchema, HostStateSchema, PassphrasePromptSchema } from './hosts'
import { HostErrorEntrySchema, HostStatsSchema } from './host-activity'
import { HostInventorySchema, VmSchema, VmStatsSchema } from './inventory'
import { JobSchema } from './jobs'
import {
  EjectMediaParamsSchema,
  IsoChunkParamsSchema,
  IsoChunkResultSchema,
  IsoUploadParamsSchema,
} from './iso'
import {
  DefinitionDiffSchema,
  MigrateParamsSchema,
  MigrationPlanParamsSchema,
  MigrationPlanSchema,
  SyncParamsSchema,
  SyncPlanSchema,
} from './migration'
import { UpdateStatusSchema } from './updates'
import { FirewallChangeParamsSchema, FirewallStateSchema } from './firewall'
import {
  FailoverViewSchema,
  OvhConsumerKeyRequestSchema,
  OvhMoveCheckSchema,
  OvhMoveParamsSchema,
  OvhRequestConsumerKeyParamsSchema,
  OvhSaveCredentialsParamsSchema,
  OvhStatusSchema,
} from './ovh'
import {
  CoreIdSchema,
  FingerprintSchema,
  freeText,
  HostNameSchema,
  LocalPathSchema,
  PoolNameSchema,
  StreamIdSchema,
  UuidSchema,
} from './validators'
import { SerialOpenedSchema, ShellOpenedSchema, TerminalSizeSchema, VncOpenedSchema } from './console'
import { NetworkPlanSchema, VmSettingsSchema } from './vm-settings'
import { VmEditParamsSchema, VmEditPlanParamsSchema, VmEditPlanSchema, VmPendingSchema } from './vmedit'
import {
  CreateImageParamsSchema,
  DeleteImageParamsSchema,
  GrowImageParamsSchema,
  ImageRefSchema,
  RollbackParamsSchema,
  ShrinkImageParamsSchema,
  SnapshotParamsSchema,
  SnapshotDeleteParamsSchema,
  StorageListingSchema,
} from './storage'
import { CephFlagParamsSchema, CephStatusSchema } from './ceph'
import {
  CleanupCreateParamsSchema,
  CreatePlanSchema,
  CreateVmParamsSchema,
  DeleteVmParamsSchema,
  RenameVmParamsSchema,
  ClonePlanSchema,
  CloneVmParamsSchema,
} from './vmdef'
import {
  DestroyFencedParamsSchema,
  FencePlanParamsSchema,
  FencePlanSchema,
  FenceRecordSchema,
  FenceStartParamsSchema,
} from './fencing'
import {
  MaintenanceAbortParamsSchema,
  MaintenanceCurrentSchema,
  MaintenanceIdParamsSchema,
  MaintenanceResumeParamsSchema,
  MaintenancePlanParamsSchema,
  MaintenancePlanSchema,
  MaintenanceRecordSchema,
  MaintenanceStartParamsSchema,
} from './maintenance'

export { METHOD_NAMES, EVENT_NAMES, type EventName, type MethodName }

/**
 * The API contract between the UI and the core: every request method and every pushed event, each
 * with a zod schema. Both transports (Electron IPC and the browser-mode WebSocket) carry exactly
 * these, and both validate them. To add a feature: add its methods/events here and a service in
 * src/main/core/services — the transports never change.
 */

interface MethodSpec {
  params: z.ZodType
  result: z.ZodType
}
function method<P extends z.ZodType, R extends z.ZodType>(params: P, result: R) {
  return { params, result }
}
const noParams = z.object({}).strict()
const hostParams = z.object({ host: HostNameSchema }).strict()
/** Existing VMs are addressed by UUID, on a named host. */
const vmOnHost = z.object({ uuid: UuidSchema, host: HostNameSchema })

export const InventorySnapshotSchema = z.object({
  hosts: z.array(HostInventorySchema),
  vms: z.array(VmSchema),
})

export const AppInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  platform: z.string(),
  nodeVersion: z.string(),
})

/** A host as it will actually be reached, after ~/.ssh/config is applied. */
export const ResolvedHostSchema = z.object({
  name: z.string(),
  hostname: z.string(),
  port: z.number(),
  user: z.string(),
  identityFiles: z.array(z.string()),
  identitiesOnly: z.boolean(),
  identityAgent: z.string().optional(),
  proxyJump: z.string().optional(),
  fromSshConfig: z.boolean(),
  migrationAddress: z.string(),
  gateway: z.string().optional(),
  /** The OVH server this host is (its service name, ns…ip-…eu): how OVH's API names it. */
  ovhServiceName: z.string().optional(),
  /** ssh_config directives found for this host that the app does not apply, so the user knows. */
  ignoredDirectives: z.array(z.string()),
  /** ~/.ssh/config's UserKnownHostsFile (expanded); absent: the cluster file's or OpenSSH's default. */
  userKnownHostsFiles: z.array(z.string()).optional(),
  /** ~/.ssh/config's GlobalKnownHostsFile; absent: /etc/ssh/ssh_known_hosts{,2}. */
  globalKnownHostsFiles: z.array(z.string()).optional(),
  /** ~/.ssh/config's StrictHostKeyChecking when not "ask" (yes: never accept; accept-new/no: keep new keys). */
  strictHostKeyChecking: z.enum(['yes', 'no', 'accept-new']).optional(),
  /** Why this host cannot be reached as ~/.ssh/config describes it (e.g. Match exec): never contacted. */
  refusal: z.optional(ApiErrorDataSchema),
})
export type ResolvedHost = z.infer<typeof ResolvedHostSchema>

export const ConfigStateSchema = z.object({
  path: z.string(),
  status: z.enum(['missing', 'invalid', 'ok']),
  config: ClusterConfigSchema.optional(),
  problems: z.array(ConfigProblemSchema),
  hosts: z.array(ResolvedHostSchema),
  /** The file as it was before the app's last save (kept beside it), when there was one. */
  previousPath: z.string().optional(),
})
export type ConfigState = z.infer<typeof ConfigStateSchema>

/** A host named in ~/.ssh/config, as ssh would reach it: what the first run offers to import. */
export const SshConfigHostSchema = z.object({
  alias: z.string(),
  /** The cluster file's name for it (the alias's first label), when that is a valid host name. */
  name: z.string().optional(),
  hostname: z.string(),
  port: z.number(),
  user: z.string(),
  identityFiles: z.array(z.string()),
  /** Where its Host line is. */
  file: z.string(),
  line: z.number(),
  /** Why ssh itself would refuse this host (the app would too): not offered for import. */
  refusal: z.optional(ApiErrorDataSchema),
})
export type SshConfigHost = z.infer<typeof SshConfigHostSchema>
export const SshConfigImportSchema = z.object({
  file: z.string(),
  hosts: z.array(SshConfigHostSchema),
  /** Nothing to import, and why (no file, no host names). */
  problem: z.optional(MessageSchema),
  /** The file is one ssh refuses (which line, what to fix): nothing imported. */
  refusal: z.optional(ApiErrorDataSchema),
})
export type SshConfigImport = z.infer<typeof SshConfigImportSchema>

export const methods = {
  'app.info': method(noParams, AppInfoSchema),
  /**
   * Asks the release feed whether a newer release exists (never downloads or installs it). An automatic
   * check reuses a recent answer; manual (Help menu) always asks. The answer is also sent as app.updateStatus.
   */
  'app.checkForUpdates': method(z.object({ manual: z.boolean().optional() }).strict(), UpdateStatusSchema),
  'config.get': method(noParams, ConfigStateSchema),
  /** Reads the cluster file again from disk (after an edit by hand). */
  'config.reload': method(noParams, ConfigStateSchema),
  /** Validates and writes the cluster file; invalid input is refused with each field's problem. */
  'config.save': method(z.object({ config: z.unknown() }).strict(), ConfigStateSchema),
  /** The host names of ~/.ssh/config, each as ssh would reach it (read by the app, never by running ssh). */
  'config.sshConfigHosts': method(noParams, SshConfigImportSchema),
  /** Every configured host's connection state, with its last doctor report. */
  'hosts.list': method(noParams, z.array(HostStateSchema)),
  /** Connects now (also the user's explicit retry after an authentication failure). */
  'hosts.connect': method(hostParams, HostStateSchema),
  /** Closes the connection and stops retrying until hosts.connect. */
  'hosts.disconnect': method(hostParams, HostStateSchema),
  /** Saves the key the host offered to known_hosts, if it still has this fingerprint, and connects. */
  'hosts.acceptHostKey': method(
    z.object({ host: HostNameSchema, fingerprint: FingerprintSchema }).strict(),
    HostStateSchema,
  ),
  /** Unlocks an encrypted key file for this run (kept in memory only) and connects. */
  'hosts.providePassphrase': method(
    z.object({ host: HostNameSchema, keyPath: LocalPathSchema, passphrase: freeText('passphrase') }).strict(),
    HostStateSchema,
  ),
  /** Runs the host doctor again. */
  'hosts.doctor': method(hostParams, DoctorReportSchema),
  /** One sample of the host's CPU counters and memory, for the live graphs (one exec). */
  'hosts.stats': method(hostParams, HostStatsSchema),
  /** The host's last failed remote commands (newest first), each with its step, command and stderr. */
  'hosts.errors': method(hostParams, z.array(HostErrorEntrySchema)),
  /** The last known inventory of every host and the cluster's VMs with their danger flags. */
  'inventory.get': method(noParams, InventorySnapshotSchema),
  /** Refreshes one host, or all of them, now, definitions included. */
  'inventory.refresh': method(
    z.object({ host: HostNameSchema.optional() }).strict(),
    InventorySnapshotSchema,
  ),
  /**
   * Starts a VM on a host, as a job. Refused (the job fails with each reason) while it runs elsewhere,
   * its disks are open, a managed save exists, or a host cannot be asked and is not fenced for it
   * (vm.fenceStart is the way to start it then).
   */
  'vm.start': method(vmOnHost.strict(), JobSchema),
  /** What fencing a lost host for this VM would blocklist, and what the user must accept; changes nothing. */
  'vm.fencePlan': method(FencePlanParamsSchema, FencePlanSchema),
  /**
   * Job (kind 'vm.fenceStart'): blocklists the lost host's clients of the VM's disks (7 days), reads
   * the blocklist back, then starts the VM on `host` with every start check.
   */
  'vm.fenceStart': method(FenceStartParamsSchema, JobSchema),
  /** Job: destroys the fenced copy on the host that came back, then removes the fence's blocklist entries. */
  'vm.destroyFenced': method(DestroyFencedParamsSchema, JobSchema),
  /** The fences the app made and has not resolved yet. */
  'fencing.list': method(noParams, z.array(FenceRecordSchema)),
  /** Job: error_policy='stop' on the VM's RBD disks, on the reference host then synced to every host. */
  'vm.setErrorPolicy': method(z.object({ uuid: UuidSchema }).strict(), JobSchema),
  /** Every host's IPS_FAILOVER (through the helper) and the drift between hosts. */
  'firewall.state': method(noParams, FirewallStateSchema),
  /**
   * Job: adds or removes one IPv4 address in IPS_FAILOVER on every host, one after the other, each
   * confirmed over a new SSH connection or restored by the helper's dead-man; stops at the first failure.
   */
  'firewall.change': method(FirewallChangeParamsSchema, JobSchema),
  /** Where OVH credentials come from (environment, ovh.conf) and what is wrong with them; never a secret. */
  'ovh.status': method(noParams, OvhStatusSchema),
  /** Keeps OVH credentials typed in the app in the OS keychain (refused in browser mode or in plain text). */
  'ovh.saveCredentials': method(OvhSaveCredentialsParamsSchema, OvhStatusSchema),
  /** Forgets the credentials kept in the OS keychain (ovh.conf and the environment are not touched). */
  'ovh.forgetCredentials': method(noParams, OvhStatusSchema),
  /** Asks OVH for a consumer key limited to the app's access rules; answers the URL to validate it. */
  'ovh.requestConsumerKey': method(OvhRequestConsumerKeyParamsSchema, OvhConsumerKeyRequestSchema),
  /** Every failover block of the OVH account with its server, virtual MACs, claiming VMs, firewall hosts and badges. */
  'ovh.failoverView': method(noParams, FailoverViewSchema),
  /** OVH's pre-check (ipCanBeMovedTo) for routing a block to a host's server; OVH's refusal as data. */
  'ovh.moveCheck': method(OvhMoveParamsSchema, OvhMoveCheckSchema),
  /** Routes a whole failover block to a host's server and follows OVH's task (a job). */
  'ovh.moveBlock': method(OvhMoveParamsSchema, JobSchema),
  /** ACPI shutdown, waiting up to timeoutSeconds; the job's result says whether it stopped. */
  'vm.shutdown': method(
    vmOnHost.extend({ timeoutSeconds: z.number().int().min(1).max(3600).optional() }).strict(),
    JobSchema,
  ),
  /** Power cut: confirmName must be the VM's exact name. */
  'vm.forceOff': method(
    vmOnHost
      .extend({ confirmName: freeText("confirmation (the VM's name as the hosts report it)") })
      .strict(),
    JobSchema,
  ),
  'vm.reboot': method(vmOnHost.strict(), JobSchema),
  /** One sample of a running VM's CPU time and memory, for the live graphs (one exec). */
  'vm.stats': method(vmOnHost.strict(), VmStatsSchema),
  /** A live migration's pre-checks (pass/warn/fail, each with its reason) and follow-ups; changes nothing. */
  'vm.migrationPlan': method(MigrationPlanParamsSchema, MigrationPlanSchema),
  /**
   * Live migration as a cancellable job (kind 'vm.migrate'): refused when a pre-check fails, or warns
   * without acceptWarnings. job.detail has the live figures; job.result is a MigrationResult.
   */
  'vm.migrate': method(MigrateParamsSchema, JobSchema),
  /** Each host's definition against a reference host's: same/different/missing, with a unified diff. */
  'vm.definitionDiff': method(
    z.object({ uuid: UuidSchema, reference: HostNameSchema.optional() }).strict(),
    DefinitionDiffSchema,
  ),
  /** Defines `from`'s definition on every other host, as a job whose result reports each host (SyncResult). */
  /**
   * Refused, before anything changes, when the VM runs on a host whose definition would change and
   * that host is not named in confirmRunningHosts (see vm.syncPlan).
   */
  'vm.syncDefinition': method(SyncParamsSchema, JobSchema),
  /** What a sync from `from` would change on each host, with the hosts where the VM runs; changes nothing. */
  'vm.syncPlan': method(z.object({ uuid: UuidSchema, from: HostNameSchema }).strict(), SyncPlanSchema),
  /** Creation's pre-checks on every host and in Ceph (and the wizard's choices); changes nothing. */
  'vm.createPlan': method(CreateVmParamsSchema, CreatePlanSchema),
  /**
   * Job (kind 'vm.create'): image created and tagged, the same definition with one UUID defined on
   * every host and read back, optionally started; undone on failure (job.error.details.remains lists
   * what could not be undone). job.result is a CreateVmResult.
   */
  'vm.create': method(CreateVmParamsSchema, JobSchema),
  /** Cloning's pre-checks (the new VM's on every host, and the source's); changes nothing. */
  'vm.clonePlan': method(CloneVmParamsSchema, ClonePlanSchema),
  /**
   * Job (kind 'vm.clone'): an RBD copy-on-write clone of a VM that is off (snapshotted by the job) or
   * of a template (a protected snapshot), tagged with the job, defined on every host with a new UUID
   * and MAC and read back; undone on failure (details.remains, as vm.create). job.result is a
   * CloneVmResult.
   */
  'vm.clone': method(CloneVmParamsSchema, JobSchema),
  /** Job: removes what a failed vm.create or vm.clone listed as remaining (its image only if still tagged). */
  'vm.cleanupCreate': method(CleanupCreateParamsSchema, JobSchema),
  /** Job: undefines a stopped VM on every host; its images only when asked (DeleteVmResult). */
  'vm.delete': method(DeleteVmParamsSchema, JobSchema),
  /**
   * Job (kind 'vm.rename'): renames a VM that is off on every host and its images named after it,
   * undone on failure. job.result is a RenameVmResult.
   */
  'vm.rename': method(RenameVmParamsSchema, JobSchema),
  /**
   * An edit of the persistent definition on every host, judged on a fresh read: the diff, each host's
   * definition hash (to send back with vm.edit), what applies live and what waits; changes nothing.
   */
  'vm.editPlan': method(VmEditPlanParamsSchema, VmEditPlanSchema),
  /**
   * Job (kind 'vm.edit'): the edit defined on every host and read back identical, undone on failure;
   * refused (vm.edit.changed, details.plan: the new plan) when a host's hash differs from `hashes`.
   * job.result is a VmEditResult.
   */
  'vm.edit': method(VmEditParamsSchema, JobSchema),
  /** What the running VM has not taken yet (live vs persistent definition where it runs). */
  'vm.pending': method(z.object({ uuid: UuidSchema }).strict(), VmPendingSchema),
  /** Ceph's health, OSD tree, monitors, pools and flags, read with the configured client on an online host. */
  'ceph.status': method(z.object({ host: HostNameSchema.optional() }).strict(), CephStatusSchema),
  /** Sets or unsets noout (cluster-wide, or on a CRUSH node) with the privileged client or sudo. */
  'ceph.setFlag': method(
    CephFlagParamsSchema,
    z.object({ host: z.string(), flag: z.string(), command: z.string() }),
  ),
  /** Host maintenance pre-checks and capacity plan; changes nothing. */
  'maintenance.plan': method(MaintenancePlanParamsSchema, MaintenancePlanSchema),
  /** Starts the maintenance job (kind 'host.maintenance'); refused when a check fails or warns unaccepted. */
  'maintenance.start': method(MaintenanceStartParamsSchema, MaintenanceRecordSchema),
  /** The current (or last) maintenance, saved on disk: after a restart it shows as interrupted. */
  'maintenance.current': method(noParams, MaintenanceCurrentSchema),
  /** Runs an interrupted or failed maintenance again; acceptWarnings accepts the new warnings that stopped it. */
  'maintenance.resume': method(MaintenanceResumeParamsSchema, MaintenanceRecordSchema),
  /** Cancels the job (and a migration in flight), then unsets the noout it set unless keepNoout. */
  'maintenance.abort': method(MaintenanceAbortParamsSchema, MaintenanceRecordSchema),
  /** The user rebooted the host: the job checks it (offline seen, or a new boot id). */
  'maintenance.confirmReboot': method(MaintenanceIdParamsSchema, MaintenanceRecordSchema),
  'console.openVnc': method(z.object({ uuid: UuidSchema }).strict(), VncOpenedSchema),
  'console.openSerial': method(
    z.object({ uuid: UuidSchema, ...TerminalSizeSchema }).strict(),
    SerialOpenedSchema,
  ),
  'console.openShell': method(
    z.object({ host: HostNameSchema, ...TerminalSizeSchema }).strict(),
    ShellOpenedSchema,
  ),
  'console.resize': method(
    z.object({ streamId: StreamIdSchema, ...TerminalSizeSchema }).strict(),
    z.object({}),
  ),
  'console.close': method(z.object({ streamId: StreamIdSchema }).strict(), z.object({})),
  'vm.setSettings': method(z.object({ uuid: UuidSchema, settings: VmSettingsSchema }).strict(), JobSchema),
  'vm.networkPlan': method(z.object({ uuid: UuidSchema }).strict(), NetworkPlanSchema),
  /**
   * Job (kind 'iso.upload', cancellable): the images pool checked on every host, a volume made on
   * each, then filled with what iso.uploadChunk sends, and its SHA-256 compared on each host; a
   * failure deletes the volumes it made. job.result is an IsoUploadResult.
   */
  'iso.upload': method(IsoUploadParamsSchema, JobSchema),
  /** The next piece of the file of a running iso.upload job, in order (base64). */
  'iso.uploadChunk': method(IsoChunkParamsSchema, IsoChunkResultSchema),
  /**
   * Job (kind 'vm.ejectMedia'): empties the VM's CD-ROMs in its persistent definition on every host
   * and live on the host where it runs. job.result is an EjectMediaResult.
   */
  'vm.ejectMedia': method(EjectMediaParamsSchema, JobSchema),
  'jobs.list': method(noParams, z.array(JobSchema)),
  'jobs.get': method(z.object({ id: CoreIdSchema }).strict(), JobSchema),
  'jobs.cancel': method(z.object({ id: CoreIdSchema }).strict(), JobSchema),
  /** Images of every configured pool (or one): sizes, used space when cheap, users, watchers, snapshots. */
  'storage.list': method(z.object({ pool: PoolNameSchema.optional() }).strict(), StorageListingSchema),
  'storage.createImage': method(
    CreateImageParamsSchema,
    z.object({ host: z.string(), pool: z.string(), image: z.string(), sizeBytes: z.number() }),
  ),
  /** Job: live (virsh blockresize) when a VM runs with it, else rbd resize; result is a GrowResult. */
  'storage.growImage': method(GrowImageParamsSchema, JobSchema),
  /** Job: refused unless every VM using it is off on every host, no watchers, name typed; snapshot first. */
  'storage.shrinkImage': method(ShrinkImageParamsSchema, JobSchema),
  /** Job: refused if a definition uses it, it has watchers, or snapshots (unless purgeSnapshots). */
  'storage.deleteImage': method(DeleteImageParamsSchema, JobSchema),
  /** Job (cancellable): used space; reads every object when the image has no fast-diff. */
  'storage.du': method(ImageRefSchema, JobSchema),
  'storage.snapshotCreate': method(
    SnapshotParamsSchema,
    z.object({ host: z.string(), pool: z.string(), image: z.string(), snapshot: z.string() }),
  ),
  /** Refused unless confirmName is the snapshot's name; a safety snapshot also needs confirmSafetySnapshot. */
  'storage.snapshotDelete': method(
    SnapshotDeleteParamsSchema,
    z.object({ host: z.string(), pool: z.string(), image: z.string(), snapshot: z.string() }),
  ),
  /** Job: like shrink's checks; a safety snapshot first unless safetySnapshot is false. */
  'storage.snapshotRollback': method(RollbackParamsSchema, JobSchema),
  /** Every part of the cluster lease held now: who (user@machine), doing what, since and until when. */
  'lease.list': method(noParams, z.array(LeaseHolderSchema)),
  /**
   * Ends another instance's lease (a crashed app): only the exact holder and cookie the user saw and
   * confirmed; written to the host's syslog. Returns the holder that was removed.
   */
  'lease.takeOver': method(LeaseTakeOverParamsSchema, LeaseHolderSchema),
} as const satisfies { [M in MethodName]: MethodSpec }

export const events = {
  /** The result of every release check, so a check started from the Help menu reaches the window. */
  'app.updateStatus': UpdateStatusSchema,
  'config.changed': ConfigStateSchema,
  'hosts.state': HostStateSchema,
  'hosts.hostKeyPrompt': HostKeyPromptSchema,
  'hosts.passphrasePrompt': PassphrasePromptSchema,
  /** A remote command failed on a host (also in hosts.errors). */
  'hosts.error': HostErrorEntrySchema,
  /** One host's inventory changed (refresh or event), with the cluster's VMs recomputed. */
  'inventory.changed': z.object({ host: HostInventorySchema, vms: z.array(VmSchema) }),
  'jobs.update': JobSchema,
  'maintenance.changed': MaintenanceCurrentSchema,
  'fencing.changed': z.array(FenceRecordSchema),
} as const satisfies { [E in EventName]: z.ZodType }
export type MethodParams<M extends MethodName> = z.input<(typeof methods)[M]['params']>
export type MethodResult<M extends MethodName> = z.output<(typeof methods)[M]['result']>
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>

export function isMethodName(value: unknown): value is MethodName {
  return typeof value === 'string' && Object.hasOwn(methods, value)
}
export function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && Object.hasOwn(events, value)
}
