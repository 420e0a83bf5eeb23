import { cephHost, privilegeSettings, readThroughCephHosts, setNoout } from '../ceph/cluster'
import { readCephStatus } from '../ceph/health'
import { privilegeOf } from '../ceph/privileged'
import type { Service } from '../context'

/**
 * The Ceph panel: the cluster's state read on an online host with the configured client, and the
 * noout flag set/unset through the privileged client or sudo (a refusal explains the caps to add).
 */
export const cephService: Service<'ceph.status' | 'ceph.setFlag'> = (context) => {
  // The hosts' states, and the hosts whose whole IP this app fenced (Ceph refuses every client there).
  const site = { ...context, wholeIpFenced: () => context.fencing.wholeIpFenced() }
  return {
    'ceph.status': async ({ host }) => {
      const settings = privilegeSettings(context)
      const read = (on: string) =>
        readCephStatus(context.runner, on, privilegeOf(settings), `client.${settings.clientId}`)
      // A host the user chose answers or fails; otherwise the best host that answers.
      if (host) return read(cephHost(site, host))
      return (await readThroughCephHosts(site, [], read)).value
    },
    'ceph.setFlag': async ({ flag, set, node, host }) => {
      const on = cephHost(site, host)
      // flag is 'noout' (the only one the contract allows).
      const command = await setNoout(
        context.runner,
        on,
        privilegeSettings(context),
        set,
        node ? { node } : {},
      )
      return { host: on, flag, command }
    },
  }
}
