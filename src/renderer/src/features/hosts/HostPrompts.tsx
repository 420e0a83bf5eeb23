import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError, type ApiErrorData } from '../../../../shared/errors'
import { useApi } from '../../api/context'
import { Dialog } from '../../components/Dialog'
import { useErrorMessage } from '../../components/GuardMessage'
import { useAppStore } from '../../store'

/**
 * The questions only the user can answer: an unknown host key (compare its SHA256 fingerprint, then
 * accept or refuse) and an encrypted key's passphrase. Driven by the hosts' states, so a reloaded
 * window asks again; one dialog at a time.
 */
export function HostPrompts() {
  const states = useAppStore((store) => store.hostStates)
  const dismissed = useAppStore((store) => store.dismissedPrompts)
  const keyHost = Object.values(states).find(
    (state) => state.status === 'key-unknown' && state.hostKey && !dismissed.has(state.hostKey.fingerprint),
  )
  if (keyHost?.hostKey)
    return (
      <HostKeyDialog
        key={keyHost.hostKey.fingerprint}
        host={keyHost.name}
        target={keyHost.target}
        type={keyHost.hostKey.type}
        fingerprint={keyHost.hostKey.fingerprint}
      />
    )
  const locked = Object.values(states).find(
    (state) => state.status === 'passphrase-needed' && state.lockedKeys?.some((file) => !dismissed.has(file)),
  )
  const keyPath = locked?.lockedKeys?.find((file) => !dismissed.has(file))
  if (locked && keyPath) return <PassphraseDialog key={keyPath} host={locked.name} keyPath={keyPath} />
  return null
}

function HostKeyDialog(props: { host: string; target: string; type: string; fingerprint: string }) {
  const { t } = useTranslation()
  const api = useApi()
  const [error, setError] = useState<ApiErrorData | null>(null)
  const errorMessage = useErrorMessage()
  const [busy, setBusy] = useState(false)

  async function accept(): Promise<void> {
    setBusy(true)
    try {
      await api.call('hosts.acceptHostKey', { host: props.host, fingerprint: props.fingerprint })
    } catch (caught) {
      setError(ApiError.from(caught).toData())
      setBusy(false)
    }
  }

  return (
    <Dialog
      labelledBy="host-key-title"
      testId="host-key-dialog"
      onClose={() => useAppStore.getState().dismissPrompt(props.fingerprint)}
    >
      <h2 id="host-key-title">{t('hosts.keyDialog.title', { host: props.host })}</h2>
      <p>{t('hosts.keyDialog.explain')}</p>
      <dl>
        <dt>{t('hosts.keyDialog.host')}</dt>
        <dd>
          {props.host} ({props.target})
        </dd>
        <dt>{t('hosts.keyDialog.type')}</dt>
        <dd>{props.type}</dd>
        <dt>{t('hosts.keyDialog.fingerprint')}</dt>
        <dd>
          <code data-testid="host-key-fingerprint" translate="no">
            {props.fingerprint}
          </code>
        </dd>
      </dl>
      <p className="muted small">{t('hosts.keyDialog.howToCheck')}</p>
      {error && <p className="warning">{errorMessage(error)}</p>}
      <div className="dialog-buttons">
        <button onClick={() => useAppStore.getState().dismissPrompt(props.fingerprint)}>
          {t('hosts.keyDialog.refuse')}
        </button>
        <button
          className="primary"
          disabled={busy}
          onClick={() => void accept()}
          data-testid="host-key-accept"
        >
          {t('hosts.keyDialog.accept')}
        </button>
      </div>
    </Dialog>
  )
}

function PassphraseDialog(props: { host: string; keyPath: string }) {
  const { t } = useTranslation()
  const api = useApi()
  const [passphrase, setPassphrase] = useState('')
  const [error, setError] = useState<ApiErrorData | null>(null)
  const errorMessage = useErrorMessage()
  const [busy, setBusy] = useState(false)

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault()
    setBusy(true)
    try {
      await api.call('hosts.providePassphrase', { host: props.host, keyPath: props.keyPath, passphrase })
    } catch (caught) {
      setError(ApiError.from(caught).toData())
      setBusy(false)
    } finally {
      setPassphrase('')
    }
  }

  return (
    <Dialog
      labelledBy="passphrase-title"
      testId="passphrase-dialog"
      onClose={() => useAppStore.getState().dismissPrompt(props.keyPath)}
    >
      <form onSubmit={(event) => void submit(event)}>
        <h2 id="passphrase-title">{t('hosts.passphraseDialog.title')}</h2>
        <p>{t('hosts.passphraseDialog.explain', { host: props.host })}</p>
        <p>
          <code translate="no">{props.keyPath}</code>
        </p>
        <input
          type="password"
          data-autofocus
          autoComplete="off"
          aria-label={t('hosts.passphraseDialog.label')}
          value={passphrase}
          onChange={(event) => setPassphrase(event.target.value)}
        />
        <p className="muted small">{t('hosts.passphraseDialog.memoryOnly')}</p>
        {error && <p className="warning">{errorMessage(error)}</p>}
        <div className="dialog-buttons">
          <button type="button" onClick={() => useAppStore.getState().dismissPrompt(props.keyPath)}>
            {t('hosts.passphraseDialog.cancel')}
          </button>
          <button type="submit" className="primary" disabled={busy || passphrase === ''}>
            {t('hosts.passphraseDialog.unlock')}
          </button>
        </div>
      </form>
    </Dialog>
  )
}
