import { useTranslation } from 'react-i18next'
import type { DoctorReport as Report } from '../../../../shared/hosts'
import { Data } from '../../components/Data'
import { formatClock } from '../../format'

const CHECK_ICONS = { ok: '✔', warn: '⚠', fail: '✖', unknown: '?' } as const

/** A host doctor's report: versions, then each check with its result and exact fix (host view, first run). */
export function DoctorReport({ report }: { report: Report | undefined }) {
  const { t } = useTranslation()
  if (!report) return <p className="muted">{t('hosts.noReport')}</p>
  return (
    <>
      <p className="muted small" data-testid="doctor-versions">
        <Data>
          libvirt {report.versions.libvirt ?? '?'} · QEMU {report.versions.qemu ?? '?'} · Ceph{' '}
          {report.versions.ceph ?? '?'} · OpenSSH {report.versions.openssh ?? '?'}
        </Data>{' '}
        — {t('hosts.checkedAt', { time: formatClock(Date.parse(report.checkedAt)) })}
      </p>
      <table className="table" data-testid="doctor-checks">
        <thead>
          <tr>
            <th>{t('hosts.check')}</th>
            <th>{t('hosts.result')}</th>
          </tr>
        </thead>
        <tbody>
          {report.checks.map((check) => (
            <tr key={check.id} data-check={check.id} data-status={check.status}>
              <td className={`check-${check.status}`}>
                {CHECK_ICONS[check.status]} {t(`hosts.checks.${check.id}`, { defaultValue: check.id })}
                <div className="muted small">{t(`hosts.checkStatus.${check.status}`)}</div>
              </td>
              <td>
                <div>{check.summary}</div>
                {check.detail && check.status !== 'ok' && <div className="muted small">{check.detail}</div>}
                {check.fix && (
                  <>
                    <div className="small">{t('hosts.fix')}</div>
                    <pre className="fix">{check.fix}</pre>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  )
}
