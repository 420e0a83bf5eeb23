/** Strings of the fence sheet, the fenced copies and the lost-host states. */
export const fencingEn = {
  fencing: {
    lastSeen: 'last seen running on {{host}}, {{host}} unreachable since {{since}}',
    lastSeenTree: 'last seen running on {{host}}, unreachable since {{since}}',
    lastSeenLong:
      '{{host}} cannot be asked: the VM may still run there. Starting it elsewhere means fencing {{host}} first.',
    fenced: 'fenced',
    fencedLong: 'A fenced copy: its Ceph clients are blocklisted. It must be destroyed, never resumed.',
    fenceAndStart: 'Fence {{host}} and start elsewhere…',
    title: 'Fence {{host}} and start {{name}}',
    intro:
      '{{host}} cannot be asked, so {{name}} may still run there. Before it starts elsewhere, Ceph must refuse every client {{host}} has on its disks: the app blocklists their exact addresses, reads the blocklist back, and only then starts.',
    loading: 'Reading the locks, the watchers and the blocklist…',
    checkAgain: 'Read again',
    targets: 'What will be blocklisted',
    noTargets: 'No client of {{host}} is known on these disks: nothing to blocklist.',
    address: 'Client address',
    image: 'Disk',
    source: 'Known from',
    sources: {
      'lock-owner': 'the disk’s lock owner (rbd lock ls)',
      'recorded-watcher': 'recorded while {{host}} was reachable',
      'live-watcher': 'a watcher alive now',
    },
    warnings: 'Before you confirm',
    facts: 'Facts',
    startOn: 'Start on',
    confirmOff: 'I confirm {{host}} is powered off or cut from the network (including Ceph’s).',
    confirmLive_one: 'I understand: this cuts the disk of a running VM ({{count}} live client).',
    confirmLive_other: 'I understand: this cuts the disk of a running VM ({{count}} live clients).',
    wholeIp:
      'Separate step: fence the whole IP {{ips}} (every Ceph client of {{host}}, the app’s own included).',
    typeName: 'Type {{name}} to confirm:',
    confirm: 'Fence {{host}} and start on {{to}}',
    cancel: 'Cancel',
    running: 'Fencing…',
    done: 'Fenced and started on {{host}}.',
    failed: 'Stopped: the steps done are listed above, the reason below. You may confirm again.',
    fencedTitle: 'Fenced copy on {{host}}: must be destroyed',
    fencedExplain:
      'When {{host}} answered again the app cut the copy’s network link and paused it. Its disk writes are refused by Ceph. Destroy it; the app then removes the blocklist entries it added.',
    destroy: 'Destroy the fenced copy',
    errorPolicy:
      "Its Ceph disks ({{disks}}) have no error_policy='stop': a copy cut from Ceph (fenced) would run on with I/O errors instead of pausing.",
    setErrorPolicy: 'Set it in the definition on every host',
    errorPolicyLater: 'Applies at its next start.',
  },
}
