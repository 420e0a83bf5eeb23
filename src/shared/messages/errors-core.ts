/**
 * The errors of the core's own plumbing and reads (core.ts, ipc-guard.ts, core-bridge.ts, jobs,
 * services, inventory, host statistics, update feed, libvirt argument checks): the `coreErrors` area.
 * French: src/renderer/src/i18n/errors-core.fr.ts.
 */
export const CORE_ERROR_TEXTS = {
  unknownMethod: 'The core has no method {{method}}.',
  invalidParams: 'The core refused the parameters of {{method}}: {{problem}}',
  badResult: 'The core returned an invalid result for {{method}}: {{problem}}',
  coreUnavailable: 'The core process is not running.',
  coreUnavailableHint: 'Restart Hyperdesk.',
  unknownJob: 'No job {{id}}.',
  notCancellable: '“{{title, message}}” cannot be cancelled once started.',
  notWaitingForPassphrase: '{{host}} is not waiting for the passphrase of {{file}}.',
  refreshFailed: '{{host}} could not be read. What the app shows for it is what it said last.',
  refreshSectionFailed: 'virsh {{section}} failed on {{host}}.',
  refreshHint:
    'Check with the host doctor that etalab can use libvirt (group libvirt) and that libvirtd runs.',
  statsUnreadable: '{{host}} answered virsh nodecpustats/nodememstats with something Hyperdesk cannot read.',
  statsHint: 'Run the host doctor: it checks that etalab can use libvirt on this host.',
  noStats: 'No statistics for {{name}} on {{host}}: is it running there?',
  notRunningGateway: '{{name}} is not running: its gateway depends on the host it runs on.',
  startFirstHint: 'Start it first.',
  feedNotUrl: 'The release feed {{url}} is not a URL.',
  feedNotHttps: 'The release feed {{url}} must be https (plain http only on 127.0.0.1).',
  feedHint: 'Set HYPERDESK_UPDATE_FEED to an https URL, or to "off".',
  badArgument: '{{value}} is not a valid {{what}}: {{problem}}',
  badArgumentPlain: '{{value}} is not a valid {{what}}.',
  nothingSentHint: 'Nothing was sent to the host.',
} as const
