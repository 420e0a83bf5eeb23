import { useEffect, useMemo, useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError, type ApiErrorData } from '../../../../shared/errors'
import { useApi } from '../../api/context'
import { Dialog } from '../../components/Dialog'
import { useErrorMessage } from '../../components/GuardMessage'
import { useAppStore } from '../../store'
import { nextPromptQueue, waitingPrompts, type HostPrompt } from './prompt-queue'

/**
 * The questions only the user can answer: an unknown host key (compare its SHA256 fingerprint, then
 * accept or refuse) and an encrypted key's passphrase. Driven by the hosts' states, so a reloaded
 * window asks again; one dialog at a time, in the order the prompts arrived (prompt-queue.ts): the
 * dialog on screen never turns into another host's under the user's pointer. Each prompt gets its own
 * dialog (keyed by its id), so the next one opens afresh: focus and reading start over.
 */
export function HostPrompts() {
  const states = useAppStore((store) => store.hostStates)
  const dismissed = useAppStore((store) => store.dismissedPrompts)
  const waiting = useMemo(() => waitingPrompts(Object.values(states), dismissed), [states, dismissed])
  // The queue derives from the previous one (arrival order), so it is state adjusted while rendering.
  const [queue, setQueue] = useState<HostPrompt[]>([])
  const next = nextPromptQueue(queue, waiting)
  if (!sameOrder(next, queue)) setQueue(next)
  const shown = next[0]
  if (shown?.kind === 'host-key')
    return (
      <HostKeyDialog
        key={shown.id}
        host={shown.host}
        target={shown.target}
        type={shown.type}
        fingerprint={shown.fingerprint}
      />
    )
  if (shown?.kind === 'passphrase')
    return <PassphraseDialog key={shown.id} host={shown.host} keyPath={shown.keyPath} />
  return null
}

const sameOrder = (a: readonly HostPrompt[], b: readonly HostPrompt[]) =>
  a.length === b.length && a.every((prompt, index) => prompt.id === b[index]?.id)

/**
 * How long a host key dialog's Accept stays disabled after it opens (Firefox arms its install and
 * permission prompts after 1 s, for the same reason): a click meant for what was there before, such
 * as the second click of a double-click on the previous dialog's Accept, never accepts this key unread.
 */
const ACCEPT_ARMING_MS = 1000

/** False until `delayMs` after the component mounted. */
function useArmedAfter(delayMs: number): boolean {
  const [armed, setArmed] = useState(false)
  useEffect(() => {
    const timer = setTimeout(() => setArmed(true), delayMs)
    return () => clearTimeout(timer)
  }, [delayMs])
  return armed
}

function HostKeyDialog(props: { host: string; target: string; type: string; fingerprint: string }) {
  const { t } = useTranslation()
  const api = useApi()
  const [error, setError] = useState<ApiErrorData | null>(null)
  const errorMessage = useErrorMessage()
  const [busy, setBusy] = useState(false)
  const armed = useArmedAfter(ACCEPT_ARMING_MS)

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
          disabled={busy || !armed}
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
