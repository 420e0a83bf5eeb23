import i18next from 'i18next'
import { initReactI18next } from 'react-i18next'
import { addMessageFormatters } from './messages'

export const LANGUAGES = ['fr', 'en'] as const
/**
 * `pseudo` is the pseudo-locale the browser walk test uses: English with every catalog string
 * wrapped in ⟦…⟧, so text that does not come from a catalog stands out. It is not offered in the
 * language menu; it is chosen by saving it as the language (localStorage).
 */
export type Language = (typeof LANGUAGES)[number] | 'pseudo'
const STORAGE_KEY = 'hyperdesk.language'

/** The user's choice if they made one, else the OS/browser language (French for any fr-*). */
export function initialLanguage(): Language {
  const saved = localStorage.getItem(STORAGE_KEY)
  if (saved === 'fr' || saved === 'en' || saved === 'pseudo') return saved
  return navigator.language.toLowerCase().startsWith('fr') ? 'fr' : 'en'
}

/** The HTML lang of a UI language. */
export function htmlLang(language: Language): string {
  return language === 'pseudo' ? 'en' : language
}

/**
 * One language's catalogs (UI strings, the core's messages, unit labels). Each language is a chunk
 * of its own, fetched when the window needs it: the window's first script carries neither (issue 23
 * item 5), and the window's language is loaded before anything is painted (see `initI18n`).
 */
export async function languageResources(language: Language): Promise<Record<string, unknown>> {
  switch (language) {
    case 'fr':
      return (await import('./resources.fr')).frenchResources
    case 'en':
      return (await import('./resources.en')).englishResources
    case 'pseudo':
      return (await import('./resources.en')).pseudoResources()
  }
}

/** Adds a language's catalogs to the window's i18next once. */
async function ensureLanguage(language: Language): Promise<void> {
  if (i18next.hasResourceBundle(language, 'translation')) return
  const resources = await languageResources(language)
  i18next.addResourceBundle(language, 'translation', resources, true, true)
}

/**
 * Switches the window's language once its catalogs are there: no text is ever shown as a bare key.
 * When they already are (the usual case, see `initI18n`), the switch happens at once, inside the
 * event that asked for it, so the window is rewritten in the same frame.
 */
export function setLanguage(language: Language): Promise<void> {
  // Saved once the switch is sure: a language whose catalogs could not be fetched is not kept as
  // the choice (the next window would start in it, untranslated).
  const apply = async () => {
    document.documentElement.lang = htmlLang(language)
    await i18next.changeLanguage(language)
    localStorage.setItem(STORAGE_KEY, language)
  }
  return i18next.hasResourceBundle(language, 'translation') ? apply() : ensureLanguage(language).then(apply)
}

/**
 * Separators stated, though they are i18next's own: keys are paths with '.' (the catalogs nest) and
 * none holds a namespace ('nsSeparator: false', the window has one). With a key separator of its
 * own choosing, i18next skips its guess on every `t()` whether a key is a sentence rather than a path
 * (a regular expression per call, ~2 % of the window's first paint; issue 23 item 2).
 */
const OPTIONS = {
  fallbackLng: 'en',
  keySeparator: '.',
  nsSeparator: false,
  interpolation: { escapeValue: false },
} as const

/** i18next's options with every language loaded: the tests' own instances. */
export async function i18nOptions(language: Language) {
  const [en, fr, pseudo] = [
    await languageResources('en'),
    await languageResources('fr'),
    await languageResources('pseudo'),
  ]
  return {
    ...OPTIONS,
    resources: { en: { translation: en }, fr: { translation: fr }, pseudo: { translation: pseudo } },
    lng: language,
  }
}

/**
 * The window's i18next: its language's catalogs are loaded before it resolves (main.tsx paints after
 * it, so no text flashes untranslated); the other language follows once the window is idle, so a
 * switch is immediate and still works when the server has gone away (a stale browser tab).
 */
export async function initI18n(): Promise<void> {
  const language = initialLanguage()
  document.documentElement.lang = htmlLang(language)
  const resources = await languageResources(language)
  await i18next.use(initReactI18next).init({
    ...OPTIONS,
    resources: { [language]: { translation: resources } },
    partialBundledLanguages: true,
    lng: language,
  })
  addMessageFormatters(i18next)
  // The language's plural rules (an Intl.PluralRules, cached by i18next), built now while the window
  // waits for the core rather than at the first plural text of the first paint (issue 23 item 2).
  i18next.services.pluralResolver.getSuffix(language, 1)
  // Likewise its interpolation's regular expressions, compiled at their first use (the header's host
  // count in the first paint, ~0.2 ms there).
  i18next.services.interpolator.interpolate('{{count}}', { count: 1 }, language, {})
  requestIdleCallback(() => void Promise.all(LANGUAGES.map((other) => ensureLanguage(other))), {
    timeout: 2000,
  })
}
