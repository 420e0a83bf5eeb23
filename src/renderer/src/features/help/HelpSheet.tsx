import { useTranslation } from 'react-i18next'
import { SheetFrame } from '../../components/SheetFrame'
import { useAppStore } from '../../store'
import { ISSUES_PAGE, PROJECT_PAGE, RELEASES_PAGE } from '../../../../shared/updates'
import { SHORTCUTS } from './shortcuts'
import './help.css'

/** The help sheet: the app's keyboard shortcuts and About (version, links, where the log is). */
export function HelpSheet() {
  const { t } = useTranslation()
  const open = useAppStore((state) => state.overlay === 'help')
  const info = useAppStore((state) => state.appInfo)
  const close = () => useAppStore.getState().openOverlay(null)
  if (!open) return null
  const mac = navigator.platform.toLowerCase().startsWith('mac')
  return (
    <SheetFrame id="help" title={t('help.title')} closeLabel={t('help.close')} onClose={close}>
      <h2>{t('help.shortcuts')}</h2>
      <table className="shortcuts" data-testid="help-shortcuts">
        <thead>
          <tr>
            <th scope="col">{t('help.key')}</th>
            <th scope="col">{t('help.action')}</th>
          </tr>
        </thead>
        <tbody>
          {SHORTCUTS.map((shortcut) => (
            <tr key={shortcut.action}>
              <td>
                {(mac ? shortcut.mac : shortcut.keys).map((key, index) => (
                  <span key={key}>
                    {index > 0 && ' · '}
                    <kbd translate="no">{key}</kbd>
                  </span>
                ))}
              </td>
              <td>{t(`help.${shortcut.action}`)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>{t('help.about')}</h2>
      <p data-testid="help-version">
        {info
          ? t('help.version', { version: info.version, platform: info.platform, node: info.nodeVersion })
          : t('help.versionUnknown')}
      </p>
      <ul className="help-links">
        <li>
          <a href={PROJECT_PAGE} target="_blank" rel="noreferrer">
            {t('help.home')}
          </a>
        </li>
        <li>
          <a href={ISSUES_PAGE} target="_blank" rel="noreferrer">
            {t('help.issues')}
          </a>
        </li>
        <li>
          <a href={RELEASES_PAGE} target="_blank" rel="noreferrer">
            {t('help.releases')}
          </a>
        </li>
      </ul>
      <p className="muted">{t('help.license')}</p>
      <p className="muted">{t('help.log')}</p>
    </SheetFrame>
  )
}
