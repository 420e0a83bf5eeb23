/**
 * The migration pre-checks' sentences, in English: the `migrationChecks` area of the message catalog
 * (shared/messages/catalog.ts). Each check's message is `migrationChecks.<key>` with its values; the
 * window renders it in the user's language (i18n/migration-checks.fr.ts translates every key).
 */
export const MIGRATION_CHECK_TEXTS = {
  sourceRunningTwice: '{{name}} runs on {{hosts}} at once: stop the extra copy before anything else.',
  sourceRunning: '{{name}} runs on {{from}}.',
  sourceRunningElsewhere: '{{name}} runs on {{host}}, not on {{from}}.',
  sourceNotRunning:
    '{{name}} is not running: a live migration needs a running VM (start it on {{to}} instead).',
  destinationOnline: '{{to}} is online.',
  destinationNotOnline: '{{to}} is {{status}}{{reason}}: connect to it first.',
  migrationAddressShared:
    '{{to}} has no separate migrationAddress in the cluster file: the migration goes over its SSH address {{address}}, not the private network the runbook uses.',
  migrationAddress: "Migration traffic goes to {{to}}'s private address {{address}}.",
  failoverIp: 'Move the failover IP {{ip}} to {{to}} in the OVH manager before migrating (it takes minutes).',
  sourceUnreadable: 'Could not read {{name}} on {{from}}: {{error}}',
  sourceJob: '{{name}} already has a job running on {{from}} ({{operation}}): wait for it or abort it.',
  sourceUnparsable: "{{name}}'s definition on {{from}} does not parse: {{error}}",
  sourceDefinitionUnreadable: "Could not read {{name}}'s definition on {{from}}: {{error}}.",
  destinationUnreadable: 'Could not run the checks on {{to}}: {{error}}',
  notDefined:
    '{{name}} (UUID {{uuid}}) is not defined on {{to}} ({{error}}): sync its definition from {{from}} first.',
  defined: '{{name}} is defined on {{to}} with the same UUID.',
  noDrift: "{{to}}'s definition equals {{from}}'s: it stays defined on both after the migration.",
  drift:
    "{{to}}'s definition of {{name}} differs from {{from}}'s: sync the definition (from the host whose definition is right) before migrating, so it is kept on both hosts.",
  destinationStateUnknown: "Could not read {{name}}'s state on {{to}}.",
  notRunningOnDestination: '{{name}} is shut off on {{to}}.',
  runningOnDestination:
    '{{name}} is {{state}} on {{to}}: it would run twice on one disk. Stop that copy first.',
  managedSave:
    '{{name}} has a saved memory image on {{to}}, which could start a stale copy: remove it there (virsh managedsave-remove {{uuid}}).',
  noManagedSave: '{{name}} has no managed save on {{to}}.',
  memoryUnknown: "Could not read {{to}}'s free memory.",
  memoryShort:
    'Not enough memory on {{to}}: {{name}} needs {{need, mib}}; {{to}} has {{available, mib}} available.',
  memoryTight:
    '{{name}} needs {{need, mib}}; {{to}} has {{available, mib}} available: less than {{margin, mib}} would be left for the host.',
  memory: '{{name}} needs {{need, mib}}; {{to}} has {{available, mib}} available.',
  disksLocal: '{{disks}} not on Ceph RBD: a live migration needs every disk on shared storage.',
  disksShared: 'Every disk is on Ceph RBD ({{disks}}).',
  noDisks: 'The VM has no disk to move.',
  cdromMissing:
    'The CD-ROM image {{images}} is missing on {{to}}: copy it to the same path there, or eject it.',
  cdromPresent: '{{images}} is present on {{to}}.',
  noCdrom: 'No CD-ROM image inserted.',
  bootFilesMissing:
    "{{files}} missing on {{to}}: QEMU opens the VM's kernel, initrd and firmware from the host's own disk as it starts there. Copy them to the same path on {{to}} first.",
  bootFilesPresent: '{{files}} present on {{to}}.',
  noBootFiles: 'No kernel, initrd or firmware file to find on the destination.',
  bridgesMissing: 'Missing on {{to}}: {{missing}}.',
  bridgesPresent: '{{bridges}} present on {{to}}.',
  noBridges: 'No bridge or libvirt network needed.',
  secretUnusable:
    'The Ceph secret is not usable on {{to}} ({{problems}}): define it there with virsh secret-define and secret-set-value, as on {{from}}.',
  secretPresent: 'Ceph secret {{secrets}} has a value on {{to}}.',
  noSecret: 'No Ceph secret needed.',
  cpuSame: 'Both hosts have a {{model}} CPU ({{mode}}).',
  cpuDiffers:
    "{{name}} uses the host's CPU ({{mode}}) and the hosts' CPUs differ ({{from}}: {{source}}, {{to}}: {{destination}}): the guest may crash or refuse to move.",
  cpuDefault: "{{name}} uses the hypervisor's default CPU model.",
  cpuModelUsable: 'CPU model {{model}} is usable on {{to}}.',
  cpuModelUnusable: "CPU model {{model}} is not usable on {{to}}'s CPU: change the VM's CPU model.",
  cpuModelUnknown: 'Could not confirm that CPU model {{model}} is usable on {{to}}.',
} as const

export type MigrationCheckText = keyof typeof MIGRATION_CHECK_TEXTS
export type MigrationCheckParams = Record<string, string | number>
