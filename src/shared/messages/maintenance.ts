/** Host maintenance: its pre-checks and capacity plan (src/main/core/maintenance/precheck.ts). */
export const MAINTENANCE_CHECK_TEXTS = {
  refused: 'Maintenance of {{host}} not started: {{reasons, messages}}',
  refusedHint: 'Fix what the checks say, then start again.',
  warnings: 'Confirm these warnings to start the maintenance of {{host}}: {{reasons, messages}}',
  newWarnings:
    'Something changed since the maintenance plan of {{host}} was accepted: the migration of {{vm}} to {{to}} has new warnings. Review them and confirm again to go on. {{reasons, messages}}',
  nooutUnread: 'Ceph could not be read: noout will be set for the whole cluster.',
  nooutNoOsd:
    '{{host}} owns no OSD in the CRUSH map, so there is no host bucket to flag: noout is set for the whole cluster during the reboot. No OSD should go down; noout only keeps data from moving if one does.',
  nooutNode:
    'noout only for CRUSH host {{bucket}} (osd set-group), so its OSDs are not marked out while {{host}} reboots.',
  hostOnline: '{{host}} is online.',
  hostNotOnline: '{{host}} is {{status}}: its VMs cannot be migrated from here.',
  cephUnreadable: 'Ceph could not be read: {{error, message}}',
  cephOk: 'Ceph is HEALTH_OK.',
  cephWarn: 'Ceph is HEALTH_WARN ({{summaries}}): a reboot now adds to it.',
  cephErr: 'Ceph is HEALTH_ERR ({{summaries}}): fix it before any maintenance.',
  noOsds:
    '{{host}} holds no OSDs: the CRUSH map has no host bucket named {{host}} with OSDs (its hosts: {{buckets}}). Nothing to stop.',
  osdsCanStop: 'Ceph says {{osds}} on {{host}} can stop (osd ok-to-stop).',
  osdsCannotStop: 'Ceph says stopping {{osds}} on {{host}} would make data unavailable.',
  monitorsLost:
    "Without {{host}}'s monitor(s) {{mine}} only {{left}} of {{total}} monitors stay in quorum: Ceph would stop. Monitors: {{monitors}}.",
  noMonitor: 'No monitor runs on {{host}}; {{quorum}} of {{total}} in quorum ({{monitors}}).',
  monitorsKept: '{{mine}} run(s) on {{host}}; the other {{left}} keep the quorum.',
  noAutostart: 'No VM has autostart on {{host}}.',
  autostart:
    '{{vms}} start(s) by itself when {{host}} boots, while running elsewhere after the migration: the disk would be used twice.',
  autostartFix: 'Disable autostart on {{host}} (by UUID):',
  privilegeNone:
    'noout cannot be set: client.{{client}} may not run `ceph osd set noout` (EACCES) and no privileged client or sudo is configured.',
  privilegeNoneFix:
    'Create a privileged client and name it in the cluster file ({{config}}), or allow the exact commands with this sudo rule: {{sudoRule}}',
  privilegeUnknown: 'The privileged Ceph access could not be checked: {{error, message}}',
  privilegeOk: 'noout is set with {{who}} (checked on {{on}}).',
  privilegeBroken: '{{who}} does not work on {{on}}.',
  privilegeSudoFix: 'Allow the exact commands with this sudo rule on every host:',
  privilegeClientFix: 'Create the privileged client as root with the admin keyring:',
  capacityOffline: '{{host}} is not online: {{vms}} cannot go there.',
  capacityUnknown: "{{host}}'s free memory is unknown ({{vms}} planned there).",
  capacityShort: '{{host}} has {{free, kib}} free, {{vms}} need {{need, kib}}: choose other destinations.',
  capacityOk: '{{host}}: {{vms}} need {{need, kib}} of {{free, kib}} free.',
  noVms: 'No VM runs on {{host}}: nothing to migrate.',
  migrationFailed: '{{vm}} → {{to}}: {{error, message}}',
  migrationCheck: '{{vm}} → {{to}}: {{check, message}}',
  guestsAbsent: 'libvirt-guests is not installed on {{host}}: nothing restarts VMs at boot but autostart.',
  guestsOnBoot:
    'libvirt-guests is enabled on {{host}} with ON_BOOT={{onBoot}}: a VM still running at shutdown would start again there at boot. Every VM is migrated first; check that none is left before rebooting.',
  guestsOnBootFix: 'In /etc/default/libvirt-guests on {{host}}:',
  guestsOk:
    'libvirt-guests on {{host}}: {{enabled}}, ON_BOOT={{onBoot}} (restarts no VM at boot), ON_SHUTDOWN={{onShutdown}}.',
  guestsUnknown: 'Could not check libvirt-guests: {{error, message}}',
} as const
