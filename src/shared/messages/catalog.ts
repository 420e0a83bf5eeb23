import { FENCE_TEXTS } from '../fencing-texts'
import { FIREWALL_TEXTS } from '../firewall-texts'
import { FAILOVER_BADGE_TEXTS } from '../ovh-texts'
import { OVH_MOVE_TEXTS } from '../ovh-move-texts'
import { OVH_CREATE_TEXTS } from '../ovh-create-texts'
import { FORMAT_ERROR_TEXTS } from '../format-errors'
import { GUARD_TEXTS } from '../guard-texts'
import { MIGRATION_CHECK_TEXTS } from '../migration-checks'
import { CONFIG_PROBLEMS, KNOWN_HOSTS_REASONS, SSH_TEXTS } from '../ssh-texts'
import { VMDEF_TEXTS } from '../vmdef-texts'
import { VMEDIT_TEXTS } from '../vmedit-texts'
import { ISO_TEXTS } from '../iso-texts'
import { HOST_STATUS_TEXTS } from './host-status'
import { SETUP_TEXTS } from '../setup-texts'
import { CHECK_TEXTS } from './check-texts'
import { CLUSTER_FILE_TEXTS } from './cluster-file'
import { JOB_STEP_TEXTS } from './job-steps'
import { VMDEF_STEP_TEXTS } from './vmdef-steps'
import { MAINTENANCE_STEP_TEXTS } from './maintenance-steps'
import { CEPH_HOST_TEXTS } from './ceph-hosts'
import { COMMON_TEXTS } from './common'
import { DOCTOR_TEXTS } from './doctor'
import { MAINTENANCE_CHECK_TEXTS } from './maintenance'
import { FOLLOW_UP_TEXTS, MIGRATION_TEXTS } from './migration'
import { SSH_ERROR_TEXTS } from './errors-ssh'
import { REMOTE_ERROR_TEXTS } from './errors-remote'
import { CONSOLE_ERROR_TEXTS } from './errors-console'
import { CORE_ERROR_TEXTS } from './errors-core'
import { CEPH_ERROR_TEXTS } from './errors-ceph'
import { ERROR_STEP_TEXTS } from './error-steps'
import { JOB_TITLE_TEXTS } from './job-titles'
import { DEFINITION_ERROR_TEXTS } from './errors-definitions'
import { MAINTENANCE_ERROR_TEXTS } from './errors-maintenance'
import { MIGRATION_ERROR_TEXTS } from './errors-migration'
import { VM_ERROR_TEXTS } from './errors-vm'
import { OVH_ERROR_TEXTS } from './errors-ovh'
import { STORAGE_ERROR_TEXTS } from './errors-storage'
import { LEASE_ERROR_TEXTS } from './errors-lease'
import { FIREWALL_ERROR_TEXTS } from './errors-firewall'
import { VMDEF_ERROR_TEXTS } from './errors-vmdef'
import { MESSAGE_AREAS } from './areas'
import { registerEnglishCatalog } from './english-registry'

/**
 * Every message the core can send, by area, in English with {{placeholders}}: the core's own
 * rendering (logs, audit lines) and the window's English. A message's code is `area.key`
 * (e.g. `migrationChecks.memoryShort`). The French of every area is in
 * src/renderer/src/i18n/messages.fr.ts, whose type makes a missing code a compile error; the unit test
 * test/unit/messages.test.ts fails when a translation's placeholders differ from the English.
 *
 * A placeholder is `{{name}}` (a name, address, command… shown as is) or `{{name, kind}}` with a
 * kind from PARAM_KINDS (`size`, `percent`, `time`, `list`, `message`…), written in the UI's
 * language. An entry is a sentence, or `{ one, other }` chosen by the `count` parameter.
 */
export const MESSAGES_EN = {
  common: COMMON_TEXTS,
  checks: CHECK_TEXTS,
  doctor: DOCTOR_TEXTS,
  maintenanceChecks: MAINTENANCE_CHECK_TEXTS,
  migrationRefusals: MIGRATION_TEXTS,
  migrationChecks: MIGRATION_CHECK_TEXTS,
  followUps: FOLLOW_UP_TEXTS,
  formatErrors: FORMAT_ERROR_TEXTS,
  sshTexts: SSH_TEXTS,
  sshConfigProblems: CONFIG_PROBLEMS,
  knownHostsReasons: KNOWN_HOSTS_REASONS,
  fenceTexts: FENCE_TEXTS,
  firewall: FIREWALL_TEXTS,
  failoverBadges: FAILOVER_BADGE_TEXTS,
  ovhMoves: OVH_MOVE_TEXTS,
  ovhCreate: OVH_CREATE_TEXTS,
  guards: GUARD_TEXTS,
  vmdef: VMDEF_TEXTS,
  vmedit: VMEDIT_TEXTS,
  iso: ISO_TEXTS,
  hostStatus: HOST_STATUS_TEXTS,
  // ApiErrors by area (errors-*.ts): what failed, on which host, and what to do.
  sshErrors: SSH_ERROR_TEXTS,
  remoteErrors: REMOTE_ERROR_TEXTS,
  consoleErrors: CONSOLE_ERROR_TEXTS,
  coreErrors: CORE_ERROR_TEXTS,
  cephErrors: CEPH_ERROR_TEXTS,
  errorSteps: ERROR_STEP_TEXTS,
  jobTitles: JOB_TITLE_TEXTS,
  definitionErrors: DEFINITION_ERROR_TEXTS,
  maintenanceErrors: MAINTENANCE_ERROR_TEXTS,
  migrationErrors: MIGRATION_ERROR_TEXTS,
  vmErrors: VM_ERROR_TEXTS,
  ovhErrors: OVH_ERROR_TEXTS,
  storageErrors: STORAGE_ERROR_TEXTS,
  leaseErrors: LEASE_ERROR_TEXTS,
  firewallErrors: FIREWALL_ERROR_TEXTS,
  vmdefErrors: VMDEF_ERROR_TEXTS,
  // The file's own problems (config-file.ts) and the first-run form's refusals (setup-texts.ts).
  clusterFile: { ...CLUSTER_FILE_TEXTS, ...SETUP_TEXTS },
  jobSteps: JOB_STEP_TEXTS,
  vmdefSteps: VMDEF_STEP_TEXTS,
  maintenanceSteps: MAINTENANCE_STEP_TEXTS,
  cephHosts: CEPH_HOST_TEXTS,
} as const

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
/** A compile error when areas.ts does not list exactly the catalog's areas: add the new area there. */
export const AREAS_LISTED: Same<(typeof MESSAGE_AREAS)[number], keyof typeof MESSAGES_EN> = true

// This module is the English catalog's one entry point: loading it gives englishText its sentences.
registerEnglishCatalog(MESSAGES_EN)
