import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import type { ClusterConfig, ConfigProblem } from '../../../../shared/config'
import { ApiError, type ApiErrorData } from '../../../../shared/errors'
import { KEYBOARD_LAYOUTS, keyboardLayoutOf } from '../../../../shared/keyboard'
import { useApi } from '../../api/context'
import { ErrorBox } from '../../components/ErrorBox'
import { notifyInfo } from '../../components/notify'
import { useAppStore } from '../../store'
import {
  draftFromConfig,
  draftProblems,
  emptyDraft,
  emptyHost,
  toConfig,
  type ClusterDraft,
  type HostDraft,
} from './cluster-draft'
import { ConfigProblems } from './ConfigProblems'
import { SshConfigImport } from './SshConfigImport'
import './setup.css'

/**
 * The cluster file as a form: the cluster's name, SSH (user, agent or key file, ~/.ssh/config), the
 * hosts (name, address, migration address, gateway), Ceph's client and pools. Checked with the
 * file's schema as the user types; written by config.save, which checks again, keeps the previous
 * file and connects to the hosts (the pool follows the file: no restart).
 */
export function SetupForm({
  config,
  onSaved,
  onCancel,
}: {
  /** The cluster file as it is; none on the first run (an empty form). */
  config: ClusterConfig | undefined
  onSaved: () => void
  onCancel?: () => void
}) {
  const { t } = useTranslation()
  const api = useApi()
  const [draft, setDraft] = useState(() => (config ? draftFromConfig(config) : emptyDraft()))
  const [tried, setTried] = useState(false)
  const [serverProblems, setServerProblems] = useState<ConfigProblem[]>([])
  const [error, setError] = useState<ApiErrorData | null>(null)
  const [busy, setBusy] = useState(false)
  const problems = tried ? [...draftProblems(draft), ...serverProblems] : []
  const invalid = (field: string) => problems.some((problem) => problem.field.startsWith(field))

  const change = (patch: Partial<ClusterDraft>) => {
    setDraft((current) => ({ ...current, ...patch }))
    setServerProblems([])
  }
  const changeHost = (index: number, patch: Partial<HostDraft>) =>
    change({ hosts: draft.hosts.map((host, i) => (i === index ? { ...host, ...patch } : host)) })

  async function save(event: FormEvent): Promise<void> {
    event.preventDefault()
    setTried(true)
    setError(null)
    if (draftProblems(draft).length > 0) return
    setBusy(true)
    try {
      const state = await api.call('config.save', { config: toConfig(draft) })
      useAppStore.getState().setConfig(state)
      notifyInfo(
        [
          t('setup.saved', { path: state.path }),
          ...(state.previousPath ? [t('setup.previousKept', { path: state.previousPath })] : []),
        ].join(' '),
      )
      onSaved()
    } catch (caught) {
      const apiError = ApiError.from(caught)
      const listed = apiError.details?.['problems']
      if (apiError.code === 'config.invalid' && Array.isArray(listed))
        setServerProblems(listed as ConfigProblem[])
      else setError(apiError.toData())
    } finally {
      setBusy(false)
    }
  }

  const input = (
    id: string,
    label: string,
    value: string,
    onChange: (value: string) => void,
    field: string,
  ) => (
    <label className="setup-field" htmlFor={id}>
      <span>{label}</span>
      <input
        id={id}
        data-testid={id}
        value={value}
        aria-invalid={invalid(field) || undefined}
        onChange={(event) => onChange(event.target.value)}
      />
    </label>
  )

  return (
    <form className="setup-form" data-testid="setup-form" onSubmit={(event) => void save(event)} noValidate>
      {input('setup-name', t('setup.clusterName'), draft.name, (name) => change({ name }), 'name')}

      <fieldset>
        <legend>{t('setup.sshTitle')}</legend>
        {input('setup-user', t('setup.sshUser'), draft.user, (user) => change({ user }), 'ssh.user')}
        <div role="radiogroup" aria-label={t('setup.auth')} className="setup-auth">
          {(['agent', 'key'] as const).map((auth) => (
            <label key={auth}>
              <input
                type="radio"
                name="setup-auth"
                data-testid={`setup-auth-${auth}`}
                checked={draft.auth === auth}
                onChange={() => change({ auth })}
              />{' '}
              {t(auth === 'agent' ? 'setup.authAgent' : 'setup.authKey')}
            </label>
          ))}
        </div>
        {draft.auth === 'key' &&
          input(
            'setup-key',
            t('setup.keyFile'),
            draft.keyFile,
            (keyFile) => change({ keyFile }),
            'ssh.identityFile',
          )}
        <label>
          <input
            type="checkbox"
            data-testid="setup-use-ssh-config"
            checked={draft.useSshConfig}
            onChange={(event) => change({ useSshConfig: event.target.checked })}
          />{' '}
          {t('setup.useSshConfig')}
        </label>
      </fieldset>

      <fieldset>
        <legend>{t('setup.hostsTitle')}</legend>
        <SshConfigImport draft={draft} onImport={(next) => change(next)} />
        <table className="table setup-hosts" data-testid="setup-hosts">
          <thead>
            <tr>
              <th>{t('setup.hostName')}</th>
              <th>{t('setup.address')}</th>
              <th>{t('setup.migrationAddress')}</th>
              <th>{t('setup.gateway')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {draft.hosts.map((host, index) => (
              <tr key={index} data-testid="setup-host-row">
                {(['name', 'address', 'migrationAddress', 'gateway'] as const).map((key) => (
                  <td key={key}>
                    <input
                      aria-label={`${t(key === 'name' ? 'setup.hostName' : `setup.${key}`)} ${index + 1}`}
                      data-testid={`setup-host-${key}`}
                      value={host[key]}
                      aria-invalid={invalid(`hosts[${index}].${key}`) || undefined}
                      onChange={(event) => changeHost(index, { [key]: event.target.value })}
                    />
                  </td>
                ))}
                <td>
                  <button
                    type="button"
                    data-testid="setup-remove-host"
                    disabled={draft.hosts.length === 1}
                    onClick={() => change({ hosts: draft.hosts.filter((_, i) => i !== index) })}
                  >
                    {t('setup.removeHost', { host: host.name || index + 1 })}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <button
          type="button"
          data-testid="setup-add-host"
          onClick={() => change({ hosts: [...draft.hosts, emptyHost()] })}
        >
          {t('setup.addHost')}
        </button>
      </fieldset>

      <fieldset>
        <legend>{t('setup.cephTitle')}</legend>
        {input(
          'setup-ceph-client',
          t('setup.cephClient'),
          draft.cephClient,
          (cephClient) => change({ cephClient }),
          'ceph.clientId',
        )}
        {input('setup-pools', t('setup.pools'), draft.pools, (pools) => change({ pools }), 'pools')}
      </fieldset>

      <fieldset>
        <legend>{t('setup.guestsTitle')}</legend>
        <label className="setup-field" htmlFor="setup-guest-layout">
          <span>{t('setup.guestLayout')}</span>
          <select
            id="setup-guest-layout"
            data-testid="setup-guest-layout"
            value={draft.guestKeyboardLayout}
            aria-invalid={invalid('guestKeyboardLayout') || undefined}
            onChange={(event) => change({ guestKeyboardLayout: keyboardLayoutOf(event.target.value) })}
          >
            {KEYBOARD_LAYOUTS.map((layout) => (
              <option key={layout} value={layout}>
                {t(`vmSettings.layouts.${layout}`)}
              </option>
            ))}
          </select>
        </label>
        <p className="muted small">{t('setup.guestLayoutHint')}</p>
      </fieldset>

      {problems.length > 0 && (
        <div role="alert" data-testid="setup-problems">
          <h2>{t('setup.problemsTitle')}</h2>
          <ConfigProblems problems={problems} />
        </div>
      )}
      {error && <ErrorBox error={error} testId="setup-error" />}
      <div className="dialog-buttons">
        {onCancel && (
          <button type="button" data-testid="setup-cancel" onClick={onCancel}>
            {t('setup.cancel')}
          </button>
        )}
        <button type="submit" className="primary" data-testid="setup-save" disabled={busy}>
          {busy ? t('setup.saving') : t('setup.save')}
        </button>
      </div>
    </form>
  )
}
