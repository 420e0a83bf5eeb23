import i18next from 'i18next'
import { useAppStore } from '../store'
import { setLanguage, type Language } from '.'

/**
 * The user picks a language (the header's menu, the walk test's switch). The menu shows the choice at
 * once; if that language's catalogs cannot be fetched (a tab whose server went away before they were
 * preloaded), the menu goes back to the language still shown and the jobs panel says why, in it.
 */
export async function chooseLanguage(next: Language): Promise<void> {
  const store = useAppStore.getState()
  const shown = store.language
  store.setLanguage(next)
  try {
    await setLanguage(next)
  } catch {
    useAppStore.getState().setLanguage(shown)
    useAppStore.getState().notify({
      kind: 'error',
      text: i18next.t('header.languageUnavailable', { language: next === 'fr' ? 'Français' : 'English' }),
    })
  }
}
