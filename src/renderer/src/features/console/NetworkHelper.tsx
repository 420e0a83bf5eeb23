import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError, type ApiErrorData } from '../../../../shared/errors'
import type { NetworkPlan } from '../../../../shared/vm-settings'
import { useApi } from '../../api/context'
import { ErrorText } from '../../components/ErrorText'
import { MessageText } from '../../components/MessageText'

/**
 * The runbook's most manual step: the guest's /etc/network/interfaces block for the host it runs on,
 * and the safe gateway change (ifdown, sed, ifup), typed into the console only once the user confirms
 * a root prompt is showing there.
 */
export function NetworkHelper({ uuid, type }: { uuid: string; type?: (text: string) => Promise<void> }) {
  const { t } = useTranslation()
  const api = useApi()
  const [plan, setPlan] = useState<NetworkPlan | null>(null)
  const [error, setError] = useState<ApiErrorData | null>(null)
  const [rootPrompt, setRootPrompt] = useState(false)
  const [typed, setTyped] = useState(false)

  useEffect(() => {
    api
      .call('vm.networkPlan', { uuid })
      .then(setPlan, (failure: unknown) => setError(ApiError.from(failure).toData()))
  }, [api, uuid])

  if (error) return <ErrorText error={error} />
  if (!plan) return <p className="muted small">{t('console.loading')}</p>
  return (
    <section className="network-helper" data-testid="network-helper" aria-label={t('console.network')}>
      <p data-testid="network-summary">
        {plan.gateway.new === ''
          ? t('console.networkForNoGateway', { name: plan.vmName, host: plan.host })
          : plan.failoverIp
            ? t('console.networkFor', {
                name: plan.vmName,
                host: plan.host,
                gateway: plan.gateway.new,
                ip: plan.failoverIp,
              })
            : t('console.networkForNoIp', { name: plan.vmName, host: plan.host, gateway: plan.gateway.new })}
      </p>
      <p className="small">{t('console.interfacesBlock')}</p>
      <pre className="code" data-testid="network-lines" translate="no">
        {plan.interfacesLines.join('\n')}
      </pre>
      {plan.commands.length > 0 && (
        <>
          <p className="small">{t('console.fixSequence')}</p>
          <pre className="code" data-testid="network-commands" translate="no">
            {plan.commands.join('\n')}
          </pre>
          {type && (
            <div className="row">
              <label className="inline">
                <input
                  type="checkbox"
                  checked={rootPrompt}
                  onChange={(event) => setRootPrompt(event.target.checked)}
                  data-testid="root-prompt-confirm"
                />
                {t('console.rootPromptShown')}
              </label>
              <button
                disabled={!rootPrompt}
                data-testid="type-network-commands"
                onClick={() => {
                  void type(plan.commands.join('\n') + '\n').then(() => setTyped(true))
                  setRootPrompt(false)
                }}
              >
                {t('console.typeCommands')}
              </button>
            </div>
          )}
          {typed && <p className="small">{t('console.typedCheck')}</p>}
        </>
      )}
      {plan.notes.map((note) => (
        <p key={note.code} className="muted small" data-testid="network-note">
          <MessageText message={note} />
        </p>
      ))}
    </section>
  )
}
