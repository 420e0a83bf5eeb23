import type { MessageCatalog } from '../../../shared/messages/message'
import { clusterFileFr } from './cluster-file.fr'
import { jobStepsFr } from './job-steps.fr'
import { vmdefStepsFr } from './vmdef-steps.fr'
import { maintenanceStepsFr } from './maintenance-steps.fr'
import { cephHostsFr } from './ceph-hosts.fr'
import { doctorFr } from './doctor.fr'
import { maintenanceChecksFr } from './maintenance-checks.fr'
import { fenceTextsFr } from './fencing.fr'
import { firewallFr } from './firewall.fr'
import { failoverBadgesFr } from './ovh.fr'
import { ovhMovesFr } from './ovh-moves.fr'
import { ovhCreateFr } from './ovh-create.fr'
import { formatErrorsFr } from './format-errors.fr'
import { guardsFr } from './guards.fr'
import { migrationChecksFr } from './migration-checks.fr'
import { setupTextsFr } from './setup-texts.fr'
import { configProblemsFr, knownHostsReasonsFr, sshTextsFr } from './ssh-texts.fr'
import { vmdefFr } from './vmdef.fr'
import { vmeditFr } from './vmedit.fr'
import { hostStatusFr, isoFr } from './iso.fr'
import { sshErrorsFr } from './errors-ssh.fr'
import { remoteErrorsFr } from './errors-remote.fr'
import { consoleErrorsFr } from './errors-console.fr'
import { errorStepsFr } from './error-steps.fr'
import { jobTitlesFr } from './job-titles.fr'
import { definitionErrorsFr } from './errors-definitions.fr'
import { maintenanceErrorsFr } from './errors-maintenance.fr'
import { migrationErrorsFr } from './errors-migration.fr'
import { vmErrorsFr } from './errors-vm.fr'
import { ovhErrorsFr } from './errors-ovh.fr'
import { storageErrorsFr } from './errors-storage.fr'
import { leaseErrorsFr } from './errors-lease.fr'
import { firewallErrorsFr } from './errors-firewall.fr'
import { vmdefErrorsFr } from './errors-vmdef.fr'
import { coreErrorsFr } from './errors-core.fr'
import { cephErrorsFr } from './errors-ceph.fr'

/**
 * The core's messages in French: every area of shared/messages/catalog.ts. The type makes a missing
 * area or code a compile error; test/unit/messages.test.ts checks that placeholders match.
 */
export const messagesFr: MessageCatalog = {
  common: {
    hostCommandFailed: '{{command}} a échoué sur {{host}}.',
    hostCommandTimedOut: '{{command}} n’a pas répondu sur {{host}} en {{seconds}} s.',
    invalidValue: '{{field}} n’est pas valide : {{problem, message}}',
    internal: 'Erreur interne de Hyperdesk (son texte ci-dessous).',
    failedSaidBelow: 'une erreur, citée ci-dessous',
    untranslated: '{{text}}',
    itemCount: { one: '{{count, number}} élément', other: '{{count, number}} éléments' },
    vmCount: { one: '{{count, number}} VM', other: '{{count, number}} VM' },
  },
  checks: {
    blocksStart: 'empêche de démarrer des VM',
    blocksMigrate: 'empêche la migration',
    blocksMaintenance: 'empêche la maintenance',
    blocksConsole: 'empêche les consoles',
    blocksStorage: 'empêche de modifier le stockage',
    blocksFencing: 'empêche l’isolement (fencing)',
    blocksInventory: 'empêche de lire les VM de l’hôte',
    blocksCeph: 'empêche les opérations Ceph',
  },
  doctor: doctorFr,
  maintenanceChecks: maintenanceChecksFr,
  migrationRefusals: {
    refused: '{{name}} n’a pas été migrée : {{reasons, messages}}',
    refusedSyncHint: 'Synchronisez la définition depuis {{from}}, puis relancez la migration.',
    refusedHint: 'Corrigez ce que disent les vérifications, puis relancez la migration.',
    warnings: '{{name}} : confirmez ces avertissements pour migrer : {{reasons, messages}}',
    newWarnings: '{{name}} : nouveau depuis l’acceptation du plan : {{reasons, messages}}',
    warningsHint: 'Relancez la migration en acceptant les avertissements.',
  },
  migrationChecks: migrationChecksFr,
  followUps: {
    badFailoverIp:
      'Le réglage IP failover de la VM, « {{value}} », n’est pas une adresse IPv4 : corrigez-le dans la vue de la VM, sous Réglages Hyperdesk.',
    noFailoverIp:
      'Aucune IP failover n’est notée pour cette VM : vérifiez dans le manager OVH quelle IP elle utilise, puis notez-la dans la vue de la VM, sous Réglages Hyperdesk (IP failover).',
    noNewGateway:
      'L’hôte de destination n’a pas de passerelle dans le fichier du cluster : ajoutez son « gateway » pour que Hyperdesk donne les nouvelles lignes de l’invité.',
    noOldGateway:
      'L’hôte source n’a pas de passerelle dans le fichier du cluster : la commande remplace les adresses des lignes route finissant par .254 (la règle du runbook).',
    sameGateway:
      'Les deux hôtes ont la même passerelle dans le fichier du cluster : l’invité n’a rien à changer.',
  },
  formatErrors: formatErrorsFr,
  sshTexts: sshTextsFr,
  sshConfigProblems: configProblemsFr,
  knownHostsReasons: knownHostsReasonsFr,
  fenceTexts: fenceTextsFr,
  firewall: firewallFr,
  failoverBadges: failoverBadgesFr,
  ovhMoves: ovhMovesFr,
  ovhCreate: ovhCreateFr,
  guards: guardsFr,
  vmdef: vmdefFr,
  vmedit: vmeditFr,
  iso: isoFr,
  hostStatus: hostStatusFr,
  sshErrors: sshErrorsFr,
  remoteErrors: remoteErrorsFr,
  consoleErrors: consoleErrorsFr,
  errorSteps: errorStepsFr,
  jobTitles: jobTitlesFr,
  definitionErrors: definitionErrorsFr,
  maintenanceErrors: maintenanceErrorsFr,
  migrationErrors: migrationErrorsFr,
  vmErrors: vmErrorsFr,
  ovhErrors: ovhErrorsFr,
  storageErrors: storageErrorsFr,
  leaseErrors: leaseErrorsFr,
  firewallErrors: firewallErrorsFr,
  vmdefErrors: vmdefErrorsFr,
  coreErrors: coreErrorsFr,
  cephErrors: cephErrorsFr,
  clusterFile: { ...clusterFileFr, ...setupTextsFr },
  jobSteps: jobStepsFr,
  vmdefSteps: vmdefStepsFr,
  maintenanceSteps: maintenanceStepsFr,
  cephHosts: cephHostsFr,
}
