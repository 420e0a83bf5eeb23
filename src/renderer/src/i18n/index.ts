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
import { MIGRATION_CHECK_TEXTS } from '../../../shared/migration-checks'
import { migrationChecksFr } from './migration-checks.fr'
import { updatesEn } from './updates.en'
import { updatesFr } from './updates.fr'
import { CONFIG_PROBLEMS, KNOWN_HOSTS_REASONS, SSH_TEXTS } from '../../../shared/ssh-texts'
import { configProblemsFr, knownHostsReasonsFr, sshTextsFr } from './ssh-texts.fr'
import { FORMAT_ERROR_TEXTS } from '../../../shared/format-errors'
import { formatErrorsFr } from './format-errors.fr'
import { FENCE_TEXTS } from '../../../shared/fencing'
import { fencingEn } from './fencing.en'
import { fenceTextsFr, fencingFr } from './fencing.fr'

export const LANGUAGES = ['fr', 'en'] as const
export type Language = (typeof LANGUAGES)[number]
const STORAGE_KEY = 'hyperdesk.language'

/** The user's choice if they made one, else the OS/browser language (French for any fr-*). */
export function initialLanguage(): Language {
  const saved = localStorage.getItem(STORAGE_KEY)
  if (saved === 'fr' || saved === 'en') return saved
  return navigator.language.toLowerCase().startsWith('fr') ? 'fr' : 'en'
}

export function setLanguage(language: Language): void {
  localStorage.setItem(STORAGE_KEY, language)
  document.documentElement.lang = language
  void i18next.changeLanguage(language)
}

export function initI18n(): void {
  const language = initialLanguage()
  document.documentElement.lang = language
  void i18next.use(initReactI18next).init({
    resources: {
      en: {
        translation: {
          ...en,
          ...clusterEn,
          ...migrationEn,
          ...storageEn,
          ...cephEn,
          ...maintenanceEn,
          ...consoleEn,
          ...updatesEn,
          ...fencingEn,
          // The pre-checks' sentences: English is the core's own table.
          migrationChecks: MIGRATION_CHECK_TEXTS,
          // SSH settings, authentication and known_hosts sentences: the core's own tables.
          sshTexts: SSH_TEXTS,
          sshConfigProblems: CONFIG_PROBLEMS,
          knownHostsReasons: KNOWN_HOSTS_REASONS,
          formatErrors: FORMAT_ERROR_TEXTS,
          fenceTexts: FENCE_TEXTS,
        },
      },
      fr: {
        translation: {
          ...fr,
          ...clusterFr,
          ...migrationFr,
          ...storageFr,
          ...cephFr,
          ...maintenanceFr,
          ...consoleFr,
          ...updatesFr,
          ...fencingFr,
          migrationChecks: migrationChecksFr,
          sshTexts: sshTextsFr,
          sshConfigProblems: configProblemsFr,
          knownHostsReasons: knownHostsReasonsFr,
          formatErrors: formatErrorsFr,
          fenceTexts: fenceTextsFr,
        },
      },
    },
    lng: language,
    fallbackLng: 'en',
    interpolation: { escapeValue: false },
  })
}
