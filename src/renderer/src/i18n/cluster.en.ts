/** Strings of the cluster tree and VM views. */
export const clusterEn = {
  tree: {
    filter: 'Filter VMs and hosts…',
    vmCount_one: '{{count}} VM',
    vmCount_other: '{{count}} VMs',
    memory: 'mem',
    stopped_one: 'Stopped ({{count}})',
    stopped_other: 'Stopped ({{count}})',
    definedOn: 'on {{hosts}}',
  },
  vmState: {
    running: 'Running',
    blocked: 'Running (idle)',
    paused: 'Paused',
    shutdown: 'Shutting down',
    shutoff: 'Shut off',
    crashed: 'Crashed',
    pmsuspended: 'Suspended by the guest',
    nostate: 'Unknown state',
  },
  flags: {
    'running-twice': {
      short: 'RUNNING TWICE',
      long: 'Runs on two hosts at once: two QEMUs write to one disk. Stop one now.',
    },
    'uuid-mismatch': {
      short: 'UUID',
      long: 'Hosts define this name with different UUIDs: live migration will fail.',
    },
    'autostart-multiple': {
      short: 'AUTOSTART×',
      long: 'Autostart is on for several hosts: a reboot could start it twice.',
    },
    'managed-save': {
      short: 'SAVED',
      long: 'A managed save exists: starting would resume stale memory over a changed disk.',
    },
    drift: { short: 'DRIFT', long: 'Its definition differs between hosts: sync it.' },
    'not-defined-everywhere': { short: 'PARTIAL', long: 'Not defined on every host.' },
    'host-unknown': { short: '?', long: 'A host could not be asked: its state there is unknown.' },
  },
}
