import { useTranslation } from 'react-i18next'
import { LANGUAGES, type Language } from '../i18n'
import { chooseLanguage } from '../i18n/choose-language'
import { useAppStore, type Theme } from '../store'
import { applyTheme } from '../theme'
import { HostCount } from './HostCount'

const THEMES: Theme[] = ['system', 'light', 'dark']

/**
 * The cluster's name from its file, else the app's tagline. Apart from the header: the cluster file
 * comes in the window's first paint, and the header's controls (their words, the language and theme
 * lists) need not be rendered again for it.
 */
function ClusterName({ tagline }: { tagline: string }) {
  const clusterName = useAppStore((state) => state.config?.config?.name)
  return clusterName ? (
    <span className="muted" translate="no">
      {clusterName}
    </span>
  ) : (
    <span className="muted">{tagline}</span>
  )
}

export function Header() {
  const { t } = useTranslation()
  const connection = useAppStore((state) => state.connection)
  const language = useAppStore((state) => state.language)
  const theme = useAppStore((state) => state.theme)

  return (
    <header className="header">
      <div className="brand">
        <span className="logo" aria-hidden>
          ▦
        </span>
        <strong>{t('app.title')}</strong>
        <ClusterName tagline={t('app.tagline')} />
      </div>
      <div className="header-controls">
        <span
          className={`connection connection-${connection}`}
          data-testid="connection"
          data-state={connection}
          title={t('link.coreTitle')}
          role="status"
        >
          {t(`header.connection.${connection}`)}
        </span>
        <HostCount />
        <label>
          {t('header.language')}{' '}
          <select
            data-testid="language"
            value={language}
            onChange={(event) => {
              void chooseLanguage(event.target.value as Language)
            }}
          >
            {LANGUAGES.map((code) => (
              // Each language by its own name, the same in every UI language.
              <option key={code} value={code} translate="no">
                {code === 'fr' ? 'Français' : 'English'}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('header.theme')}{' '}
          <select
            data-testid="theme"
            value={theme}
            onChange={(event) => {
              const next = event.target.value as Theme
              applyTheme(next)
              useAppStore.getState().setTheme(next)
            }}
          >
            {THEMES.map((code) => (
              <option key={code} value={code}>
                {t(`header.themes.${code}`)}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          onClick={() => useAppStore.getState().openOverlay('help')}
          aria-keyshortcuts="?"
          data-testid="open-help"
        >
          {t('help.open')}
        </button>
      </div>
    </header>
  )
}
