import { useTranslation } from 'react-i18next'

/** Ceph health, OSDs, monitors, pools and flags (placeholder until the Ceph panel lands). */
export function CephView() {
  const { t } = useTranslation()
  return (
    <section className="panel" data-testid="ceph-view">
      <h1>{t('sidebar.ceph')}</h1>
    </section>
  )
}
