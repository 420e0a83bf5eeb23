import type { Service } from '../context'

/** Who holds which part of the cluster lease, and the confirmed take-over of a stale one. */
export const leaseService: Service<'lease.list' | 'lease.takeOver'> = ({ lease }) => ({
  'lease.list': async () => lease.list(),
  'lease.takeOver': async ({ name, cookie, confirmHolder }) => lease.takeOver(name, cookie, confirmHolder),
})
