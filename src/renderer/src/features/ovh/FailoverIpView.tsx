import { useCallback, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Message } from '../../../../shared/messages'
import {
  badgesOf,
  FAILOVER_BADGE_LEVELS,
  type FailoverBadge,
  type FailoverView,
} from '../../../../shared/ovh'
import { useApi } from '../../api/context'
import { Data } from '../../components/Data'
import { ErrorBox } from '../../components/ErrorBox'
import { useMessage } from '../../components/MessageText'
import { formatClock } from '../../format'
import { useAppStore } from '../../store'
import { HostServers } from './HostServers'
import { OvhCredentialsDialog } from './OvhCredentialsDialog'
import { useRead } from './use-read'
import './ovh.css'

type Block = FailoverView['blocks'][number]
type Address = Block['addresses'][number]

/** A badge as a core message (area `failoverBadges`), rendered in the window's language. */
export function badgeMessage(badge: FailoverBadge): Message {
  return { code: `failoverBadges.${badge.code}`, params: badge.params } as Message
}

/**
 * The failover IP view (issue 20): every failover block of the OVH account, the server it routes to
 * and the host that is that server, its virtual MACs, the VMs whose settings claim its addresses, the
 * hosts whose firewall lists them — and the badges the core judged (shared/ovh.ts failoverBadges),
 * worst first. Read once when opened and on demand (each read asks OVH and every host's firewall).
 */
export function FailoverIpView() {
  const { t } = useTranslation()
  const api = useApi()
  const [credentials, setCredentials] = useState(false)
  const reader = useCallback(() => api.call('ovh.failoverView', {}), [api])
  const { value: view, readAt, error, loading, read } = useRead(reader)

  return (
    <section className="panel ovh" data-testid="failover-view">
      <div className="panel-title">
        <h1>{t('failoverIps.title')}</h1>
        <div>
          {view && (
            <span className="muted small" data-testid="failover-read-at">
              {t('failoverIps.readAt', { time: formatClock(readAt), endpoint: view.endpoint })}
            </span>
          )}{' '}
          <button onClick={() => setCredentials(true)} data-testid="ovh-credentials-open">
            {t('failoverIps.credentials')}
          </button>{' '}
          <button onClick={() => void read()} disabled={loading} data-testid="failover-refresh">
            {t('failoverIps.refresh')}
          </button>
        </div>
      </div>
      <p className="muted">{t('failoverIps.intro')}</p>
      {error?.code === 'ovh.not-configured' ? (
        <div className="error-box" role="alert" data-testid="failover-error" data-code={error.code}>
          <strong>{t('failoverIps.notConfigured')}</strong>
          <p>{t('failoverIps.notConfiguredFix')}</p>
          <button onClick={() => setCredentials(true)} data-testid="ovh-credentials-fix">
            {t('failoverIps.credentials')}
          </button>
        </div>
      ) : (
        error && <ErrorBox title={t('failoverIps.unreachable')} error={error} testId="failover-error" />
      )}
      {!view && !error && <p className="muted">{t('failoverIps.loading')}</p>}
      {view && <FailoverContent view={view} />}
      {credentials && (
        <OvhCredentialsDialog
          onClose={() => {
            setCredentials(false)
            void read()
          }}
        />
      )}
    </section>
  )
}

function FailoverContent({ view }: { view: FailoverView }) {
  const { t } = useTranslation()
  const render = useMessage()
  const ordered = useMemo(
    () =>
      [...view.badges].sort(
        (a, b) =>
          (FAILOVER_BADGE_LEVELS[a.code] === 'fail' ? 0 : 1) -
          (FAILOVER_BADGE_LEVELS[b.code] === 'fail' ? 0 : 1),
      ),
    [view.badges],
  )
  return (
    <>
      <h2>{t('failoverIps.problems')}</h2>
      {ordered.length === 0 ? (
        <p className="ovh-good" data-testid="failover-healthy">
          {t('failoverIps.noProblems')}
        </p>
      ) : (
        <ul className="ovh-badges" data-testid="failover-badges">
          {ordered.map((badge, index) => (
            <li key={`${badge.code}-${badge.ip}-${index}`} data-badge={badge.code} data-ip={badge.ip}>
              <LevelTag badge={badge} /> {render(badgeMessage(badge))}
            </li>
          ))}
        </ul>
      )}
      {view.firewallUnread.length > 0 && (
        <p className="ovh-warn" data-testid="failover-firewall-unread">
          {t('failoverIps.unreadFirewall', { hosts: view.firewallUnread })}
        </p>
      )}
      {view.blocks.length === 0 ? (
        <p className="muted" data-testid="failover-no-blocks">
          {t('failoverIps.noBlocks')}
        </p>
      ) : (
        view.blocks.map((block) => <BlockTable key={block.block} view={view} block={block} />)
      )}
      <HostServers hosts={view.hosts} />
    </>
  )
}

function LevelTag({ badge }: { badge: FailoverBadge }) {
  const { t } = useTranslation()
  const level = FAILOVER_BADGE_LEVELS[badge.code]
  return <span className={`ovh-level ovh-level-${level}`}>{t(`failoverIps.levels.${level}`)}</span>
}

function BlockTable({ view, block }: { view: FailoverView; block: Block }) {
  const { t } = useTranslation()
  const render = useMessage()
  const used = block.addresses.filter(
    (address) => address.vms.length > 0 || address.virtualMacs.length > 0 || address.firewallHosts.length > 0,
  )
  const unused = block.addresses.length - used.length
  const blockBadges = badgesOf(view, block.block)
  return (
    <section className="ovh-block" data-testid="failover-block" data-block={block.block}>
      <h2>
        {t('failoverIps.block')} <Data>{block.block}</Data>
      </h2>
      <p>
        {t('failoverIps.routedTo')}{' '}
        {block.routedTo ? (
          <>
            <Data className="ovh-server">{block.routedTo}</Data>{' '}
            <span className="muted">
              (
              {block.routedHost ? (
                <>
                  {t('failoverIps.routedHost')} <Data>{block.routedHost}</Data>
                </>
              ) : (
                t('failoverIps.noHostForServer')
              )}
              )
            </span>
          </>
        ) : (
          <span className="muted">{t('failoverIps.notRouted')}</span>
        )}
      </p>
      {blockBadges.length > 0 && (
        <ul className="ovh-badges">
          {blockBadges.map((badge, index) => (
            <li key={index} data-badge={badge.code}>
              <LevelTag badge={badge} /> {render(badgeMessage(badge))}
            </li>
          ))}
        </ul>
      )}
      {used.length > 0 && (
        <table className="ovh-table">
          <thead>
            <tr>
              <th>{t('failoverIps.address')}</th>
              <th>{t('failoverIps.vms')}</th>
              <th>{t('failoverIps.virtualMacs')}</th>
              <th>{t('failoverIps.firewall')}</th>
              <th>{t('failoverIps.badges')}</th>
            </tr>
          </thead>
          <tbody>
            {used.map((address) => (
              <AddressRow key={address.ip} view={view} address={address} />
            ))}
          </tbody>
        </table>
      )}
      {unused > 0 && (
        <p className="muted small" data-testid="failover-unused">
          {t('failoverIps.unused', { count: unused })}
        </p>
      )}
    </section>
  )
}

function AddressRow({ view, address }: { view: FailoverView; address: Address }) {
  const { t } = useTranslation()
  const render = useMessage()
  const select = useAppStore((state) => state.select)
  const inventories = useAppStore((state) => state.inventories)
  const badges = badgesOf(view, address.ip)
  const worst = badges[0] ? FAILOVER_BADGE_LEVELS[badges[0].code] : 'ok'
  const nicMacs = (uuid: string): string[] => {
    for (const inventory of Object.values(inventories)) {
      const definition = inventory.domains.find((domain) => domain.uuid === uuid)?.definition
      if (definition) return definition.nics.map((nic) => nic.mac)
    }
    return []
  }
  return (
    <tr className={`ovh-row-${worst}`} data-testid="failover-address" data-ip={address.ip} data-level={worst}>
      <td translate="no">{address.ip}</td>
      <td>
        {address.vms.length === 0
          ? t('failoverIps.none')
          : address.vms.map((vm) => {
              const macs = nicMacs(vm.uuid)
              return (
                <div key={vm.uuid}>
                  <button
                    className="link"
                    translate="no"
                    onClick={() => select({ kind: 'vm', uuid: vm.uuid })}
                    data-testid="failover-vm"
                  >
                    {vm.name}
                  </button>{' '}
                  <span className="muted small">
                    {vm.runningOn.length > 0
                      ? t('failoverIps.runsOn', { hosts: vm.runningOn.join(', ') })
                      : t('failoverIps.off')}
                    {macs.length > 0 && <> · {t('failoverIps.nicMacs', { macs: macs.join(', ') })}</>}
                  </span>
                </div>
              )
            })}
      </td>
      <td>
        {address.virtualMacs.length === 0
          ? t('failoverIps.none')
          : address.virtualMacs.map((mac) => (
              <div key={`${mac.macAddress}@${mac.server}`} translate="no">
                {mac.macAddress} <span className="muted small">@ {mac.server}</span>
              </div>
            ))}
      </td>
      <td translate="no">{address.firewallHosts.length === 0 ? '—' : address.firewallHosts.join(', ')}</td>
      <td>
        {badges.map((badge, index) => (
          <div key={index} className="ovh-inline-badge" data-badge={badge.code}>
            <LevelTag badge={badge} /> {render(badgeMessage(badge))}
          </div>
        ))}
      </td>
    </tr>
  )
}
