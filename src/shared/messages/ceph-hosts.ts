/** Choosing the host Ceph commands run on (src/main/core/ceph/cluster.ts). */
export const CEPH_HOST_TEXTS = {
  notOnline: '{{host}} is {{status}}: Ceph commands cannot run there.',
  notOnlineHint: 'Choose an online host, or reconnect this one.',
  noneOnline: 'No host is online: Ceph is read through a hypervisor, over SSH.',
  noneOnlineHint: 'Reconnect a host (Hosts) and try again.',
} as const
