import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import type { HostStatus } from '../../../../shared/hosts'
import { useAppStore } from '../../store'
import { useHostsStore } from '../../store/hosts'
import { selectHost, useSelectionStore } from '../../store/selection'
import { ClusterTree } from './ClusterTree'
import type { TreeRow } from './tree-rows'

// A constant fallback: a new [] on every call would make zustand re-render forever.
const NO_HOSTS: never[] = []

/** The cluster tree: hosts with their connection state and the VMs running on each. */
export function Sidebar() {
  const { t } = useTranslation()
  const hosts = useAppStore((state) => state.config?.hosts ?? NO_HOSTS)
  const states = useHostsStore((state) => state.states)
  const selectedHost = useHostsStore((state) => state.selected)
  const selectedVm = useSelectionStore((state) => state.vm)
  const panel = useSelectionStore((state) => state.panel)
  const hostNames = useMemo(() => hosts.map((host) => host.name), [hosts])
  const hostStatus = useMemo(
    () =>
      Object.fromEntries(Object.values(states).map((state) => [state.name, state.status])) as Record<
        string,
        HostStatus
      >,
    [states],
  )
  // Keys as the tree builds them; a VM is selected under whichever host shows it.
  const selected = selectedHost ? `host:${selectedHost}` : null

  function onSelect(row: TreeRow): void {
    if (row.kind === 'host') selectHost(row.host)
    else if (row.kind === 'vm') useSelectionStore.getState().selectVm(row.vm.uuid)
  }

  return (
    <nav className="sidebar" aria-label={t('sidebar.cluster')}>
      <h2>{t('sidebar.hosts')}</h2>
      {hosts.length === 0 ? (
        <p className="muted">{t('sidebar.noHosts')}</p>
      ) : (
        <ClusterTree
          hostNames={hostNames}
          hostStatus={hostStatus}
          selected={selected}
          selectedVm={selectedVm}
          onSelect={onSelect}
        />
      )}
      <h2>{t('sidebar.cluster')}</h2>
      <ul className="panel-links">
        {(['storage', 'ceph'] as const).map((name) => (
          <li key={name}>
            <button
              className={`link${panel === name ? ' current' : ''}`}
              aria-current={panel === name ? 'page' : undefined}
              onClick={() => useSelectionStore.getState().showPanel(name)}
              data-testid={`show-${name}`}
            >
              {t(`sidebar.${name}`)}
            </button>
          </li>
        ))}
      </ul>
      {(selectedHost !== null || selectedVm !== null || panel !== null) && (
        <button className="link small" onClick={() => selectHost(null)} data-testid="show-config">
          {t('sidebar.clusterFile')}
        </button>
      )}
    </nav>
  )
}
