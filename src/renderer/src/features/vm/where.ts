import { useTranslation } from 'react-i18next'
import { useWhen } from './use-when'
import { useAppStore } from '../../store'

/**
 * Where a VM runs, in one phrase for every view and sheet: "running on hv2", "last seen running on
 * hv1, hv1 unreachable since 12:03" (never "stopped" while a host where it ran cannot be asked), or
 * "stopped". `running`/`stopped` are the caller's own strings (storage and VM views word them).
 */
export function useWhereText(): (
  vm: { runningOn: readonly string[]; lastKnownRunningOn: readonly string[] },
  running: (hosts: string) => string,
  stopped: string,
) => string {
  const { t } = useTranslation()
  const when = useWhen()
  const hosts = useAppStore((state) => state.inventories)
  return (vm, running, stopped) => {
    if (vm.runningOn.length > 0) return running(vm.runningOn.join(', '))
    const lost = vm.lastKnownRunningOn[0]
    if (lost) return t('fencing.lastSeen', { host: lost, since: when(hosts[lost]?.unreachableSince) })
    return stopped
  }
}
