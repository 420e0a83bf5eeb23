import { cephHost, privilegeSettings, setNoout } from '../ceph/cluster'
import { readCephStatus } from '../ceph/health'
import { privilegeOf } from '../ceph/privileged'
import type { Service } from '../context'

/**
 * The Ceph panel: the cluster's state read on an online host with the configured client, and the
 * noout flag set/unset through the privileged client or sudo (a refusal explains the caps to add).
 */
export const cephService: Service<'ceph.status' | 'ceph.setFlag'> = (context) => ({
  'ceph.status': async ({ host }) => {
    const settings = privilegeSettings(context)
    return readCephStatus(
      context.runner,
      cephHost(context, host),
      privilegeOf(settings),
      `client.${settings.clientId}`,
    )
  },
  'ceph.setFlag': async ({ flag, set, node, host }) => {
    const on = cephHost(context, host)
    // flag is 'noout' (the only one the contract allows).
    const command = await setNoout(context.runner, on, privilegeSettings(context), set, node ? { node } : {})
    return { host: on, flag, command }
  },
})
