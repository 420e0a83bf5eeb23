import { useTranslation } from 'react-i18next'
import type { DoctorReport as Report } from '../../../../shared/hosts'
import { CheckList } from '../../components/CheckList'
import { Data } from '../../components/Data'
import { formatClock } from '../../format'
import type { en } from '../../i18n/en'

type DoctorCheckId = keyof typeof en.hosts.checks

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
      <CheckList
        checks={report.checks}
        testId="doctor-checks"
        // A check this window has no name for (a newer core) shows its id.
        label={(check) => t(`hosts.checks.${check.id as DoctorCheckId}`, { defaultValue: check.id })}
      />
    </>
  )
}
