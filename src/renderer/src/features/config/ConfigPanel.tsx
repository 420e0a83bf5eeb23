import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useApi } from '../../api/context'
import { useAppStore } from '../../store'
import { notifyError, notifyInfo } from '../../components/notify'
import { Data } from '../../components/Data'
import { sshSentence } from '../hosts/ssh-sentence'
import { ConfigProblems } from './ConfigProblems'
import { HostsProgress } from './HostsProgress'
import { LazyPart, lazyPart } from '../../components/LazyPart'

// The form comes when it is first shown: the first run, or "edit" (issue 23 item 5).
const SetupForm = lazyPart(async () => (await import('./SetupForm')).SetupForm)

/**
 * What the cluster file says, where it is, and what to fix in it; with no file, the form that writes
 * it (the first run), and later the same form to add or remove hosts; after a save, each host's
 * connection and doctor report.
 */
export function ConfigPanel() {
  const { t } = useTranslation()
  const api = useApi()
  const state = useAppStore((s) => s.config)
  const [editing, setEditing] = useState(false)
  const [showProgress, setShowProgress] = useState(false)
  if (!state) return null

  async function reload(): Promise<void> {
    try {
      useAppStore.getState().setConfig(await api.call('config.reload', {}))
      notifyInfo(t('config.reloaded'))
    } catch (error) {
      notifyError(error)
    }
  }

  return (
    <section className="panel" data-testid="config-panel">
      <div className="panel-title">
        <h1>{t('config.title')}</h1>
        <button type="button" onClick={() => void reload()} data-testid="config-reload">
          {t('config.reload')}
        </button>
      </div>
      <p>
        <span className={`badge badge-${state.status}`} data-testid="config-status">
          {t(`config.status.${state.status}`)}
        </span>{' '}
        <span className="muted">{t('config.path')}</span> <code translate="no">{state.path}</code>
      </p>
      {state.problems.length > 0 && (
        <>
          <h2>{t('config.problems')}</h2>
          <ConfigProblems problems={state.problems} />
        </>
      )}
      {editing || state.status === 'missing' ? (
        <>
          <h2>{state.status === 'missing' ? t('setup.title') : t('setup.editTitle')}</h2>
          {state.status === 'missing' && <p>{t('setup.intro')}</p>}
          <LazyPart>
            <SetupForm
              config={state.config}
              onSaved={() => {
                setEditing(false)
                setShowProgress(true)
              }}
              {...(state.status === 'missing' ? {} : { onCancel: () => setEditing(false) })}
            />
          </LazyPart>
        </>
      ) : (
        <button type="button" data-testid="setup-edit" onClick={() => setEditing(true)}>
          {t('setup.edit')}
        </button>
      )}
      {showProgress && state.status === 'ok' && (
        <HostsProgress hosts={state.hosts.map((host) => host.name)} />
      )}
      {state.hosts.length > 0 && (
        <>
          <h2>{t('config.hostsTitle')}</h2>
          <table className="table" data-testid="config-hosts">
            <thead>
              <tr>
                <th>{t('config.host')}</th>
                <th>{t('config.sshTarget')}</th>
                <th>{t('config.keys')}</th>
                <th>{t('config.migration')}</th>
                <th>{t('config.gateway')}</th>
              </tr>
            </thead>
            <tbody>
              {state.hosts.map((host) => (
                <tr key={host.name}>
                  <td>
                    <strong translate="no">{host.name}</strong>
                  </td>
                  <td>
                    <code translate="no">
                      {host.user}@{host.hostname}:{host.port}
                    </code>
                    {host.fromSshConfig && (
                      <span className="muted small"> ({t('config.fromSshConfig')})</span>
                    )}
                    {host.refusal && (
                      <div className="warning small" data-testid="ssh-config-refusal">
                        {sshSentence(t, host.refusal).message}
                      </div>
                    )}
                    {host.ignoredDirectives.length > 0 && (
                      <div className="warning small">
                        {t('config.ignored', { list: host.ignoredDirectives.join(', ') })}
                      </div>
                    )}
                  </td>
                  <td className="small">
                    {host.identityFiles.length > 0 ? (
                      <Data>{host.identityFiles.join(', ')}</Data>
                    ) : (
                      t('config.agent')
                    )}
                  </td>
                  <td>
                    <code translate="no">{host.migrationAddress}</code>
                  </td>
                  <td>
                    <code translate="no">{host.gateway ?? '—'}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {state.config && (
            <p className="muted">
              {t('config.ceph')} <code translate="no">client.{state.config.ceph.clientId}</code> ·{' '}
              {t('config.pools')}{' '}
              {state.config.pools.map((pool) => (
                <code translate="no" key={pool}>
                  {pool}{' '}
                </code>
              ))}
            </p>
          )}
        </>
      )}
    </section>
  )
}
