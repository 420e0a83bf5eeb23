import { useEffect } from 'react'
import type { TFunction } from 'i18next'
import { useTranslation } from 'react-i18next'
import type { ApiErrorData } from '../../../../shared/errors'
import { failoverChoices, type FailoverChoice, type FailoverView } from '../../../../shared/ovh'
import { Data } from '../../components/Data'
import { ErrorBox } from '../../components/ErrorBox'

/**
 * The creation wizard's OVH failover IP (issue 20 item 4): every address of the account's blocks, the
 * host its block routes to (where the VM runs) and its virtual MAC; those routed to the host the VM
 * starts on, unclaimed, can be chosen; the others say why not. The pre-checks ask OVH again.
 */
export function OvhFailoverChoice({
  view,
  error,
  startOn,
  chosen,
  missing,
  onChoose,
}: {
  view: FailoverView | null
  error: ApiErrorData | null
  /** The host the VM starts on ('' = left stopped: it runs where its IP routes). */
  startOn: string
  chosen: string
  /** Nothing chosen yet, once the user could have. */
  missing: boolean
  onChoose(ip: string, host: string): void
}) {
  const { t } = useTranslation()
  const choices = view ? failoverChoices(view, startOn || undefined) : []
  const lost =
    chosen !== '' && !choices.some((c) => c.ip === chosen && (c.state === 'reuse' || c.state === 'create'))
  // "then start it on" changed to a host the chosen IP does not route to: the choice is undone
  useEffect(() => {
    if (view && lost) onChoose('', '')
  }, [view, lost, onChoose])
  if (error) return <ErrorBox error={error} testId="vm-create-ovh-error" />
  if (!view) return <p className="muted small wizard-note">{t('vmWizard.ovhAsking')}</p>
  return (
    <div className="wizard-field">
      <span className="wizard-label">{t('vmWizard.ovhIp')}</span>
      <div data-testid="vm-create-ovh">
        <p className="muted small">
          {startOn ? t('vmWizard.ovhHelpStart', { host: startOn }) : t('vmWizard.ovhHelpAny')}
        </p>
        {choices.length === 0 ? (
          <p data-testid="vm-create-ovh-none">{t('vmWizard.ovhNone')}</p>
        ) : (
          <table className="ovh-ips" data-testid="vm-create-ovh-ips">
            <thead>
              <tr>
                <th>{t('vmWizard.ovhAddress')}</th>
                <th>{t('vmWizard.ovhBlock')}</th>
                <th>{t('vmWizard.ovhRoutesTo')}</th>
                <th>{t('vmWizard.ovhVirtualMac')}</th>
              </tr>
            </thead>
            <tbody>
              {choices.map((choice) => {
                const open = choice.state === 'reuse' || choice.state === 'create'
                return (
                  <tr key={choice.ip} data-ip={choice.ip} data-state={choice.state}>
                    <td>
                      <label>
                        <input
                          type="radio"
                          name="vm-create-ovh-ip"
                          disabled={!open}
                          checked={chosen === choice.ip}
                          onChange={() => onChoose(choice.ip, choice.routedHost!)}
                          data-testid={`vm-create-ovh-ip-${choice.ip}`}
                        />{' '}
                        <Data>{choice.ip}</Data>
                      </label>
                    </td>
                    <td>
                      <Data>{choice.block}</Data>
                    </td>
                    <td translate="no">
                      {choice.routedHost ?? t('vmWizard.ovhNoHost', { server: choice.routedTo ?? '—' })}
                    </td>
                    <td className={open ? undefined : 'warn'} data-testid="vm-create-ovh-state">
                      {stateText(t, choice, startOn)}
                    </td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        )}
        {missing && choices.length > 0 && (
          <span className="wizard-problem small" role="alert" data-testid="vm-create-problem">
            {t('vmWizard.ovhPick')}
          </span>
        )}
      </div>
    </div>
  )
}

function stateText(t: TFunction, choice: FailoverChoice, startOn: string): string {
  switch (choice.state) {
    case 'reuse':
      return t('vmWizard.ovhState.reuse', { mac: choice.macs[0] ?? '' })
    case 'create':
      return t('vmWizard.ovhState.create')
    case 'claimed':
      return t('vmWizard.ovhState.claimed', { vms: choice.vms.join(', ') })
    case 'elsewhere':
      return t('vmWizard.ovhState.elsewhere', { host: choice.routedHost ?? '', startOn })
    case 'unmapped':
      return t('vmWizard.ovhState.unmapped', { server: choice.routedTo ?? '—' })
    case 'duplicate':
      return t('vmWizard.ovhState.duplicate', { macs: choice.macs.join(', ') })
  }
}
