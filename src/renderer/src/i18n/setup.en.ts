/**
 * The cluster file's form (en): the first run with no file, and editing the hosts later (issue 21
 * item 2). Top-level key `setup`.
 */
export const setupEn = {
  setup: {
    title: 'Describe your cluster',
    intro:
      'No cluster file yet. Describe your hypervisors here (or import them from ~/.ssh/config): Hyperdesk writes the file, connects to each host, asks you to confirm its host key, and shows what each host lacks.',
    edit: 'Edit the hosts…',
    editTitle: 'Edit the cluster file',
    cancel: 'Cancel',
    clusterName: 'Cluster name',
    sshTitle: 'SSH',
    sshUser: 'SSH user',
    auth: 'Authentication',
    authAgent: 'Keys of my ssh-agent (or ~/.ssh/id_*)',
    authKey: 'This key file',
    keyFile: 'Key file',
    useSshConfig: 'Apply ~/.ssh/config to these hosts (host names, users, keys, jump hosts)',
    hostsTitle: 'Hypervisors',
    hostName: 'Name',
    address: 'SSH address',
    migrationAddress: 'Migration address',
    gateway: 'Guests’ gateway',
    removeHost: 'Remove {{host}}',
    addHost: 'Add a host',
    cephTitle: 'Ceph',
    cephClient: 'Ceph client (client.…)',
    pools: 'RBD pools (separated by commas)',
    guestsTitle: 'Guests',
    guestLayout: 'Guests’ keyboard layout',
    guestLayoutHint:
      'For a VM whose definition names none (no Hyperdesk setting, no VNC keymap): what its console types with, and the new-VM wizard’s default.',
    importTitle: 'Import from ~/.ssh/config',
    importButton: 'Read ~/.ssh/config',
    importExplain:
      'Hyperdesk reads the file itself (it never runs ssh). Tick the hosts that are hypervisors: their address is the alias, so ~/.ssh/config keeps applying to them.',
    importAdd: 'Add the ticked hosts',
    importRefused: 'refused by ssh too',
    importFrom: '{{file}}, line {{line}}',
    save: 'Write the cluster file and connect',
    saving: 'Writing…',
    saved: 'Cluster file written: {{path}}.',
    previousKept: 'The previous file is kept as {{path}}.',
    problemsTitle: 'Not written: fix these fields first',
    progressTitle: 'Connecting to your hosts',
    progressExplain:
      'Each new host asks you to confirm its host key: compare the fingerprint with the one the host shows (ssh-keygen -lf on the host), then accept. Then the doctor checks what the host needs.',
    doctorPending: 'The doctor has not run yet.',
    doctorSummary: '{{ok}} checks passed, {{warn}} warnings, {{fail}} failed',
  },
}
