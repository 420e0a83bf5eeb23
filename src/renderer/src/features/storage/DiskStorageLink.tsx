import { useTranslation } from 'react-i18next'
import { useAppStore } from '../../store'

/** From a VM's RBD disk to its image in the storage view (snapshots, grow…). */
export function DiskStorageLink({ pool, image }: { pool: string; image: string }) {
  const { t } = useTranslation()
  return (
    <button
      type="button"
      className="link small"
      onClick={() => useAppStore.getState().select({ kind: 'storage', image: { pool, image } })}
      data-testid={`vm-disk-storage-${image}`}
    >
      {t('storage.openFromVm')}
    </button>
  )
}
