import { ApiError } from '../../../shared/errors'
import type { UpdateStatus } from '../../../shared/updates'
import type { Api } from '../api/client'
import { hostsReplaced, inventoryReplaced, jobsReplaced } from './cluster'
import { useAppStore } from './index'

/** Pages whose automatic release check was made (once per page, not at each reconnection). */
const checkedForUpdates = new WeakSet<Api>()

/**
 * The one place where the core's events reach the store: every event the window uses, and what
 * the core knows, read again each time the connection comes (back). Returns the unsubscribe.
 */
export function wireCoreEvents(api: Api): () => void {
  const store = useAppStore.getState()
  // A maintenance event that arrives while `maintenance.current` is being read is newer than its answer.
  let maintenanceEvents = 0
  const showUpdate = (status: UpdateStatus) => {
    if (status.manual || status.state === 'newer') store.showUpdate(status)
  }

  const stops = [
    api.onStatus((status) => {
      store.setConnection(status)
      if (status !== 'connected') return
      const failed = (error: unknown) => {
        const data = ApiError.from(error).toData()
        store.notify({ kind: 'error', text: data.message, error: data })
      }
      // The window's shell (cluster file, hosts, jobs) in one store update as soon as it is known, and
      // the inventory in another when it comes: the window mounts its sidebar, tree and main view
      // before the inventory arrives, which then only fills the tree (which says meanwhile that it is
      // reading the VMs). One update per answer ran every subscriber's selector of the window and
      // copied the state five times in the middle of the first paint.
      Promise.all([
        api.call('app.info', {}),
        api.call('config.get', {}),
        api.call('hosts.list', {}),
        api.call('jobs.list', {}),
      ]).then(
        ([info, config, hosts, jobs]) =>
          useAppStore.setState((state) => ({
            appInfo: info,
            config,
            ...hostsReplaced(hosts),
            ...jobsReplaced(state, jobs),
          })),
        failed,
      )
      api
        .call('inventory.get', {})
        .then((inventory) => useAppStore.setState((state) => inventoryReplaced(state, inventory)), failed)
      const seen = maintenanceEvents
      api.call('maintenance.current', {}).then(
        (current) => seen === maintenanceEvents && store.setMaintenance(current.record),
        () => undefined,
      )
      if (checkedForUpdates.has(api)) return
      checkedForUpdates.add(api)
      // A failed automatic check stays quiet: the Help menu's check shows why.
      api.call('app.checkForUpdates', {}).then(showUpdate, () => undefined)
    }),
    api.on('config.changed', (state) => store.setConfig(state)),
    api.on('hosts.state', (state) => store.updateHost(state)),
    api.on('hosts.error', (entry) => store.pushHostError(entry)),
    api.on('inventory.changed', (update) => store.applyInventory(update)),
    api.on('jobs.update', (job) => store.updateJob(job)),
    api.on('maintenance.changed', (change) => {
      maintenanceEvents += 1
      store.setMaintenance(change.record)
    }),
    // Also the answer to a check started from the Help menu (manual: "up to date" and failures show).
    api.on('app.updateStatus', showUpdate),
  ]
  return () => {
    for (const stop of stops) stop()
  }
}
