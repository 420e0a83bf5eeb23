import { useEffect } from 'react'
import { useTranslation } from 'react-i18next'
import type { Job } from '../../../../shared/jobs'
import { EjectMediaResultSchema } from '../../../../shared/iso'
import type { Message } from '../../../../shared/messages/message'
import { useApi } from '../../api/context'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import { ErrorBox } from '../../components/ErrorBox'
import { useMessage } from '../../components/MessageText'
import { notifyInfo } from '../../components/notify'
import { useAppStore } from '../../store'
import { loadedIsos } from './loaded-isos'
import { SheetJobStatus, useSheetJob } from './SheetJob'
import './vmdef.css'

/**
 * Ejecting a VM's install medium (issue 19): the core's vm.ejectMedia job empties the CD-ROM in the
 * definition on every host, and on the running VM where libvirt lets it. Opened from the VM view and
 * from a migration refused because the ISO is missing on the destination (`onDone` checks again).
 */
export function EjectCdromDialog({
  uuid,
  onClose,
  onDone,
}: {
  uuid: string
  onClose(): void
  onDone?(): void
}) {
  const { t } = useTranslation()
  const render = useMessage()
  const api = useApi()
  const vm = useAppStore((state) => state.vms.find((candidate) => candidate.uuid === uuid))
  const inventories = useAppStore((state) => state.inventories)
  const sheetJob = useSheetJob()
  const { job, startError } = sheetJob
  const name = vm?.name ?? uuid
  const isos = loadedIsos(vm, inventories)
  const runningOn = vm?.runningOn[0]
  const busy = job?.state === 'running'
  const result = EjectMediaResultSchema.safeParse(job?.result)
  const done = job?.state === 'succeeded' && result.success ? result.data : null

  useEffect(() => {
    if (!done) return
    const said: Message[] = [
      {
        code: 'iso.ejected',
        params: { name: done.name, targets: done.targets, hosts: done.persistentOn },
      },
      ...(done.liveOn ? [{ code: 'iso.ejectedLive', params: { host: done.liveOn } } as Message] : []),
      ...(done.liveError !== undefined && runningOn
        ? [{ code: 'iso.ejectLiveRefused', params: { host: runningOn, name: done.name } } as Message]
        : []),
    ]
    notifyInfo(said.map(render).join(' '))
    onDone?.()
    onClose()
  }, [done, onClose, onDone, render, runningOn])

  return (
    <ConfirmDialog
      testId="vm-eject-dialog"
      title={t('vmEject.title', { name })}
      confirmLabel={t('vmEject.confirm')}
      confirmTestId="vm-eject-confirm"
      confirmDisabled={busy || isos.length === 0}
      cancelLabel={t('vmEject.cancel')}
      danger={false}
      onCancel={() => {
        if (!busy) onClose()
      }}
      onConfirm={() => void sheetJob.start(async () => (await api.call('vm.ejectMedia', { uuid })) as Job)}
    >
      <div className="vm-delete">
        <p>
          {t('vmEject.explain', {
            name,
            isos: isos.join(', ') || '—',
            hosts: (vm?.definedOn ?? []).join(', ') || '—',
          })}
        </p>
        {runningOn && <p data-testid="vm-eject-live">{t('vmEject.live', { name, host: runningOn })}</p>}
        {startError && <ErrorBox error={startError} testId="vm-eject-error" />}
        {job && (
          <SheetJobStatus
            job={job}
            prefix="vm-eject"
            running={t('vmEject.ejecting', { name })}
            failedTitle={t('vmEject.failed')}
          />
        )}
      </div>
    </ConfirmDialog>
  )
}
