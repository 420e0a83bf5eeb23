import type { statusEn } from './status.en'

/** What the window says about its links (fr). */
export const statusFr: typeof statusEn = {
  hostHealth: {
    degraded_one: 'Joignable, {{what}} inutilisable',
    degraded_other: 'Joignable, {{what}} inutilisables',
    and: ' et ',
    problem: { libvirt: 'libvirt', ceph: 'Ceph' },
  },
  hostCount: {
    label: '{{reachable}}/{{total}} hôtes joignables',
    withProblems: '{{reachable}}/{{total}} hôtes joignables, dont {{degraded}} avec des problèmes',
    title: 'Hyperviseurs joints en SSH (le lien avec le cœur est indiqué à part).',
  },
  retry: {
    next: 'Prochain essai à {{time}} (dans {{seconds}} s).',
    nextSoon: 'Prochain essai dans un instant.',
    trying: 'Tentative de connexion…',
  },
  link: {
    coreTitle: 'Le lien entre cette fenêtre et le cœur de Hyperdesk (pas les hôtes).',
    stale:
      'Ce lien est périmé : le serveur a été relancé et a affiché un nouveau lien. Ouvrez le nouveau lien affiché par `npm run serve`.',
    waiting: 'En attente du cœur…',
  },
}
