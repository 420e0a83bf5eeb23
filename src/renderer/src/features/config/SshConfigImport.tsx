import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { SshConfigImport as Found } from '../../../../shared/contract'
import { useApi } from '../../api/context'
import { MessageText } from '../../components/MessageText'
import { notifyError } from '../../components/notify'
import { sshSentence } from '../hosts/ssh-sentence'
import { withImported, type ClusterDraft } from './cluster-draft'

/** Picks hypervisors among the hosts ~/.ssh/config names (the core reads the file; ssh is never run). */
export function SshConfigImport({
  draft,
  onImport,
}: {
  draft: ClusterDraft
  onImport: (draft: ClusterDraft) => void
}) {
  const { t } = useTranslation()
  const api = useApi()
  const [found, setFound] = useState<Found | null>(null)
  const [ticked, setTicked] = useState<ReadonlySet<string>>(new Set())

  async function read(): Promise<void> {
    try {
      const answer = await api.call('config.sshConfigHosts', {})
      setFound(answer)
      setTicked(new Set(answer.hosts.filter((host) => !host.refusal).map((host) => host.alias)))
    } catch (error) {
      notifyError(error)
    }
  }

  const toggle = (alias: string, on: boolean) =>
    setTicked((current) => {
      const next = new Set(current)
      if (on) next.add(alias)
      else next.delete(alias)
      return next
    })

  return (
    <details className="setup-import" data-testid="setup-import">
      <summary>{t('setup.importTitle')}</summary>
      <p className="muted small">{t('setup.importExplain')}</p>
      <button type="button" data-testid="setup-import-read" onClick={() => void read()}>
        {t('setup.importButton')}
      </button>
      {found?.problem && <MessageText as="p" message={found.problem} />}
      {found?.refusal && <p className="warning">{sshSentence(t, found.refusal).message}</p>}
      {found && found.hosts.length > 0 && (
        <>
          <ul className="setup-import-list" data-testid="setup-import-list">
            {found.hosts.map((host) => (
              <li key={host.alias}>
                <label>
                  <input
                    type="checkbox"
                    data-testid="setup-import-host"
                    data-alias={host.alias}
                    disabled={host.refusal !== undefined}
                    checked={ticked.has(host.alias)}
                    onChange={(event) => toggle(host.alias, event.target.checked)}
                  />{' '}
                  <strong translate="no">{host.alias}</strong>{' '}
                  <code translate="no">
                    {host.user}@{host.hostname}:{host.port}
                  </code>{' '}
                  <span className="muted small">
                    {t('setup.importFrom', { file: host.file, line: host.line })}
                  </span>
                </label>
                {host.refusal && (
                  <div className="warning small">
                    {t('setup.importRefused')}: {sshSentence(t, host.refusal).message}
                  </div>
                )}
              </li>
            ))}
          </ul>
          <button
            type="button"
            data-testid="setup-import-add"
            disabled={ticked.size === 0}
            onClick={() =>
              onImport(
                withImported(
                  draft,
                  found.hosts.filter((host) => ticked.has(host.alias)),
                ),
              )
            }
          >
            {t('setup.importAdd')}
          </button>
        </>
      )}
    </details>
  )
}
