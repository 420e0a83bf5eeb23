/**
 * What the window says about its links (en): to the core, to each host (issue 21: statuses tell the
 * truth). Top-level keys `hostHealth`, `hostCount`, `retry`, `link`.
 */
export const statusEn = {
  hostHealth: {
    degraded_one: 'Reachable, {{what}} unusable',
    degraded_other: 'Reachable, {{what}} unusable',
    and: ' and ',
    problem: { libvirt: 'libvirt', ceph: 'Ceph' },
  },
  hostCount: {
    label: '{{reachable}}/{{total}} hosts reachable',
    withProblems: '{{reachable}}/{{total}} hosts reachable, {{degraded}} with problems',
    title: 'Hypervisors reached over SSH (the link to the core is shown apart).',
  },
  retry: {
    next: 'Next attempt at {{time}} (in {{seconds}} s).',
    nextSoon: 'Next attempt in a moment.',
    trying: 'Trying to connect…',
  },
  link: {
    coreTitle: 'The link between this window and the Hyperdesk core (not the hosts).',
    stale:
      'This link is out of date: the server was restarted and printed a new one. Open the new link printed by `npm run serve`.',
    waiting: 'Waiting for the core…',
  },
}
