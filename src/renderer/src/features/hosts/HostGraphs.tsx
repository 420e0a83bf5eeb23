import { useTranslation } from 'react-i18next'
import { hostCpuPercent, type HostStats } from '../../../../shared/host-activity'
import { useApi } from '../../api/context'
import { formatPercent } from '../../format'
import { LiveGraphs } from '../vm/live-chart'
import { Data } from '../../components/Data'

const GiB = 1024 * 1024

/** The host's CPU and memory use over the last minutes, one hosts.stats sample every 2 s. */
export function HostGraphs({ host, memoryTotalKiB }: { host: string; memoryTotalKiB?: number }) {
  const { t } = useTranslation()
  const api = useApi()
  return (
    <LiveGraphs<HostStats>
      spec={{
        sample: () => api.call('hosts.stats', { host }),
        point: (previous, current) => ({
          at: current.at / 1000,
          cpuPercent: hostCpuPercent(previous, current),
          memory: round1((current.memoryTotalKiB - current.memoryAvailableKiB) / GiB),
        }),
        cpuTitle: t('hostView.graphs.cpu'),
        memoryTitle: t('hostView.graphs.memory'),
        memoryUnit: t('hostView.graphs.gibUnit'),
        ...(memoryTotalKiB !== undefined ? { memoryMax: round1(memoryTotalKiB / GiB) } : {}),
      }}
      deps={[api, host, t, memoryTotalKiB]}
      testId="host-graphs"
      title={t('hostView.graphs.title')}
      summary={(latest) => (
        <>
          {t('graphs.cpuNow')} <Data>{formatPercent(latest.cpuPercent / 100)}</Data> ·{' '}
          {t('hostView.graphs.used', { gib: latest.memory })}
        </>
      )}
    />
  )
}

function round1(value: number): number {
  return Math.round(value * 10) / 10
}
