import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Job } from '../../../../shared/jobs'
import { RenameVmResultSchema } from '../../../../shared/vmdef'
import { VmNameSchema } from '../../../../shared/validators'
import { useApi } from '../../api/context'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import { Consent } from '../../components/Consent'
import { ErrorBox } from '../../components/ErrorBox'
import { notifyInfo } from '../../components/notify'
import { useAppStore } from '../../store'
import { nameIssue } from '../../../../shared/names'
import { SheetJobStatus, useSheetJob } from './SheetJob'
import './vmdef.css'

/**
 * Renaming a VM (issue 19 item 4) through the core's vm.rename job: offered while it is off on every
 * host (the core refuses otherwise too), the new name checked as the wizard checks one, and the job's
 * refusals (snapshot metadata, watchers, a name taken…) shown in the user's language.
 */
export function RenameVmDialog({ uuid, onClose }: { uuid: string; onClose(): void }) {
  const { t } = useTranslation()
  const api = useApi()
  const vm = useAppStore((state) => state.vms.find((candidate) => candidate.uuid === uuid))
  const vms = useAppStore((state) => state.vms)
  const [newName, setNewName] = useState('')
  const [renameImages, setRenameImages] = useState(true)
  const sheetJob = useSheetJob()
  const { job, startError: callError } = sheetJob
  const busy = job?.state === 'running'
  const name = vm?.name ?? uuid
  const running = [...new Set([...(vm?.runningOn ?? []), ...(vm?.lastKnownRunningOn ?? [])])]
  const issue = newName === '' ? null : nameIssue(newName)
  const taken = vms.some((other) => other.uuid !== uuid && other.name === newName)
  const problem =
    issue === null
      ? taken
        ? t('vmWizard.nameRule.taken', { name: newName })
        : newName === name
          ? t('vmRename.same')
          : null
      : issue.rule === 'tooLong'
        ? t('vmWizard.nameRule.tooLong', { max: String(issue.max) })
        : issue.rule === 'character'
          ? t('vmWizard.nameRule.character', { character: issue.character === ' ' ? '␠' : issue.character })
          : t(`vmWizard.nameRule.${issue.rule}`)
  const result = RenameVmResultSchema.safeParse(job?.result)
  const done = job?.state === 'succeeded' && result.success ? result.data : null

  useEffect(() => {
    if (!done) return
    notifyInfo(t('vmRename.done', { name: done.oldName, newName: done.name }))
    onClose()
  }, [done, onClose, t])

  async function confirm(): Promise<void> {
    await sheetJob.start(async () => (await api.call('vm.rename', { uuid, newName, renameImages })) as Job)
  }

  return (
    <ConfirmDialog
      testId="vm-rename-dialog"
      title={t('vmRename.title', { name })}
      confirmLabel={t('vmRename.confirm')}
      confirmTestId="vm-rename-confirm"
      confirmDisabled={
        running.length > 0 ||
        busy ||
        newName === '' ||
        problem !== null ||
        !VmNameSchema.safeParse(newName).success
      }
      cancelLabel={t('vmRename.cancel')}
      onCancel={() => {
        if (!busy) onClose()
      }}
      onConfirm={() => void confirm()}
    >
      <div className="vm-delete">
        <p>{t('vmRename.explain', { hosts: (vm?.definedOn ?? []).join(', ') || '—' })}</p>
        {running.length > 0 && (
          <p className="warning" role="alert" data-testid="vm-rename-running">
            {t('vmRename.running', { name, hosts: running.join(', ') })}
          </p>
        )}
        <p>
          <label>
            {t('vmRename.newName')}{' '}
            <input
              type="text"
              value={newName}
              onChange={(event) => setNewName(event.target.value)}
              aria-invalid={problem !== null}
              data-testid="vm-rename-name"
              translate="no"
            />
          </label>
          {problem && (
            <span className="wizard-problem" data-testid="vm-rename-problem">
              {' '}
              {problem}
            </span>
          )}
        </p>
        <p>
          <Consent checked={renameImages} onChange={setRenameImages} testId="vm-rename-images">
            {t('vmRename.images')}
          </Consent>
        </p>
        {callError && <ErrorBox error={callError} testId="vm-rename-error" />}
        {job && (
          <SheetJobStatus
            job={job}
            prefix="vm-rename"
            running={t('vmRename.renaming', { name })}
            failedTitle={t('vmRename.failed')}
          />
        )}
      </div>
    </ConfirmDialog>
  )
}
