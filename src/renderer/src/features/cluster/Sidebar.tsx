import { useCallback, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { hostHealth, type HostHealth } from '../../../../shared/host-health'
import { useAppStore } from '../../store'
import { LazyPart, lazyPart } from '../../components/LazyPart'
import { ClusterTree } from './ClusterTree'
import type { TreeRow } from './tree-rows'

// The wizard is loaded when first opened (issue 23 item 5).
const CreateVmWizard = lazyPart(async () => (await import('../vmdef/CreateVmWizard')).CreateVmWizard)

// A constant fallback: a new [] on every call would make zustand re-render forever.
const NO_HOSTS: never[] = []

/** The cluster tree: hosts with their connection state and the VMs running on each. */
export function Sidebar() {
  const { t } = useTranslation()
  const hosts = useAppStore((state) => state.config?.hosts ?? NO_HOSTS)
  // Until the core has sent the cluster file, "no hypervisor configured" would be a guess.
  const configKnown = useAppStore((state) => state.config !== null)
  const states = useAppStore((state) => state.hostStates)
  const view = useAppStore((state) => state.view)
  const select = useAppStore((state) => state.select)
  const selectedHost = view.kind === 'host' ? view.host : null
  const selectedVm = view.kind === 'vm' ? view.uuid : null
  const [creating, setCreating] = useState(false)
  const hostNames = useMemo(() => hosts.map((host) => host.name), [hosts])
  const hostStatus = useMemo(
    () =>
      Object.fromEntries(Object.values(states).map((state) => [state.name, hostHealth(state)])) as Record<
        string,
        HostHealth
      >,
    [states],
  )
  // Keys as the tree builds them; a VM is selected under whichever host shows it.
  const selected = selectedHost ? `host:${selectedHost}` : null

  // Stable: the tree's rows are memoized on it.
  const onSelect = useCallback(
    (row: TreeRow): void => {
      if (row.kind === 'host') select({ kind: 'host', host: row.host })
      else if (row.kind === 'vm') select({ kind: 'vm', uuid: row.vm.uuid })
    },
    [select],
  )

  return (
    <nav className="sidebar" aria-label={t('sidebar.cluster')}>
      <h2>{t('sidebar.hosts')}</h2>
      {!configKnown ? (
        <p className="muted">{t('link.waiting')}</p>
      ) : hosts.length === 0 ? (
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
        {(['storage', 'ceph', 'failoverIps', 'hostFirewall'] as const).map((name) => (
          <li key={name}>
            <button
              className={`link${view.kind === name ? ' current' : ''}`}
              aria-current={view.kind === name ? 'page' : undefined}
              onClick={() => select({ kind: name })}
              data-testid={`show-${name}`}
            >
              {t(`sidebar.${name}`)}
            </button>
          </li>
        ))}
        {hosts.length > 0 && (
          <li>
            <button className="link" onClick={() => setCreating(true)} data-testid="open-vm-create">
              {t('vmWizard.open')}
            </button>
          </li>
        )}
      </ul>
      {creating && (
        <LazyPart>
          <CreateVmWizard onClose={() => setCreating(false)} />
        </LazyPart>
      )}
      {view.kind !== 'config' && (
        <button className="link small" onClick={() => select({ kind: 'config' })} data-testid="show-config">
          {t('sidebar.clusterFile')}
        </button>
      )}
    </nav>
  )
}
