import { create } from 'zustand'
import { useSelectionStore } from './selection'

export interface ImageFocus {
  pool: string
  image: string
}

/** An image another view asked the storage view to open (a VM's disk, for instance). */
interface StorageState {
  focus: ImageFocus | null
  /** Shows the storage view with this image's panel open. */
  openImage(pool: string, image: string): void
  clearFocus(): void
}

export const useStorageStore = create<StorageState>()((set) => ({
  focus: null,
  openImage: (pool, image) => {
    set({ focus: { pool, image } })
    useSelectionStore.getState().showPanel('storage')
  },
  clearFocus: () => set({ focus: null }),
}))
