import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Job } from '../../../../shared/jobs'
import { KEYBOARD_LAYOUT_SETTING, KEYBOARD_LAYOUTS, keyboardLayoutOf } from '../../../../shared/keyboard'
import { IPV4_PATTERN } from '../../../../shared/vm-settings'
import { useApi } from '../../api/context'
import { useAppStore } from '../../store'
import { notifyError } from '../../components/notify'

/**
 * Hyperdesk's settings of a VM — its failover IP and its keyboard layout — written into its definition
 * on every host (a job), so they sync with it and follow it through migrations.
 */
export function VmSettingsForm({ uuid, settings }: { uuid: string; settings: Record<string, string> }) {
  const { t } = useTranslation()
  const api = useApi()
  const [failoverIp, setFailoverIp] = useState(settings['failoverIp'] ?? '')
  const [layout, setLayout] = useState(keyboardLayoutOf(settings[KEYBOARD_LAYOUT_SETTING]))
  const ipValid = failoverIp === '' || IPV4_PATTERN.test(failoverIp)
  const changed =
    failoverIp !== (settings['failoverIp'] ?? '') ||
    layout !== keyboardLayoutOf(settings[KEYBOARD_LAYOUT_SETTING])

  async function save(): Promise<void> {
    try {
      const job = (await api.call('vm.setSettings', {
        uuid,
        settings: { failoverIp: failoverIp === '' ? null : failoverIp, keyboardLayout: layout },
      })) as Job
      useAppStore.getState().updateJob(job)
    } catch (error) {
      notifyError(error)
    }
  }

  return (
    <form
      className="vm-settings"
      data-testid="vm-settings"
      onSubmit={(event) => {
        event.preventDefault()
        void save()
      }}
    >
      <h2>{t('vmSettings.title')}</h2>
      <label>
        {t('vmSettings.failoverIp')}{' '}
        <input
          value={failoverIp}
          onChange={(event) => setFailoverIp(event.target.value.trim())}
          // An example address: data, the same in every language.
          placeholder="87.98.165.65"
          translate="no"
          aria-invalid={!ipValid}
          data-testid="vm-settings-failover"
        />
      </label>
      {!ipValid && <span className="error small"> {t('vmSettings.badIp')}</span>}{' '}
      <label>
        {t('vmSettings.layout')}{' '}
        <select
          value={layout}
          onChange={(event) => setLayout(keyboardLayoutOf(event.target.value))}
          data-testid="vm-settings-layout"
        >
          {KEYBOARD_LAYOUTS.map((name) => (
            <option key={name} value={name}>
              {t(`vmSettings.layouts.${name}`)}
            </option>
          ))}
        </select>
      </label>{' '}
      <button type="submit" disabled={!changed || !ipValid} data-testid="vm-settings-save">
        {t('vmSettings.save')}
      </button>
      <p className="muted small">{t('vmSettings.hint')}</p>
    </form>
  )
}
