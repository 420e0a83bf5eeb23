import { useTranslation } from 'react-i18next'
import type { VmStats } from '../../../../shared/inventory'
import { useApi } from '../../api/context'
import { formatKiB, formatPercent } from '../../format'
import { LiveGraphs } from './live-chart'
import { Data } from '../../components/Data'

/** CPU use from two samples: guest CPU time over wall time, per vCPU, in percent. */
export function cpuPercent(previous: VmStats, current: VmStats): number {
  const elapsedNs = (current.at - previous.at) * 1e6
  if (elapsedNs <= 0) return 0
  return Math.max(
    0,
    Math.min(100, ((current.cpuTimeNs - previous.cpuTimeNs) / elapsedNs / current.vcpus) * 100),
  )
}

/** Live CPU and memory of a running VM, sampled every 2 s while the view is open (uPlot). */
export function VmGraphs({ uuid, host }: { uuid: string; host: string }) {
  const { t } = useTranslation()
  const api = useApi()
  return (
    <LiveGraphs<VmStats>
      spec={{
        sample: () => api.call('vm.stats', { uuid, host }),
        point: (previous, current) => ({
          at: current.at / 1000,
          cpuPercent: cpuPercent(previous, current),
          memory: current.rssKiB !== undefined ? Math.round(current.rssKiB / 1024) : null,
        }),
        cpuTitle: t('graphs.cpu'),
        memoryTitle: t('graphs.memory'),
        memoryUnit: ` ${t('units.MiB')}`,
      }}
      deps={[api, uuid, host, t]}
      testId="vm-graphs"
      title={t('graphs.title', { host })}
      summary={(latest) => (
        <>
          {t('graphs.cpuNow')} <Data>{formatPercent(latest.cpuPercent / 100)}</Data>{' '}
          {latest.memory !== null && (
            <>
              · <Data>{formatKiB(latest.memory * 1024)}</Data>
            </>
          )}
        </>
      )}
    />
  )
}
