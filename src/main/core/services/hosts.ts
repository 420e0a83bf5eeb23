import { ApiError } from '../../../shared/errors'
import { msg } from '../../../shared/messages/message'
import type { Service } from '../context'
import { readHostStats } from '../hosts/host-stats'

/** The hypervisors' connections and doctor, as the UI sees them. */
export const hostsService: Service<
  | 'hosts.list'
  | 'hosts.connect'
  | 'hosts.disconnect'
  | 'hosts.acceptHostKey'
  | 'hosts.providePassphrase'
  | 'hosts.doctor'
  | 'hosts.stats'
  | 'hosts.errors'
> = ({ hosts, doctor, runner, hostErrors }) => ({
  'hosts.list': async () => hosts.list(),
  'hosts.connect': async ({ host }) => {
    const connection = hosts.get(host)
    connection.connect()
    return connection.current
  },
  'hosts.disconnect': async ({ host }) => {
    const connection = hosts.get(host)
    connection.disconnect()
    return connection.current
  },
  'hosts.acceptHostKey': async ({ host, fingerprint }) => {
    const connection = hosts.get(host)
    connection.acceptHostKey(fingerprint)
    return connection.current
  },
  'hosts.providePassphrase': async ({ host, keyPath, passphrase }) => {
    const connection = hosts.get(host)
    if (!connection.current.lockedKeys?.includes(keyPath)) {
      throw ApiError.of(
        'host.no-key-to-unlock',
        msg('coreErrors.notWaitingForPassphrase', { host, file: keyPath }),
        {
          host,
        },
      )
    }
    hosts.keys.unlock(keyPath, passphrase)
    // Every host waiting for this key can go on now.
    for (const state of hosts.list()) {
      if (state.status === 'passphrase-needed' && state.lockedKeys?.includes(keyPath))
        hosts.get(state.name).connect()
    }
    return connection.current
  },
  'hosts.doctor': async ({ host }) => doctor.check(host),
  'hosts.stats': async ({ host }) => readHostStats(runner, host),
  'hosts.errors': async ({ host }) => {
    hosts.get(host) // an unknown host is an error, not an empty list
    return hostErrors.list(host)
  },
})
