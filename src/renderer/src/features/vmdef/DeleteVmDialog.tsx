import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Job } from '../../../../shared/jobs'
import { DeleteVmResultSchema } from '../../../../shared/vmdef'
import { useApi } from '../../api/context'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import { Consent } from '../../components/Consent'
import { ErrorBox } from '../../components/ErrorBox'
import { notifyInfo } from '../../components/notify'
import { TypedName, typedMatches } from '../../components/TypedName'
import { useAppStore } from '../../store'
import { SheetJobStatus, useSheetJob } from './SheetJob'
import './vmdef.css'

/**
 * Deleting a VM (issue 19): refused here while it runs anywhere (the core refuses it too); its
 * definition removed from every host; its RBD disks deleted only when ticked, and their snapshots
 * purged only when that is ticked as well; the VM's name typed to confirm. The job's progress and,
 * on refusal, each reason in the user's language stay in the dialog.
 */
export function DeleteVmDialog({ uuid, onClose }: { uuid: string; onClose(): void }) {
  const { t } = useTranslation()
  const api = useApi()
  const vm = useAppStore((state) => state.vms.find((candidate) => candidate.uuid === uuid))
  const inventories = useAppStore((state) => state.inventories)
  const [typed, setTyped] = useState('')
  const [deleteImages, setDeleteImages] = useState(false)
  const [purge, setPurge] = useState(false)
  const sheetJob = useSheetJob()
  const { job, startError: callError } = sheetJob
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
    await sheetJob.start(
      async () =>
        (await api.call('vm.delete', {
          uuid,
          confirmName: typed,
          deleteImages,
          purgeSnapshots: deleteImages && purge,
        })) as Job,
    )
  }

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
          <SheetJobStatus
            job={job}
            prefix="vm-delete"
            running={t('vmDelete.deleting', { name })}
            failedTitle={t('vmDelete.failed')}
          />
        )}
      </div>
    </ConfirmDialog>
  )
}
