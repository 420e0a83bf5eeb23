import { useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { CephStatus, HealthStatus, Osd } from '../../../../shared/ceph'
import { ApiError, type ApiErrorData } from '../../../../shared/errors'
import { useApi } from '../../api/context'
import { formatClock, formatKiB, formatNumber, formatPercent } from '../../format'
import { Data } from '../../components/Data'
import { ErrorBox } from '../../components/ErrorBox'
import './ceph.css'

/** Read again this often while the panel is open (each read is six `ceph` calls on one host). */
const REFRESH_MS = 15_000
const TWO_DECIMALS = { minimumFractionDigits: 2, maximumFractionDigits: 2 }

const bytes = (value: number) => formatKiB(value / 1024)

/**
 * The Ceph panel: health and its checks in plain words, flags with noout set/unset (a refusal shows
 * the exact caps or sudo rule), the OSD tree by CRUSH root and host, monitors and quorum, pool
 * usage and PG states. Read with the configured client on an online host, every 15 s.
 */
export function CephView() {
  const { t } = useTranslation()
  const api = useApi()
  const [status, setStatus] = useState<CephStatus | null>(null)
  const [error, setError] = useState<ApiErrorData | null>(null)
  const [loading, setLoading] = useState(false)

  const read = useCallback(async () => {
    setLoading(true)
    try {
      setStatus(await api.call('ceph.status', {}))
      setError(null)
    } catch (failure) {
      setError(ApiError.from(failure).toData())
    } finally {
      setLoading(false)
    }
  }, [api])

  useEffect(() => {
    void read()
    const timer = setInterval(() => void read(), REFRESH_MS)
    return () => clearInterval(timer)
  }, [read])

  return (
    <section className="panel ceph" data-testid="ceph-view">
      <div className="panel-title">
        <h1>
          {t('ceph.title')} {status && <HealthBadge health={status.health} />}
        </h1>
        <div>
          {status && (
            <span className="muted small" data-testid="ceph-read-on">
              {t('ceph.readOn', {
                host: status.host,
                time: formatClock(status.fetchedAt),
                client: status.readAs,
              })}
            </span>
          )}{' '}
          <button onClick={() => void read()} disabled={loading} data-testid="ceph-refresh">
            {t('ceph.refresh')}
          </button>
        </div>
      </div>
      {error && <ErrorBox title={t('ceph.unreachable')} error={error} testId="ceph-error" />}
      {!status && !error && <p className="muted">{t('ceph.loading')}</p>}
      {status && (
        <>
          <Health status={status} />
          <Flags status={status} onChanged={read} />
          <OsdTree osds={status.osds} />
          <Monitors status={status} />
          <Pools status={status} />
        </>
      )}
    </section>
  )
}

function HealthBadge({ health }: { health: HealthStatus }) {
  const { t } = useTranslation()
  return (
    <span className={`ceph-health ceph-${health}`} data-testid="ceph-health" data-health={health}>
      {t(`ceph.status.${health}`)}
    </span>
  )
}

function Health({ status }: { status: CephStatus }) {
  const { t } = useTranslation()
  return (
    <>
      <h2>{t('ceph.health')}</h2>
      {status.checks.length === 0 ? (
        <p className="ceph-good">{t('ceph.healthy')}</p>
      ) : (
        <ul className="ceph-checks" data-testid="ceph-checks">
          {status.checks.map((check) => (
            <li key={check.code} className={`ceph-check ceph-${check.severity}`} data-check={check.code}>
              <div>
                <HealthBadge health={check.severity} /> {/* What Ceph said, in its words. */}
                <strong translate="no" lang="en">
                  {check.summary}
                </strong>{' '}
                <code translate="no" className="muted small">
                  {check.code}
                </code>
              </div>
              <div>{t(`ceph.checks.${check.code}`, { defaultValue: check.explanation })}</div>
              {check.detail.length > 0 && (
                <details>
                  <summary className="small">{t('ceph.details', { count: check.detail.length })}</summary>
                  <pre className="ceph-detail" translate="no" lang="en">
                    {check.detail.join('\n')}
                  </pre>
                </details>
              )}
            </li>
          ))}
        </ul>
      )}
    </>
  )
}

function Flags({ status, onChanged }: { status: CephStatus; onChanged: () => Promise<void> }) {
  const { t } = useTranslation()
  const api = useApi()
  const [busy, setBusy] = useState(false)
  const [refusal, setRefusal] = useState<ApiErrorData | null>(null)
  const noout = status.flags.includes('noout')

  async function change(set: boolean, node?: string): Promise<void> {
    setBusy(true)
    setRefusal(null)
    try {
      await api.call('ceph.setFlag', { flag: 'noout', set, host: status.host, ...(node ? { node } : {}) })
      await onChanged()
    } catch (failure) {
      setRefusal(ApiError.from(failure).toData())
    } finally {
      setBusy(false)
    }
  }

  const { mode, client } = status.privilege
  return (
    <>
      <h2>{t('ceph.flags')}</h2>
      <div className="ceph-flags" data-testid="ceph-flags">
        {status.flags.length === 0 && status.groupFlags.length === 0 && (
          <span className="muted">{t('ceph.noFlags')}</span>
        )}
        {status.flags.map((flag) => (
          <span key={flag} className="ceph-flag" data-flag={flag} translate="no">
            {flag}
          </span>
        ))}
        {status.groupFlags.map((group) =>
          group.flags.map((flag) => (
            <span key={`${group.node}:${flag}`} className="ceph-flag" data-flag={`${flag}@${group.node}`}>
              {t('ceph.flagOnNode', { flag, node: group.node })}{' '}
              {flag === 'noout' && (
                <button className="link small" disabled={busy} onClick={() => void change(false, group.node)}>
                  {t('ceph.unsetNoout')}
                </button>
              )}
            </span>
          )),
        )}
        <button disabled={busy} onClick={() => void change(!noout)} data-testid="ceph-noout-toggle">
          {noout ? t('ceph.unsetNoout') : t('ceph.setNoout')}
        </button>
      </div>
      <p className="muted small">
        {t('ceph.nooutHelp')} {t(`ceph.privilege.${mode}`, { client })}
      </p>
      {refusal && <ErrorBox title={t('ceph.refused')} error={refusal} testId="ceph-refusal" />}
    </>
  )
}

function OsdTree({ osds }: { osds: Osd[] }) {
  const { t } = useTranslation()
  const weight = (value: number) => formatNumber(value, TWO_DECIMALS)
  const up = osds.filter((osd) => osd.up).length
  const inside = osds.filter((osd) => osd.in).length
  // Sorted by root then CRUSH host, so each host's OSDs sit together under their root.
  const rows = [...osds].sort(
    (a, b) =>
      (a.root ?? '').localeCompare(b.root ?? '') || (a.host ?? '').localeCompare(b.host ?? '') || a.id - b.id,
  )
  return (
    <>
      <h2>
        {t('ceph.osds')}{' '}
        <span className="muted small">{t('ceph.osdSummary', { up, in: inside, total: osds.length })}</span>
      </h2>
      <table className="table" data-testid="ceph-osds">
        <thead>
          <tr>
            <th>{t('ceph.root')}</th>
            <th>{t('ceph.crushHost')}</th>
            <th>{t('ceph.osd')}</th>
            <th>{t('ceph.deviceClass')}</th>
            <th>{t('ceph.state')}</th>
            <th>{t('ceph.weight')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((osd, index) => {
            const previous = rows[index - 1]
            return (
              <tr key={osd.id} data-osd={osd.id} data-up={osd.up} className={osd.up ? '' : 'ceph-row-down'}>
                <td translate="no">{previous?.root === osd.root ? '' : (osd.root ?? '–')}</td>
                <td translate="no">
                  {previous?.host === osd.host && previous?.root === osd.root ? '' : (osd.host ?? '–')}
                </td>
                <td translate="no">{osd.name}</td>
                <td translate="no">{osd.deviceClass ?? '–'}</td>
                <td>
                  <span className={osd.up ? 'ceph-good' : 'ceph-bad'}>
                    {osd.up ? t('ceph.up') : t('ceph.down')}
                  </span>
                  {' · '}
                  <span className={osd.in ? '' : 'ceph-warn'}>{osd.in ? t('ceph.in') : t('ceph.out')}</span>
                </td>
                <td translate="no">
                  {weight(osd.crushWeight)} <span className="muted small">×{weight(osd.reweight)}</span>
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </>
  )
}

function Monitors({ status }: { status: CephStatus }) {
  const { t } = useTranslation()
  const inQuorum = status.monitors.filter((mon) => mon.inQuorum).length
  return (
    <>
      <h2>
        {t('ceph.monitors')}{' '}
        <span className="muted small">
          {t('ceph.quorumSummary', { count: inQuorum, total: status.monitors.length })}
        </span>
      </h2>
      <table className="table" data-testid="ceph-monitors">
        <thead>
          <tr>
            <th>{t('ceph.monitor')}</th>
            <th>{t('ceph.address')}</th>
            <th>{t('ceph.quorum')}</th>
          </tr>
        </thead>
        <tbody>
          {status.monitors.map((mon) => (
            <tr key={mon.name}>
              <td translate="no">{mon.name}</td>
              <td translate="no">{mon.address}</td>
              <td className={mon.inQuorum ? 'ceph-good' : 'ceph-bad'}>
                {mon.inQuorum ? t('ceph.inQuorum') : t('ceph.outOfQuorum')}
                {mon.leader && <span className="muted small"> ({t('ceph.leader')})</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  )
}

function Pools({ status }: { status: CephStatus }) {
  const { t } = useTranslation()
  return (
    <>
      <h2>
        {t('ceph.pools')}{' '}
        <span className="muted small">
          {t('ceph.rawUsage', { used: bytes(status.usedBytes), total: bytes(status.totalBytes) })}
        </span>
      </h2>
      <table className="table" data-testid="ceph-pools">
        <thead>
          <tr>
            <th>{t('ceph.pool')}</th>
            <th>{t('ceph.stored')}</th>
            <th>{t('ceph.objects')}</th>
            <th>{t('ceph.used')}</th>
            <th>{t('ceph.available')}</th>
          </tr>
        </thead>
        <tbody>
          {status.pools.map((pool) => (
            <tr key={pool.id}>
              <td translate="no">{pool.name}</td>
              <td translate="no">{bytes(pool.storedBytes)}</td>
              <td translate="no">{formatNumber(pool.objects)}</td>
              <td>
                <meter min={0} max={1} value={pool.percentUsed} />{' '}
                <Data>{formatPercent(pool.percentUsed)}</Data>
              </td>
              <td translate="no">{bytes(pool.maxAvailBytes)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>
        {t('ceph.pgs')}{' '}
        <span className="muted small">{t('ceph.pgSummary', { total: status.pgs.total })}</span>
      </h2>
      <ul className="ceph-pgs" data-testid="ceph-pgs">
        {status.pgs.byState.map((entry) => (
          <li key={entry.state} className={entry.state === 'active+clean' ? 'ceph-good' : 'ceph-warn'}>
            <Data>
              {formatNumber(entry.count)} {entry.state}
            </Data>
          </li>
        ))}
      </ul>
    </>
  )
}
