import { useCallback, useEffect, useId, useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError, type ApiErrorData } from '../../../../shared/errors'
import type { OvhStatus } from '../../../../shared/ovh'
import { useApi } from '../../api/context'
import { Data } from '../../components/Data'
import { Dialog } from '../../components/Dialog'
import { ErrorBox } from '../../components/ErrorBox'
import { notifyInfo } from '../../components/notify'
import { useAppStore } from '../../store'
import { HostServers } from './HostServers'
import './ovh.css'

/** The endpoints OVH's own tools name (python-ovh's ENDPOINTS); a loopback URL is a test double. */
const ENDPOINTS = ['ovh-eu', 'ovh-ca', 'ovh-us', 'kimsufi-eu', 'kimsufi-ca', 'soyoustart-eu', 'soyoustart-ca']
const PROBLEM_KEYS = {
  'ovh.conf.permissions': 'permissions',
  'ovh.conf.unreadable': 'unreadable',
  'ovh.endpoint.unknown': 'endpointUnknown',
  'ovh.credentials.incomplete': 'incomplete',
} as const
const NO_HOSTS: never[] = []

/**
 * Where the OVH credentials come from (environment, an ovh.conf, the OS keychain) and what is wrong
 * with them — never a secret: the core sends none. Credentials typed here go to the OS keychain
 * (refused, with the reason, in browser mode and when Electron would keep them in plain text);
 * the guided consumer key asks OVH for a key limited to the app's access rules and opens OVH's
 * validation page. Each host's OVH service name is shown, since the app names servers by it.
 */
export function OvhCredentialsDialog({ onClose }: { onClose(): void }) {
  const { t } = useTranslation()
  const api = useApi()
  const id = useId()
  const [status, setStatus] = useState<OvhStatus | null>(null)
  const [error, setError] = useState<ApiErrorData | null>(null)
  const hosts = useAppStore((state) => state.config?.hosts ?? NO_HOSTS)

  const read = useCallback(async () => {
    try {
      setStatus(await api.call('ovh.status', {}))
      setError(null)
    } catch (failure) {
      setError(ApiError.from(failure).toData())
    }
  }, [api])
  useEffect(() => void read(), [read])

  return (
    <Dialog onClose={onClose} labelledBy={`${id}-title`} className="ovh-credentials" testId="ovh-credentials">
      <h2 id={`${id}-title`}>{t('ovhCreds.title')}</h2>
      <p className="muted small">{t('ovhCreds.intro')}</p>
      {error && <ErrorBox error={error} testId="ovh-credentials-error" />}
      {!status && !error && <p className="muted">{t('ovhCreds.loading')}</p>}
      {status && (
        <>
          <InUse status={status} />
          <Keychain status={status} onChanged={setStatus} />
          <EnterForm status={status} onChanged={setStatus} onAsked={read} />
          <AccessRules status={status} />
        </>
      )}
      <HostServers
        hosts={hosts.map((host) => ({
          host: host.name,
          ...(host.ovhServiceName ? { serviceName: host.ovhServiceName } : {}),
        }))}
      />
      <div className="dialog-actions">
        <button onClick={onClose} data-testid="ovh-credentials-close">
          {t('ovhCreds.close')}
        </button>
      </div>
    </Dialog>
  )
}

function InUse({ status }: { status: OvhStatus }) {
  const { t } = useTranslation()
  const source = status.source
  const sourceLabel =
    source === 'environment' || source === 'keychain' ? t(`ovhCreds.sources.${source}`) : undefined
  return (
    <section data-testid="ovh-in-use" data-configured={status.configured ? 'yes' : 'no'}>
      <h3>{t('ovhCreds.inUse')}</h3>
      {status.configured && status.endpoint ? (
        <p className="ovh-good">
          {t('ovhCreds.configured')} <Data>{status.endpoint}</Data> — {t('ovhCreds.source')}{' '}
          {sourceLabel ?? <Data>{source}</Data>}
        </p>
      ) : (
        <p className="ovh-warn">{t('ovhCreds.notConfigured')}</p>
      )}
      <p className="small">{t('ovhCreds.files')}</p>
      <ol className="small" translate="no" data-testid="ovh-files">
        {status.files.map((file) => (
          <li key={file}>
            <code>{file}</code>
          </li>
        ))}
      </ol>
      {status.problems.length > 0 && (
        <>
          <p className="small">{t('ovhCreds.problemsTitle')}</p>
          <ul className="ovh-badges" data-testid="ovh-problems">
            {status.problems.map((problem, index) => {
              const key = PROBLEM_KEYS[problem.code as keyof typeof PROBLEM_KEYS] ?? 'other'
              return (
                <li key={index} data-problem={problem.code}>
                  {t(`ovhCreds.problems.${key}`, { file: problem.file ?? '' })}
                </li>
              )
            })}
          </ul>
        </>
      )}
    </section>
  )
}

function Keychain({ status, onChanged }: { status: OvhStatus; onChanged(status: OvhStatus): void }) {
  const { t } = useTranslation()
  const api = useApi()
  const [error, setError] = useState<ApiErrorData | null>(null)
  const { keychain } = status

  async function forget(): Promise<void> {
    try {
      onChanged(await api.call('ovh.forgetCredentials', {}))
      notifyInfo(t('ovhCreds.forgotten'))
    } catch (failure) {
      setError(ApiError.from(failure).toData())
    }
  }

  return (
    <section data-testid="ovh-keychain" data-state={keychain.state}>
      <h3>{t('ovhCreds.keychain')}</h3>
      <p className={keychain.state === 'ok' ? 'ovh-good' : 'ovh-warn'}>
        {t(`ovhCreds.keychainStates.${keychain.state}`, { backend: keychain.backend ?? '' })}
      </p>
      {keychain.stored && (
        <p>
          {t('ovhCreds.stored', { endpoint: keychain.stored.endpoint, at: keychain.stored.savedAt })}{' '}
          <button onClick={() => void forget()} data-testid="ovh-forget">
            {t('ovhCreds.forget')}
          </button>
        </p>
      )}
      {error && <ErrorBox error={error} testId="ovh-forget-error" />}
    </section>
  )
}

function EnterForm({
  status,
  onChanged,
  onAsked,
}: {
  status: OvhStatus
  onChanged(status: OvhStatus): void
  onAsked(): Promise<void>
}) {
  const { t } = useTranslation()
  const api = useApi()
  const id = useId()
  const [endpoint, setEndpoint] = useState(status.pendingConsumerKey?.endpoint ?? status.endpoint ?? 'ovh-eu')
  const [applicationKey, setApplicationKey] = useState('')
  const [applicationSecret, setApplicationSecret] = useState('')
  const [consumerKey, setConsumerKey] = useState('')
  const [problem, setProblem] = useState<string | null>(null)
  const [error, setError] = useState<ApiErrorData | null>(null)
  const [busy, setBusy] = useState(false)
  const usable = status.keychain.state === 'ok'

  async function save(event: FormEvent): Promise<void> {
    event.preventDefault()
    setError(null)
    if (!endpoint.trim() || !applicationKey.trim() || !applicationSecret.trim())
      return setProblem(t('ovhCreds.required'))
    setProblem(null)
    setBusy(true)
    try {
      const next = await api.call('ovh.saveCredentials', {
        endpoint: endpoint.trim(),
        applicationKey: applicationKey.trim(),
        applicationSecret: applicationSecret.trim(),
        ...(consumerKey.trim() ? { consumerKey: consumerKey.trim() } : {}),
      })
      // the secrets leave the window's memory once kept
      setApplicationSecret('')
      setConsumerKey('')
      onChanged(next)
      notifyInfo(t('ovhCreds.saved'))
    } catch (failure) {
      setError(ApiError.from(failure).toData())
    } finally {
      setBusy(false)
    }
  }

  return (
    <form className="ovh-form" onSubmit={(event) => void save(event)} data-testid="ovh-enter">
      <h3>{t('ovhCreds.enter')}</h3>
      <datalist id={`${id}-endpoints`}>
        {ENDPOINTS.map((name) => (
          <option key={name} value={name} />
        ))}
      </datalist>
      <div className="ovh-fields">
        <label>
          {t('ovhCreds.endpoint')}
          <input
            list={`${id}-endpoints`}
            value={endpoint}
            onChange={(event) => setEndpoint(event.target.value)}
            translate="no"
            spellCheck={false}
            data-testid="ovh-endpoint"
          />
        </label>
        <label>
          {t('ovhCreds.applicationKey')}
          <input
            value={applicationKey}
            onChange={(event) => setApplicationKey(event.target.value)}
            autoComplete="off"
            spellCheck={false}
            translate="no"
            data-testid="ovh-application-key"
          />
        </label>
        <label>
          {t('ovhCreds.applicationSecret')}
          <input
            type="password"
            value={applicationSecret}
            onChange={(event) => setApplicationSecret(event.target.value)}
            autoComplete="off"
            disabled={!usable}
            data-testid="ovh-application-secret"
          />
        </label>
        <label>
          {t('ovhCreds.consumerKey')}
          <input
            type="password"
            value={consumerKey}
            onChange={(event) => setConsumerKey(event.target.value)}
            autoComplete="off"
            disabled={!usable}
            data-testid="ovh-consumer-key"
          />
        </label>
      </div>
      <p className="muted small">{t('ovhCreds.consumerKeyHelp')}</p>
      <button type="submit" disabled={busy || !usable} data-testid="ovh-save">
        {t('ovhCreds.save')}
      </button>
      {!usable && (
        <p className="ovh-warn small" data-testid="ovh-save-off">
          {t(`ovhCreds.keychainStates.${status.keychain.state}`, { backend: status.keychain.backend ?? '' })}
        </p>
      )}
      {problem && (
        <p className="ovh-fail" role="alert">
          {problem}
        </p>
      )}
      {error && <ErrorBox error={error} testId="ovh-save-error" />}
      <GuidedKeyRequest endpoint={endpoint} applicationKey={applicationKey} onAsked={onAsked} />
    </form>
  )
}

function GuidedKeyRequest({
  endpoint,
  applicationKey,
  onAsked,
}: {
  endpoint: string
  applicationKey: string
  onAsked(): Promise<void>
}) {
  const { t } = useTranslation()
  const api = useApi()
  const [validationUrl, setValidationUrl] = useState<string | null>(null)
  const [error, setError] = useState<ApiErrorData | null>(null)
  const [busy, setBusy] = useState(false)

  async function ask(): Promise<void> {
    setError(null)
    setBusy(true)
    try {
      const result = await api.call('ovh.requestConsumerKey', {
        endpoint: endpoint.trim(),
        applicationKey: applicationKey.trim(),
      })
      setValidationUrl(result.validationUrl)
      await onAsked()
    } catch (failure) {
      setError(ApiError.from(failure).toData())
    } finally {
      setBusy(false)
    }
  }

  return (
    <section className="ovh-guided" data-testid="ovh-guided">
      <h3>{t('ovhCreds.guided')}</h3>
      <p className="muted small">{t('ovhCreds.guidedHelp')}</p>
      <button
        type="button"
        onClick={() => void ask()}
        disabled={busy || !applicationKey.trim()}
        data-testid="ovh-request-key"
      >
        {t('ovhCreds.request')}
      </button>
      {error && <ErrorBox error={error} testId="ovh-request-error" />}
      {validationUrl && <ValidationLink url={validationUrl} />}
    </section>
  )
}

/** OVH's page that validates the consumer key (the desktop shell opens only such a URL). */
function ValidationLink({ url }: { url: string }) {
  const { t } = useTranslation()
  return (
    <div data-testid="ovh-validation">
      <p>
        {t('ovhCreds.validation')}{' '}
        <a href={url} target="_blank" rel="noreferrer noopener" data-testid="ovh-validation-link">
          {t('ovhCreds.openValidation')}
        </a>
      </p>
      <code className="ovh-url" translate="no">
        {url}
      </code>
    </div>
  )
}

/** A consumer key waiting for validation, and the access rules a key for Hyperdesk asks for. */
function AccessRules({ status }: { status: OvhStatus }) {
  const { t } = useTranslation()
  return (
    <section data-testid="ovh-rules">
      {status.pendingConsumerKey && (
        <div className="ovh-warn" data-testid="ovh-pending">
          {t('ovhCreds.pending', { endpoint: status.pendingConsumerKey.endpoint })}
          <ValidationLink url={status.pendingConsumerKey.validationUrl} />
        </div>
      )}
      <h3>{t('ovhCreds.rules')}</h3>
      <ul className="ovh-rules" translate="no">
        {status.accessRules.map((rule) => (
          <li key={`${rule.method} ${rule.path}`}>
            <code>
              {rule.method} {rule.path}
            </code>
          </li>
        ))}
      </ul>
    </section>
  )
}
