/**
 * The names of the API's methods and events, without their schemas, so the sandboxed preload can
 * allow-list them without bundling zod. contract.ts is type-checked against these lists: a method
 * missing from either place, or extra in one, fails `npm run typecheck`.
 */
export const METHOD_NAMES = [
  'app.info',
  'config.get',
  'config.reload',
  'config.save',
  'hosts.list',
  'hosts.connect',
  'hosts.disconnect',
  'hosts.acceptHostKey',
  'hosts.providePassphrase',
  'hosts.doctor',
  'inventory.get',
  'inventory.refresh',
  'vm.start',
  'vm.shutdown',
  'vm.forceOff',
  'vm.reboot',
  'vm.stats',
  'vm.migrationPlan',
  'vm.migrate',
  'vm.definitionDiff',
  'vm.syncDefinition',
  'jobs.list',
  'jobs.get',
  'jobs.cancel',
  'storage.list',
  'storage.createImage',
  'storage.growImage',
  'storage.shrinkImage',
  'storage.deleteImage',
  'storage.du',
  'storage.snapshotCreate',
  'storage.snapshotDelete',
  'storage.snapshotRollback',
  'ceph.status',
  'ceph.setFlag',
  'maintenance.plan',
  'maintenance.start',
  'maintenance.current',
  'maintenance.resume',
  'maintenance.abort',
  'maintenance.confirmReboot',
] as const
export const EVENT_NAMES = [
  'config.changed',
  'hosts.state',
  'hosts.hostKeyPrompt',
  'hosts.passphrasePrompt',
  'inventory.changed',
  'jobs.update',
  'maintenance.changed',
] as const

export type MethodName = (typeof METHOD_NAMES)[number]
export type EventName = (typeof EVENT_NAMES)[number]
