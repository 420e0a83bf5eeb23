import { useTranslation } from 'react-i18next'

/** RBD images and snapshots per pool (placeholder until the storage view lands). */
export function StorageView() {
  const { t } = useTranslation()
  return (
    <section className="panel" data-testid="storage-view">
      <h1>{t('sidebar.storage')}</h1>
    </section>
  )
}
