/**
 * The fencing sentences in English (see fencing.ts). A module of its own, without schemas: the message
 * catalog imports it, and the window's first script carries the catalog (issue 23 item 5).
 */
export const FENCE_TEXTS = {
  hostReachable: '{{host}} answers: it is not lost. Stop {{name}} there (or migrate it) instead of fencing.',
  lastSeenRunning: '{{name}} was last seen running on {{host}}, unreachable since {{since}}.',
  lastSeenStopped:
    '{{name}} was not running on {{host}} when last seen ({{host}} unreachable since {{since}}).',
  liveWatcher:
    'The disk {{image}} is still open by {{address}}: a QEMU is running and writing right now. Fencing cuts the disk of a running VM.',
  noAddress:
    'No client address of {{host}} is known for {{name}}’s disks (no lock owner, no watcher recorded while {{host}} was reachable): only fencing {{host}}’s whole IP can stop it.',
  noAddressNoIp:
    'No client address of {{host}} is known for {{name}}’s disks and no Ceph address of {{host}} either: the app cannot fence it. Power {{host}} off, then blocklist its Ceph address by hand.',
  wholeIp:
    'Fencing {{ips}} as a whole refuses every Ceph client of {{host}}, the app’s own rbd and ceph there included, until the entry is removed.',
  autostart:
    '{{vm}} has autostart on {{host}}: if {{host}} reboots it starts a new QEMU with a new address that this fence does not cover. Disable it there once {{host}} is back (virsh autostart --disable).',
  managedSave:
    '{{vm}} has a managed save on {{host}}: if {{host}} reboots, a start there resumes stale memory with a new address this fence does not cover.',
  watchTimeout:
    'Ceph forgets a lost client’s watch after {{seconds}} s (osd_client_watch_timeout): a vanished watcher proves nothing about the host.',
  watchTimeoutUnknown: 'Could not read osd_client_watch_timeout from the cluster: {{error}}',
  expiry:
    'Each entry expires after {{days}} days (Ceph’s default is one hour): the app removes it itself once the fenced copy is destroyed.',
  alreadyBlocklisted: '{{address}} is already on the blocklist (until {{until}}).',
  privilegeNone:
    'No fencing client is configured: the app will try with client.{{client}}, which the runbook’s caps refuse.',
  privilegeClient: 'Fencing runs as {{client}}.',
  privilegeSudo: 'Fencing runs as root through sudo (the admin keyring).',
  fencedCopy:
    '{{name}} on {{host}} is a fenced copy (blocklisted since {{since}}): it must be destroyed, never resumed.',
  isolated: 'The app cut its network link and paused it as soon as {{host}} answered again.',
} as const
export type FenceText = keyof typeof FENCE_TEXTS
