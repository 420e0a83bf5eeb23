export const en = {
  app: { title: 'Hyperdesk', tagline: 'KVM/libvirt + Ceph cluster' },
  header: {
    language: 'Language',
    theme: 'Theme',
    themes: { system: 'System', light: 'Light', dark: 'Dark' },
    connection: {
      connecting: 'Connecting to the core…',
      connected: 'Connected',
      disconnected: 'Disconnected from the core',
    },
  },
  sidebar: {
    cluster: 'Cluster',
    hosts: 'Hypervisors',
    noHosts: 'No hypervisor configured yet.',
  },
  config: {
    title: 'Cluster file',
    path: 'File',
    reload: 'Reload file',
    reloaded: 'Cluster file reloaded.',
    status: {
      missing: 'No cluster file yet',
      invalid: 'The cluster file has problems',
      ok: 'Cluster file loaded',
    },
    missingHelp:
      'Describe your hypervisors in this file (JSON): their names, SSH addresses, migration addresses and gateways. The README has an example.',
    problems: 'Problems to fix',
    field: 'Field',
    problem: 'Problem',
    hostsTitle: 'Hypervisors and how they are reached',
    host: 'Host',
    sshTarget: 'SSH',
    keys: 'Keys',
    migration: 'Migration address',
    gateway: 'Guests’ gateway',
    fromSshConfig: 'from ~/.ssh/config',
    ignored: 'Ignored ssh_config directives: {{list}}',
    agent: 'ssh-agent',
    ceph: 'Ceph client',
    pools: 'Pools',
  },
  jobs: {
    title: 'Operations',
    empty: 'No operation yet.',
    notifications: 'Notifications',
    dismiss: 'Dismiss',
  },
  browser: {
    noTokenTitle: 'Open Hyperdesk from its link',
    noToken:
      'This page needs the secret link printed by `npm run serve` (it ends with #token=…). Open that link in this browser.',
    disconnected:
      'The core does not answer. Is `npm run serve` still running? If it was restarted, open the new link it printed.',
  },
  errors: { generic: 'Error' },
}
export type Messages = typeof en
