/**
 * The errors of the cluster lease (lease/cluster-lease.ts): the `leaseErrors` area. Times are
 * parameters (`since`, `until`), written in the reader's language; what rados printed is the detail.
 * French: src/renderer/src/i18n/errors-lease.fr.ts.
 */
export const LEASE_ERROR_TEXTS = {
  held: '{{object}} is being changed by {{holder}} since {{since, datetime}} ({{operation}}). Their lease ends at {{until, datetime}} unless they finish first.',
  heldNoExpiry: '{{object}} is being changed by {{holder}} ({{operation}}), with no end time.',
  lost: 'The lease on {{object}} was lost before “{{step, message}}” (taken over, or expired): nothing more was changed.',
  unavailable: 'Could not take the lease on {{object}} on {{host}} (exit {{exitCode}}). Nothing was changed.',
  callFailed: 'rados failed on the lease of {{object}} through {{host}} (exit {{exitCode}}).',
  releaseFailed: 'Could not release the lease on {{object}} through any host: {{reasons, messages}}',
  releaseFailedOn: '{{host}}: {{error, message}}',
  releaseFailedHint:
    'Ceph ends it by itself at {{until, datetime}}. Sooner: once a host reaches Ceph again, the next operation on it is refused as held and offers to take it over.',
  noHost: 'No host is online to take the lease through: nothing was changed.',
  noHostHint: 'Connect at least one host, then try again.',
  takeOverMismatch:
    'The lease on {{object}} is now held by {{holder}}, not by {{confirmed}}: look again before taking it over.',
  takeOverGone: 'The lease on {{object}} was already released: nothing to take over.',
  badPool: 'The cluster lease cannot use the pool {{pool}}: not a valid pool name.',
  badPoolHint: 'The lease lives in the first pool of the cluster file ("pools"): correct that name.',
  badName: 'Not a lease name: {{name}}.',
  sessionUnavailable:
    'The lease’s Ceph session could not open on {{host}} ({{reason}}): rados is used instead.',
  sessionEnded:
    'The lease’s Ceph session on {{host}} ended before it answered “{{call}}” (connection lost or its python3 stopped).',
  sessionTimedOut:
    'The lease’s Ceph session on {{host}} did not answer “{{call}}” within {{seconds}} s: it was stopped.',
  sessionEndedHint:
    'Nothing more was changed. A lease it may have taken is released through another way, or Ceph ends it at its expiry. Try again when the host is online.',
  sessionRefused: 'Ceph refused “{{call}}” on the lease of {{object}} through {{host}} (errno {{errno}}).',
  cleanupFailed:
    'Could not remove the released lease name {{name}} from Ceph’s lease object through {{host}}: {{error, message}}',
  cleanupFailedHint:
    'The release itself is done and nothing else changed. The name only takes room in the lease object (hyperdesk.lease); the next lease list removes it once Ceph answers.',
} as const
