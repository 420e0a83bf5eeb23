/** Choosing the host Ceph commands run on (src/main/core/ceph/cluster.ts). */
export const CEPH_HOST_TEXTS = {
  notOnline: '{{host}} is {{status}}: Ceph commands cannot run there.',
  notOnlineHint: 'Choose an online host, or reconnect this one.',
  noneOnline: 'No host is online: Ceph is read through a hypervisor, over SSH.',
  noneOnlineHint: 'Reconnect a host (Hosts) and try again.',
  everyHostFailed: 'Ceph could not be read through any host: {{causes, messages}}',
  hostCause: '{{host}}: {{cause, message}}',
  everyHostFailedAlike:
    'Ceph could not be read through any host ({{hosts, list}}), each failing as {{host}} did: {{cause, message}}',
  notAskedElsewhere:
    '{{cause, message}} The other hosts ({{hosts, list}}) were not asked: Ceph did not answer in time, and it would keep them waiting as long.',
} as const
