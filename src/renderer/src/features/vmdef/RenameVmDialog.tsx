import { z } from 'zod'
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError, type ApiErrorData } from '../../../../shared/errors'
import type { Job } from '../../../../shared/jobs'
import { MessageSchema } from '../../../../shared/messages/message'
import { RenameVmResultSchema } from '../../../../shared/vmdef'
import { VmNameSchema } from '../../../../shared/validators'
import { useApi } from '../../api/context'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import { Consent } from '../../components/Consent'
import { ErrorBox } from '../../components/ErrorBox'
import { MessageText } from '../../components/MessageText'
import { notifyInfo } from '../../components/notify'
import { useAppStore } from '../../store'
import { nameIssue } from '../../../../shared/names'
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
  const [jobId, setJobId] = useState<string | null>(null)
  const [callError, setCallError] = useState<ApiErrorData | null>(null)
  const job = useAppStore((state) =>
    jobId ? state.jobs.find((candidate) => candidate.id === jobId) : undefined,
  )
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
    setCallError(null)
    try {
      const started = (await api.call('vm.rename', { uuid, newName, renameImages })) as Job
      useAppStore.getState().updateJob(started)
      setJobId(started.id)
    } catch (caught) {
      setCallError(ApiError.from(caught).toData())
    }
  }

  const refusals = z.array(MessageSchema).safeParse(job?.error?.details?.['refusals'])
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
          <div className={`job-status job-${job.state}`} data-testid="vm-rename-job" data-state={job.state}>
            {busy && <strong>{t('vmRename.renaming', { name })}</strong>}
            {job.state === 'failed' && job.error && (
              <>
                <ErrorBox title={t('vmRename.failed')} error={job.error} testId="vm-rename-job-error" />
                {refusals.success && refusals.data.length > 0 && (
                  <ul data-testid="vm-rename-refusals">
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
