import { useTranslation } from 'react-i18next'
import type { HostState } from '../../../../shared/hosts'
import { useAppStore } from '../../store'
import { formatNumber } from '../../format'
import { renderMessage } from '../../i18n/messages'

const MiB = 1024

/** What the host is (CPU, memory, versions, SSH key) and which VMs it runs or holds shut off. */
export function HostOverview({ state }: { state: HostState }) {
  const { t } = useTranslation()
  const inventory = useAppStore((store) => store.inventories[state.name])
  const select = useAppStore((store) => store.select)
  const facts = inventory?.facts
  const domains = [...(inventory?.domains ?? [])].sort(
    (a, b) => Number(b.state === 'running') - Number(a.state === 'running') || a.name.localeCompare(b.name),
  )
  const usedKiB =
    facts?.memoryTotalKiB !== undefined && facts.memoryFreeKiB !== undefined
      ? facts.memoryTotalKiB - facts.memoryFreeKiB
      : undefined
  const running = domains.filter((domain) => domain.state === 'running')
  const reservedKiB = running.reduce((sum, domain) => sum + (domain.memoryKiB ?? 0), 0)
  const vcpus = running.reduce((sum, domain) => sum + (domain.vcpus ?? 0), 0)

  return (
    <>
      <h2>{t('hostView.resources')}</h2>
      {!facts || Object.keys(facts).length === 0 ? (
        <p className="muted">{t('hostView.notRead')}</p>
      ) : (
        <dl className="facts" data-testid="host-resources">
          <dt>{t('hostView.cpu')}</dt>
          <dd>
            {t('hostView.cpuValue', {
              count: facts.cpus ?? 0,
              model: facts.cpuModel ?? '?',
              mhz: facts.mhz ?? '?',
            })}
            <span className="muted small"> · {t('hostView.vcpusRunning', { count: vcpus })}</span>
          </dd>
          <dt>{t('hostView.memory')}</dt>
          <dd>
            {t('hostView.memoryValue', {
              used: mib(usedKiB),
              total: mib(facts.memoryTotalKiB),
              available: mib(facts.memoryFreeKiB),
            })}
            <span className="muted small"> · {t('hostView.memoryVms', { mib: mib(reservedKiB) })}</span>
          </dd>
          <dt>{t('hostView.software')}</dt>
          <dd data-testid="host-software" translate="no">
            {facts.hostname && <>{facts.hostname} · </>}
            libvirt {facts.libvirtVersion ?? '?'} · {facts.hypervisorVersion ?? '?'}
          </dd>
          <dt>{t('hostView.hostKey')}</dt>
          <dd data-testid="host-fingerprint">
            {state.hostKey ? (
              <>
                <code translate="no">
                  {state.hostKey.type} {state.hostKey.fingerprint}
                </code>
                {/* A key the app refused (unknown, changed) is only what the host offered: never "verified". */}
                {state.status === 'key-unknown' || state.status === 'key-changed' ? (
                  <div className="warning small" data-testid="host-key-unverified">
                    {t('hostView.hostKeyOffered', { status: t(`hosts.status.${state.status}`) })}
                  </div>
                ) : (
                  <div className="muted small">{t('hostView.hostKeyHelp')}</div>
                )}
              </>
            ) : (
              <span className="muted">{t('hostView.hostKeyUnknown')}</span>
            )}
          </dd>
        </dl>
      )}
      {inventory && !inventory.reachable && inventory.error && (
        <p className="muted small">
          {t('hostView.stale', {
            error: inventory.errorText ? renderMessage(t, inventory.errorText) : inventory.error,
          })}
        </p>
      )}

      <h2>{t('hostView.vms', { count: domains.length })}</h2>
      {domains.length === 0 ? (
        <p className="muted">{t('hostView.noVms')}</p>
      ) : (
        <table className="table" data-testid="host-vms">
          <thead>
            <tr>
              <th>{t('hostView.vm')}</th>
              <th>{t('hostView.state')}</th>
              <th>{t('vm.vcpus')}</th>
              <th>{t('vm.memory')}</th>
            </tr>
          </thead>
          <tbody>
            {domains.map((domain) => (
              <tr key={domain.uuid} data-testid={`host-vm-${domain.name}`} data-state={domain.state}>
                <td>
                  <button
                    className="link"
                    translate="no"
                    onClick={() => select({ kind: 'vm', uuid: domain.uuid })}
                  >
                    {domain.name}
                  </button>
                  {domain.autostart && <span className="muted small"> · {t('hostView.autostart')}</span>}
                  {domain.managedSave && (
                    <span className="badge-inline danger"> {t('hostView.managedSave')}</span>
                  )}
                </td>
                <td>{t(`vmState.${domain.state}`, { defaultValue: domain.state })}</td>
                <td translate="no">{domain.vcpus ?? domain.definition?.vcpus ?? '—'}</td>
                <td>{t('hostView.mib', { value: mib(domain.memoryKiB ?? domain.definition?.memoryKiB) })}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  )
}

/** KiB as a whole number of MiB, written in the UI's language ("2 396" in French). */
function mib(kib: number | undefined): string {
  return kib === undefined ? '?' : formatNumber(Math.round(kib / MiB))
}
