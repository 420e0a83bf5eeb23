import { useTranslation } from 'react-i18next'
import { useAppStore } from '../../store'
import { useHostsStore } from '../../store/hosts'
import { HostStatus } from '../hosts/HostStatus'

/** The cluster tree. For now, the configured hypervisors with their connection state. */
const NO_HOSTS: never[] = []

export function Sidebar() {
  const { t } = useTranslation()
  // A constant fallback: a new [] on every call would make zustand re-render forever.
  const hosts = useAppStore((state) => state.config?.hosts ?? NO_HOSTS)
  const states = useHostsStore((state) => state.states)
  const selected = useHostsStore((state) => state.selected)
  const select = useHostsStore((state) => state.select)

  return (
    <nav className="sidebar" aria-label={t('sidebar.cluster')}>
      <h2>{t('sidebar.hosts')}</h2>
      {hosts.length === 0 ? (
        <p className="muted">{t('sidebar.noHosts')}</p>
      ) : (
        <ul className="tree" role="tree" data-testid="host-tree">
          {hosts.map((host) => (
            <li
              key={host.name}
              role="treeitem"
              aria-selected={selected === host.name}
              className={`host-row${selected === host.name ? ' selected' : ''}`}
              tabIndex={0}
              data-host={host.name}
              onClick={() => select(host.name)}
              onKeyDown={(event) => {
                if (event.key === 'Enter' || event.key === ' ') select(host.name)
              }}
            >
              <span className="host-row-line">
                <span className="host-name">{host.name}</span>
                <span className="muted small">{host.hostname}</span>
              </span>
              <HostStatus status={states[host.name]?.status} />
            </li>
          ))}
        </ul>
      )}
      {selected !== null && (
        <button className="link small" onClick={() => select(null)} data-testid="show-config">
          {t('sidebar.clusterFile')}
        </button>
      )}
    </nav>
  )
}
