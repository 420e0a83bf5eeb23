import { z } from 'zod'
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useJobText } from '../jobs/job-title'
import { ApiError, type ApiErrorData } from '../../../../shared/errors'
import type { Job } from '../../../../shared/jobs'
import { MessageSchema } from '../../../../shared/messages/message'
import { DeleteVmResultSchema } from '../../../../shared/vmdef'
import { useApi } from '../../api/context'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import { Consent } from '../../components/Consent'
import { ErrorBox } from '../../components/ErrorBox'
import { MessageText } from '../../components/MessageText'
import { notifyInfo } from '../../components/notify'
import { TypedName, typedMatches } from '../../components/TypedName'
import { useAppStore } from '../../store'
import './vmdef.css'

/**
 * Deleting a VM (issue 19): refused here while it runs anywhere (the core refuses it too); its
 * definition removed from every host; its RBD disks deleted only when ticked, and their snapshots
 * purged only when that is ticked as well; the VM's name typed to confirm. The job's progress and,
 * on refusal, each reason in the user's language stay in the dialog.
 */
export function DeleteVmDialog({ uuid, onClose }: { uuid: string; onClose(): void }) {
  const { t } = useTranslation()
  const jobText = useJobText()
  const api = useApi()
  const vm = useAppStore((state) => state.vms.find((candidate) => candidate.uuid === uuid))
  const inventories = useAppStore((state) => state.inventories)
  const [typed, setTyped] = useState('')
  const [deleteImages, setDeleteImages] = useState(false)
  const [purge, setPurge] = useState(false)
  const [jobId, setJobId] = useState<string | null>(null)
  const [callError, setCallError] = useState<ApiErrorData | null>(null)
  const job = useAppStore((state) =>
    jobId ? state.jobs.find((candidate) => candidate.id === jobId) : undefined,
  )
  const name = vm?.name ?? job?.title ?? uuid

  const definition = (vm?.definedOn ?? [])
    .map((host) => inventories[host]?.domains.find((domain) => domain.uuid === uuid)?.definition)
    .find((found) => found !== undefined)
  const images = [
    ...new Set(
      (definition?.disks ?? []).flatMap((disk) =>
        disk.rbd && disk.device === 'disk' ? [`${disk.rbd.pool}/${disk.rbd.image}`] : [],
      ),
    ),
  ]
  const running = [...new Set([...(vm?.runningOn ?? []), ...(vm?.lastKnownRunningOn ?? [])])]
  const busy = job?.state === 'running'
  const result = DeleteVmResultSchema.safeParse(job?.result)
  const done = job?.state === 'succeeded' && result.success ? result.data : null

  // Deleted: the VM leaves the inventory (and its view); say what was done, then close.
  useEffect(() => {
    if (!done) return
    notifyInfo(
      [
        t('vmDelete.deleted', { name: done.name, hosts: done.undefinedOn.join(', ') }),
        done.imagesDeleted.length > 0
          ? t('vmDelete.imagesDeleted', { images: done.imagesDeleted.join(', ') })
          : '',
      ]
        .filter(Boolean)
        .join(' '),
    )
    onClose()
  }, [done, onClose, t])

  async function confirm(): Promise<void> {
    setCallError(null)
    try {
      const started = (await api.call('vm.delete', {
        uuid,
        confirmName: typed,
        deleteImages,
        purgeSnapshots: deleteImages && purge,
      })) as Job
      useAppStore.getState().updateJob(started)
      setJobId(started.id)
    } catch (caught) {
      setCallError(ApiError.from(caught).toData())
    }
  }

  const refusals = z.array(MessageSchema).safeParse(job?.error?.details?.['refusals'])
  return (
    <ConfirmDialog
      testId="vm-delete-dialog"
      title={t('vmDelete.title', { name })}
      confirmLabel={t('vmDelete.confirm')}
      confirmTestId="vm-delete-confirm"
      confirmDisabled={running.length > 0 || busy || !typedMatches(typed, name)}
      cancelLabel={t('vmDelete.cancel')}
      onCancel={() => {
        if (!busy) onClose()
      }}
      onConfirm={() => void confirm()}
    >
      <div className="vm-delete">
        <p>{t('vmDelete.explain', { hosts: (vm?.definedOn ?? []).join(', ') || '—' })}</p>
        {running.length > 0 && (
          <p className="warning" role="alert" data-testid="vm-delete-running">
            {t('vmDelete.running', { name, hosts: running.join(', ') })}
          </p>
        )}
        {images.length === 0 ? (
          <p className="muted">{t('vmDelete.noImages')}</p>
        ) : (
          <>
            <p>
              <Consent checked={deleteImages} onChange={setDeleteImages} testId="vm-delete-images">
                {t('vmDelete.images', { images: images.join(', ') })}
              </Consent>
            </p>
            {deleteImages ? (
              <p>
                <Consent checked={purge} onChange={setPurge} testId="vm-delete-purge">
                  {t('vmDelete.purge')}
                </Consent>
              </p>
            ) : (
              <p className="muted small">{t('vmDelete.imagesKept', { images: images.join(', ') })}</p>
            )}
          </>
        )}
        <TypedName
          label={t('vmDelete.typeName', { name })}
          value={typed}
          onChange={setTyped}
          testId="vm-delete-name"
          block
          autoFocus
        />
        {callError && <ErrorBox error={callError} testId="vm-delete-error" />}
        {job && (
          <div className={`job-status job-${job.state}`} data-testid="vm-delete-job" data-state={job.state}>
            {busy && (
              <>
                <strong>{t('vmDelete.deleting', { name })}</strong>
                {job.step && <span className="muted"> · {jobText.step(job)}</span>}
                <progress
                  max={1}
                  value={job.progress ?? undefined}
                  aria-label={t('vmDelete.deleting', { name })}
                />
              </>
            )}
            {job.state === 'failed' && job.error && (
              <>
                <ErrorBox title={t('vmDelete.failed')} error={job.error} testId="vm-delete-job-error" />
                {refusals.success && refusals.data.length > 0 && (
                  <ul data-testid="vm-delete-refusals">
                    {refusals.data.map((refusal, index) => (
                      <li key={`${refusal.code}:${index}`}>
                        <MessageText message={refusal} />
                      </li>
                    ))}
                  </ul>
                )}
              </>
            )}
          </div>
        )}
      </div>
    </ConfirmDialog>
  )
}
