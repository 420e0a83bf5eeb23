/** What a failing check blocks, and the labels around a check (see check.ts). */
export const CHECK_TEXTS = {
  blocksStart: 'blocks starting VMs',
  blocksMigrate: 'blocks the migration',
  blocksMaintenance: 'blocks the maintenance',
  blocksConsole: 'blocks consoles',
  blocksStorage: 'blocks storage changes',
  blocksFencing: 'blocks fencing',
  blocksInventory: 'blocks reading the host’s VMs',
  blocksCeph: 'blocks Ceph operations',
} as const
