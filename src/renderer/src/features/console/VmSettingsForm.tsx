import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Job } from '../../../../shared/jobs'
import {
  DEFAULT_KEYBOARD_LAYOUT,
  guestLayout,
  KEYBOARD_LAYOUT_SETTING,
  KEYBOARD_LAYOUTS,
  keyboardLayoutOf,
} from '../../../../shared/keyboard'
import { IPV4_PATTERN } from '../../../../shared/vm-settings'
import { useApi } from '../../api/context'
import { useAppStore } from '../../store'
import { notifyError } from '../../components/notify'

/**
 * Hyperdesk's settings of a VM — its failover IP and its keyboard layout — written into its definition
 * on every host (a job), so they sync with it and follow it through migrations.
 */
export function VmSettingsForm({
  uuid,
  settings,
  vncKeymap,
}: {
  uuid: string
  settings: Record<string, string>
  /** The definition's VNC keymap, which gives the layout when the VM has no setting. */
  vncKeymap?: string | undefined
}) {
  const { t } = useTranslation()
  const api = useApi()
  const clusterDefault = useAppStore(
    (state) => state.config?.config?.guestKeyboardLayout ?? DEFAULT_KEYBOARD_LAYOUT,
  )
  // What the console types with today: the setting, else the VNC keymap's layout, else the cluster's.
  const current = guestLayout({ setting: settings[KEYBOARD_LAYOUT_SETTING], vncKeymap }, clusterDefault)
  const [failoverIp, setFailoverIp] = useState(settings['failoverIp'] ?? '')
  const [layout, setLayout] = useState(current.layout)
  const ipValid = failoverIp === '' || IPV4_PATTERN.test(failoverIp)
  const layoutChanged = layout !== current.layout
  const changed = failoverIp !== (settings['failoverIp'] ?? '') || layoutChanged

  async function save(): Promise<void> {
    try {
      const job = (await api.call('vm.setSettings', {
        uuid,
        settings: {
          failoverIp: failoverIp === '' ? null : failoverIp,
          // Written only when changed: a VM without the setting keeps following its keymap or the cluster.
          ...(layoutChanged ? { keyboardLayout: layout } : {}),
        },
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
      {current.from !== 'setting' && !layoutChanged && (
        <span className="muted small" data-testid="vm-settings-layout-from">
          {t(`console.layoutFrom.${current.from}`, { keymap: vncKeymap ?? '' })}
        </span>
      )}{' '}
      <button type="submit" disabled={!changed || !ipValid} data-testid="vm-settings-save">
        {t('vmSettings.save')}
      </button>
      <p className="muted small">{t('vmSettings.hint')}</p>
    </form>
  )
}
