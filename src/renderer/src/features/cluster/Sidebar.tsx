import { useTranslation } from 'react-i18next'
import { useAppStore } from '../../store'

/** The cluster tree. For now, the configured hypervisors; VMs join them when the inventory lands. */
const NO_HOSTS: never[] = []

export function Sidebar() {
  const { t } = useTranslation()
  // A constant fallback: a new [] on every call would make zustand re-render forever.
  const hosts = useAppStore((state) => state.config?.hosts ?? NO_HOSTS)

  return (
    <nav className="sidebar" aria-label={t('sidebar.cluster')}>
      <h2>{t('sidebar.hosts')}</h2>
      {hosts.length === 0 ? (
        <p className="muted">{t('sidebar.noHosts')}</p>
      ) : (
        <ul className="tree" role="tree" data-testid="host-tree">
          {hosts.map((host) => (
            <li key={host.name} role="treeitem" aria-selected={false} tabIndex={0}>
              <span className="host-name">{host.name}</span>
              <span className="muted small">{host.hostname}</span>
            </li>
          ))}
        </ul>
      )}
    </nav>
  )
}
