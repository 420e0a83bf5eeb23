import type { StateCreator } from 'zustand'
import type { ConsolesSlice } from './consoles'
import type { ClusterSlice } from './cluster'
import type { NotificationsSlice } from './notifications'
import type { SessionSlice } from './session'
import type { ViewSlice } from './view'

/** The renderer's one store: every slice's state and actions side by side (zustand's slices pattern). */
export type AppState = SessionSlice & NotificationsSlice & ClusterSlice & ViewSlice & ConsolesSlice

/** A slice: its part of the state, built with the whole store's set/get. */
export type Slice<T> = StateCreator<AppState, [], [], T>
