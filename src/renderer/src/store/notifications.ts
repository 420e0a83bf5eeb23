import type { ApiErrorData } from '../../../shared/errors'
import type { Slice } from './types'

export interface Notification {
  id: number
  kind: 'error' | 'info'
  text: string
  error?: ApiErrorData
}

/** Short messages shown in the jobs panel: what finished, what failed before any job started. */
export interface NotificationsSlice {
  notifications: Notification[]
  notify(notification: Omit<Notification, 'id'>): void
  dismiss(id: number): void
}

let nextNotificationId = 1

export const createNotificationsSlice: Slice<NotificationsSlice> = (set) => ({
  notifications: [],
  notify: (notification) =>
    set((state) => ({
      notifications: [...state.notifications, { ...notification, id: nextNotificationId++ }].slice(-50),
    })),
  dismiss: (id) => set((state) => ({ notifications: state.notifications.filter((item) => item.id !== id) })),
})
