import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { connectApi } from './api'
import { loadFormatData } from './format'
import { ApiContext } from './api/context'
import { App, NoTokenPage } from './App'
import { initI18n, initialLanguage } from './i18n'
import { useAppStore } from './store'
import { wireCoreEvents } from './store/core-events'
import { applyTheme, initialTheme } from './theme'
import './styles.css'

const theme = initialTheme()
applyTheme(theme)
useAppStore.setState({ language: initialLanguage(), theme })

const api = connectApi()
if (api) wireCoreEvents(api)
// The screen registry is for the walk test (window.hyperdeskScreens): loaded once the window is idle.
requestIdleCallback(() => void import('./screens').then(({ exposeScreens }) => exposeScreens()), {
  timeout: 2000,
})
// The window's language is loaded before the first paint: no text shows untranslated.
await initI18n()
requestIdleCallback(loadFormatData, { timeout: 1000 })
const root = createRoot(document.getElementById('root') as HTMLElement)
root.render(
  <StrictMode>
    {api ? (
      <ApiContext.Provider value={api}>
        <App />
      </ApiContext.Provider>
    ) : (
      <NoTokenPage />
    )}
  </StrictMode>,
)
