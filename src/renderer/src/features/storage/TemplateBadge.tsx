import { useTranslation } from 'react-i18next'

/**
 * A protected RBD snapshot is a template (issue 19 item 2): new VMs are cloned from it, and clones may
 * hang from it, so it is marked as such wherever snapshots are listed.
 */
export function TemplateBadge() {
  const { t } = useTranslation()
  return (
    <span className="badge badge-template" title={t('templates.badgeTitle')} data-testid="storage-template">
      {t('templates.badge')}
    </span>
  )
}
