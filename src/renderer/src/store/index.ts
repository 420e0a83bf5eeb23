import { create } from 'zustand'
import type { AppInfoSchema, ConfigState } from '../../../shared/contract'
import type { ApiErrorData } from '../../../shared/errors'
import type { z } from 'zod'
import type { TransportStatus } from '../api/client'
import type { Language } from '../i18n'

export type Theme = 'system' | 'light' | 'dark'

export interface Notification {
  id: number
  kind: 'error' | 'info'
  text: string
  error?: ApiErrorData
}

interface SessionSlice {
  connection: TransportStatus
  appInfo: z.infer<typeof AppInfoSchema> | null
  setConnection(status: TransportStatus): void
  setAppInfo(info: z.infer<typeof AppInfoSchema>): void
}

interface ConfigSlice {
  config: ConfigState | null
  setConfig(state: ConfigState): void
}

interface UiSlice {
  language: Language
  theme: Theme
  setLanguage(language: Language): void
  setTheme(theme: Theme): void
}

interface NotificationSlice {
  notifications: Notification[]
  notify(notification: Omit<Notification, 'id'>): void
  dismiss(id: number): void
}

export type AppState = SessionSlice & ConfigSlice & UiSlice & NotificationSlice

let nextNotificationId = 1

export const useAppStore = create<AppState>()((set) => ({
  connection: 'connecting',
  appInfo: null,
  setConnection: (connection) => set({ connection }),
  setAppInfo: (appInfo) => set({ appInfo }),

  config: null,
  setConfig: (config) => set({ config }),

  language: 'en',
  theme: 'system',
  setLanguage: (language) => set({ language }),
  setTheme: (theme) => set({ theme }),

  notifications: [],
  notify: (notification) =>
    set((state) => ({
      notifications: [...state.notifications, { ...notification, id: nextNotificationId++ }].slice(-50),
    })),
  dismiss: (id) => set((state) => ({ notifications: state.notifications.filter((item) => item.id !== id) })),
}))
