import i18next from 'i18next'
import { initReactI18next } from 'react-i18next'
import { clusterEn } from './cluster.en'
import { clusterFr } from './cluster.fr'
import { en } from './en'
import { migrationEn } from './migration.en'
import { migrationFr } from './migration.fr'
import { fr } from './fr'
import { storageEn } from './storage.en'
import { storageFr } from './storage.fr'
import { cephEn } from './ceph.en'
import { cephFr } from './ceph.fr'
import { maintenanceEn } from './maintenance.en'
import { maintenanceFr } from './maintenance.fr'
import { consoleEn } from './console.en'
import { consoleFr } from './console.fr'
import { updatesEn } from './updates.en'
import { desktopEn } from './desktop.en'
import { desktopFr } from './desktop.fr'
import { updatesFr } from './updates.fr'
import { fencingEn } from './fencing.en'
import { fencingFr } from './fencing.fr'
import { statusEn } from './status.en'
import { statusFr } from './status.fr'
import { setupEn } from './setup.en'
import { setupFr } from './setup.fr'
import { vmWizardEn } from './vmwizard.en'
import { vmWizardFr } from './vmwizard.fr'
import { ovhUiEn } from './ovhui.en'
import { ovhUiFr } from './ovhui.fr'
import { vmEditEn } from './vmedit.en'
import { vmEditFr } from './vmedit-ui.fr'
import { isoUploadEn } from './isoupload.en'
import { isoUploadFr } from './isoupload.fr'
import { vmCloneEn } from './vmclone.en'
import { vmCloneFr } from './vmclone.fr'
import { MESSAGES_EN, UNIT_LABELS_EN } from '../../../shared/messages'
import { messagesFr } from './messages.fr'
import {
  addMessageFormatters,
  frenchSpacing,
  mapStrings,
  messageResources,
  pseudoText,
  UNIT_LABELS_FR,
} from './messages'

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
 * Every UI string in English: the UI catalogs, the core's messages and the unit labels. A message
 * area must not share a name with a UI namespace (test/unit/messages.test.ts checks it): the spread
 * would replace one with the other.
 */
export const englishResources = {
  ...en,
  ...clusterEn,
  ...migrationEn,
  ...storageEn,
  ...cephEn,
  ...maintenanceEn,
  ...consoleEn,
  ...updatesEn,
  ...desktopEn,
  ...fencingEn,
  ...statusEn,
  ...setupEn,
  ...vmWizardEn,
  ...ovhUiEn,
  ...vmEditEn,
  ...isoUploadEn,
  ...vmCloneEn,
  ...messageResources(MESSAGES_EN),
  units: UNIT_LABELS_EN,
}

/** The same in French, with French spacing before ":", ";", "!", "?". */
export const frenchResources = mapStrings(
  {
    ...fr,
    ...clusterFr,
    ...migrationFr,
    ...storageFr,
    ...cephFr,
    ...maintenanceFr,
    ...consoleFr,
    ...updatesFr,
    ...desktopFr,
    ...fencingFr,
    ...statusFr,
    ...setupFr,
    ...vmWizardFr,
    ...ovhUiFr,
    ...vmEditFr,
    ...isoUploadFr,
    ...vmCloneFr,
    ...messageResources(messagesFr),
    units: UNIT_LABELS_FR,
  },
  frenchSpacing,
)

export function setLanguage(language: Language): void {
  localStorage.setItem(STORAGE_KEY, language)
  document.documentElement.lang = htmlLang(language)
  void i18next.changeLanguage(language)
}

/**
 * English with every catalog string marked, except `common.untranslated`: English the core has not
 * converted to messages yet stays unmarked, so the walk test points at it.
 */
function pseudoResources() {
  const marked = mapStrings(englishResources, pseudoText)
  return { ...marked, common: { ...marked.common, untranslated: englishResources.common.untranslated } }
}

/** i18next's options for a language: the app's instance, and the tests' own instances. */
export function i18nOptions(language: Language) {
  return {
    resources: {
      en: { translation: englishResources },
      fr: { translation: frenchResources },
      pseudo: { translation: pseudoResources() },
    },
    lng: language,
    fallbackLng: 'en',
    interpolation: { escapeValue: false },
  }
}

export function initI18n(): void {
  const language = initialLanguage()
  document.documentElement.lang = htmlLang(language)
  void i18next.use(initReactI18next).init(i18nOptions(language))
  addMessageFormatters(i18next)
}
