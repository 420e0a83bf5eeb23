import { create } from 'zustand'

/** The migration sheet: which VM to which host, opened by drag and drop, the VM menu or the keyboard. */
interface MigrationSheetState {
  sheet: { uuid: string; to: string } | null
  open(uuid: string, to: string): void
  close(): void
}

export const useMigrationStore = create<MigrationSheetState>()((set) => ({
  sheet: null,
  open: (uuid, to) => set({ sheet: { uuid, to } }),
  close: () => set({ sheet: null }),
}))

/** The drag payload type: only VM rows set it, so hosts accept nothing else. */
export const VM_DRAG_TYPE = 'application/x-hyperdesk-vm'
