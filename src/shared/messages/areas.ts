/**
 * The areas of the message catalog (catalog.ts), by name only: the window checks a message's code
 * against them without carrying the English sentences in its first script (issue 23 item 5). catalog.ts
 * fails to compile when this list and the catalog's areas differ.
 */
export const MESSAGE_AREAS = [
  'common',
  'checks',
  'doctor',
  'maintenanceChecks',
  'migrationRefusals',
  'migrationChecks',
  'followUps',
  'formatErrors',
  'sshTexts',
  'sshConfigProblems',
  'knownHostsReasons',
  'fenceTexts',
  'firewall',
  'failoverBadges',
  'ovhMoves',
  'ovhCreate',
  'guards',
  'vmdef',
  'vmedit',
  'iso',
  'hostStatus',
  'sshErrors',
  'remoteErrors',
  'consoleErrors',
  'coreErrors',
  'cephErrors',
  'errorSteps',
  'clusterFile',
  'jobSteps',
  'vmdefSteps',
  'maintenanceSteps',
  'cephHosts',
] as const
