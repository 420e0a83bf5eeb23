/**
 * The host doctor's findings and fixes (src/main/core/doctor/doctor.ts). Commands stay out of the
 * sentences: they travel as the check's `fix.command`, verbatim.
 */
export const DOCTOR_TEXTS = {
  timeoutOk: 'timeout(1) is installed.',
  timeoutMissing: 'timeout(1) is missing: Hyperdesk cannot bound its commands on this host.',
  runAsRoot: 'Run on {{host}} as root:',
  libvirtOk: '{{user}} reaches qemu:///system (libvirt {{version}}).',
  libvirtGroup: '{{user}} is not in group {{group}}, so it cannot manage VMs.',
  libvirtGroupFix:
    'Run on {{host}} as root, then disconnect and connect {{host}} in Hyperdesk (group membership applies to new logins):',
  libvirtDown: 'libvirtd does not answer on qemu:///system.',
  libvirtDownFix: 'Restart libvirtd on {{host}} as root and read its last messages:',
  domstatsOk: 'virsh domstats works (one bulk call per refresh).',
  domstatsMissing: 'virsh domstats is unavailable: the inventory falls back to one call per VM.',
  upgradeLibvirt: 'Upgrade libvirt to {{version}} or later.',
  eventsOk: 'virsh event --all --loop --timestamp is available (live updates).',
  eventsNoTimestamp: 'virsh event has no --timestamp: events are stamped on arrival.',
  eventsMissing: 'virsh event is unavailable: VM states are polled instead of pushed.',
  keyringOk: '{{user}} can read a keyring for client.{{client}}.',
  keyringMissing:
    '{{user}} cannot read any Ceph keyring for client.{{client}}: no storage actions and no watcher check before a start.',
  keyringAbsent:
    '{{user}} cannot read any Ceph keyring for client.{{client}} ({{path}} does not exist): no storage actions and no watcher check before a start.',
  keyringFix:
    'As root on a host that has the admin keyring, write the keyring (the first line); copy it to {{host}} if it was made elsewhere; then on {{host}} let group {{group}} read it (the other lines):',
  cephOk: 'Ceph answers client.{{client}}: {{health}}',
  cephTimeout: 'The Ceph monitors did not answer within {{seconds}} s.',
  cephFailed: 'ceph health failed for client.{{client}}.',
  cephFix: 'As root with the admin keyring, check that the monitors are up and in quorum:',
  rbdUnknown: 'rbd not checked: Ceph does not answer.',
  rbdOk: 'rbd ls and rbd status work on {{pools, list}}.',
  rbdCaps: 'client.{{client}} lacks the caps to list images or watchers.',
  rbdFailed: 'rbd does not work with this client.',
  capsFix: 'As root with the admin keyring, give client.{{client}} the caps the app needs:',
  rbdFailedFix: 'As root, check the cluster, then run the doctor again:',
  forwardingOk: 'sshd allows TCP forwarding (graphical consoles).',
  forwardingRefused: 'sshd refuses TCP forwarding: graphical consoles cannot open.',
  forwardingFix:
    'In /etc/ssh/sshd_config on {{host}} (or a Match User block for {{user}}), allow local forwarding, then reload sshd:',
  logOk: 'libvirtd.log is readable ({{line}}).',
  logUnreadable: 'libvirtd.log is not readable: errors are shown without the daemon’s log.',
  logFix: 'As root on {{host}}, let {{user}} read the log’s last lines with this sudo rule:',
  auditOk: 'logger(1) is available: changes are recorded in the host’s syslog.',
  auditMissing: 'logger(1) is missing: changes made by Hyperdesk are not recorded on the host.',
  cephNewer:
    'Ceph {{version}} is newer than the releases Hyperdesk knows (up to {{newest}}, Tentacle): an output it cannot read is reported as such, never guessed.',
  cephNewerFix: 'Check docs/hosts.md for the supported Ceph releases.',
  versionsOk: 'libvirt {{libvirt}}, QEMU {{qemu}}, Ceph {{ceph}}, OpenSSH {{openssh}}.',
  versionsOld: 'Older than supported: {{old, list}}.',
  versionsOldFix: 'Upgrade the host (docs/hosts.md lists the minimum versions).',
  lockBreakUnknown:
    "client.{{client}} may not read its own caps: if its mon caps are the runbook's 'allow r', librbd cannot break a crashed QEMU’s lock on its disk (it must blocklist the dead owner first), and the first write of the VM restarted elsewhere fails.",
  lockBreakUnknownFix:
    "As root with the admin keyring, read the caps (ceph auth get client.{{client}}); if mon is 'allow r', give it profile rbd:",
  lockBreakOk: "client.{{client}} may blocklist a dead lock owner (mon '{{mon}}').",
  lockBreakWarn:
    "client.{{client}} has mon '{{mon}}': librbd cannot break a crashed QEMU’s lock on its disk (it must blocklist the dead owner first), and the first write of the VM restarted elsewhere fails.",
} as const
