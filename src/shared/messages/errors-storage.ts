/**
 * The errors of RBD image and snapshot operations (storage/operations.ts, storage/rbd-host.ts,
 * storage/listing.ts): the `storageErrors` area. What rbd printed travels as the message's detail.
 * French: src/renderer/src/i18n/errors-storage.fr.ts.
 */
export const STORAGE_ERROR_TEXTS = {
  refused: {
    one: 'Not done: {{image}} did not pass a check.',
    other: 'Not done: {{image}} did not pass {{count, number}} checks.',
  },
  imageExists: 'An image {{image}} already exists.',
  imageExistsHint: 'Choose another name, or use the existing image.',
  snapshotExists: '{{image}} already has a snapshot named {{snapshot}}.',
  snapshotExistsHint: 'Choose another name.',
  noSnapshot: '{{image}} has no snapshot named {{snapshot}}.',
  noSnapshotHint: 'Refresh the storage view: someone may have deleted it.',
  unknownPool: '{{pool}} is not one of the cluster’s pools ({{pools, list}}).',
  unknownPoolHint: 'Pools are listed in the cluster file ("pools").',
  failed: '{{command}} failed on {{host}} (exit {{exitCode}}).',
  interrupted:
    '{{command}} on {{host}} was interrupted (connection lost or cancelled): check the image before trying again.',
  noKeyringHosts: 'No online host can read a Ceph keyring ({{hosts, list}}): rbd cannot reach the cluster.',
  noKeyringHostsHint:
    'Install the Ceph client keyring on a host (its doctor gives the exact commands), then run the doctor again.',
  noHost: 'No host is online: storage commands run on a hypervisor.',
  noHostHint: 'Connect at least one host (see the hosts list).',
} as const
