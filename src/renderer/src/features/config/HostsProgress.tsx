import { useTranslation } from 'react-i18next'
import { hostHealth } from '../../../../shared/host-health'
import { Data } from '../../components/Data'
import { useAppStore } from '../../store'
import { DoctorReport } from '../hosts/DoctorReport'
import { HostStatus } from '../hosts/HostStatus'
import { sshSentence } from '../hosts/ssh-sentence'

/**
 * After the file is written: each host's connection (a new host key is asked by HostPrompts, as for
 * any connection) and, once online, its doctor's report with the exact fixes.
 */
export function HostsProgress({ hosts }: { hosts: readonly string[] }) {
  const { t } = useTranslation()
  const states = useAppStore((store) => store.hostStates)
  return (
    <section data-testid="setup-progress">
      <h2>{t('setup.progressTitle')}</h2>
      <p className="muted small">{t('setup.progressExplain')}</p>
      {hosts.map((name) => {
        const state = states[name]
        const error = state?.error && state.status !== 'online' ? sshSentence(t, state.error) : undefined
        return (
          <div key={name} className="setup-progress-host" data-testid="setup-progress-host" data-host={name}>
            <h3>
              <Data>{name}</Data> <Data className="muted small">{state?.target}</Data>
              <HostStatus {...hostHealth(state)} />
            </h3>
            {error && <p className="warning small">{error.message}</p>}
            {state?.status === 'online' && <DoctorReport report={state.doctor} />}
          </div>
        )
      })}
    </section>
  )
}
