import { useTranslation } from 'react-i18next'
import type { DoctorReport as Report } from '../../../../shared/hosts'
import { CheckList } from '../../components/CheckList'
import { Data } from '../../components/Data'
import { formatClock } from '../../format'
import { en } from '../../i18n/en'

const isDoctorCheckId = (id: string): id is keyof typeof en.hosts.checks => Object.hasOwn(en.hosts.checks, id)

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
        label={(check) => (isDoctorCheckId(check.id) ? t(`hosts.checks.${check.id}`) : check.id)}
      />
    </>
  )
}
