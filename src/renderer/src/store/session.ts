import type { z } from 'zod'
import type { AppInfoSchema, ConfigState } from '../../../shared/contract'
import type { UpdateStatus } from '../../../shared/updates'
import type { TransportStatus } from '../api/client'
import type { Language } from '../i18n'
import type { Slice } from './types'

export type Theme = 'system' | 'light' | 'dark'

/** The link to the core, the cluster file, the window's language and theme, the release notice. */
export interface SessionSlice {
  connection: TransportStatus
  appInfo: z.infer<typeof AppInfoSchema> | null
  config: ConfigState | null
  language: Language
  theme: Theme
  /** The release check's answer worth showing (a newer release, or any answer to a manual check). */
  update: UpdateStatus | null
  setConnection(status: TransportStatus): void
  setConfig(state: ConfigState): void
  setLanguage(language: Language): void
  setTheme(theme: Theme): void
  showUpdate(status: UpdateStatus | null): void
}

export const createSessionSlice: Slice<SessionSlice> = (set) => ({
  connection: 'connecting',
  appInfo: null,
  config: null,
  language: 'en',
  theme: 'system',
  update: null,
  setConnection: (connection) => set({ connection }),
  setConfig: (config) => set({ config }),
  setLanguage: (language) => set({ language }),
  setTheme: (theme) => set({ theme }),
  showUpdate: (update) => set({ update }),
})
