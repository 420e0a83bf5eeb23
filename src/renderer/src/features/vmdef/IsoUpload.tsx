import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError, type ApiErrorData } from '../../../../shared/errors'
import {
  isoNameIssue,
  IsoUploadResultSchema,
  suggestIsoName,
  UPLOAD_CHUNK_BYTES,
  type IsoNameIssue,
} from '../../../../shared/iso'
import type { Job } from '../../../../shared/jobs'
import type { Check } from '../../../../shared/messages'
import type { TFunction } from 'i18next'
import { useApi } from '../../api/context'
import { CheckList } from '../../components/CheckList'
import { Data } from '../../components/Data'
import { ErrorBox } from '../../components/ErrorBox'
import { formatSize } from '../../format'
import { useAppStore } from '../../store'

type Api = ReturnType<typeof useApi>

/** A piece of the file as base64 (what iso.uploadChunk carries over both transports). */
export function toBase64(bytes: Uint8Array): string {
  let binary = ''
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(binary)
}

/**
 * Sends the file to the upload job, in order, one chunk per call: the next is read only once the core
 * took the previous one on every host (its answer is the flow control). Stops when `stopped()`.
 */
export async function sendFile(api: Api, job: string, file: Blob, stopped: () => boolean): Promise<void> {
  for (let offset = 0; offset < file.size && !stopped(); offset += UPLOAD_CHUNK_BYTES) {
    const bytes = new Uint8Array(await file.slice(offset, offset + UPLOAD_CHUNK_BYTES).arrayBuffer())
    await api.call('iso.uploadChunk', { job, offset, data: toBase64(bytes) })
  }
}

function nameProblem(t: TFunction, issue: IsoNameIssue | null): string | undefined {
  if (!issue) return undefined
  switch (issue.rule) {
    case 'suffix':
      return t('isoUpload.nameSuffix')
    case 'character':
      return t('vmWizard.nameRule.character', { character: issue.character === ' ' ? '␠' : issue.character })
    case 'tooLong':
      return t('vmWizard.nameRule.tooLong', { max: String(issue.max) })
    default:
      return t(`vmWizard.nameRule.${issue.rule}`)
  }
}

/**
 * "Upload an ISO…" in the creation wizard: a file from the workstation, a name the hosts accept
 * (prefilled from the file's), then the upload job with its progress per host and its cancel; once
 * done, the wizard's install medium is the new ISO.
 */
export function IsoUpload({ onUploaded, onClose }: { onUploaded(path: string): void; onClose(): void }) {
  const { t } = useTranslation()
  const api = useApi()
  const [file, setFile] = useState<File | null>(null)
  const [name, setName] = useState('')
  const [expected, setExpected] = useState('')
  const [jobId, setJobId] = useState<string | null>(null)
  const [error, setError] = useState<ApiErrorData | null>(null)
  const stop = useRef(false)
  const job = useAppStore((state) =>
    jobId ? state.jobs.find((candidate) => candidate.id === jobId) : undefined,
  )
  const issue = name === '' ? null : isoNameIssue(name)
  const sha = expected.trim().toLowerCase()
  const shaValid = sha === '' || /^[0-9a-f]{64}$/.test(sha)
  const result = IsoUploadResultSchema.safeParse(job?.result)
  const done = job?.state === 'succeeded' && result.success ? result.data : null
  const running = job?.state === 'running'

  useEffect(() => {
    if (done) onUploaded(done.path)
    // The path is reported once, when the job succeeds.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [done?.path])
  useEffect(
    () => () => {
      stop.current = true
    },
    [],
  )

  async function upload(): Promise<void> {
    if (!file || issue || name === '' || !shaValid) return
    setError(null)
    stop.current = false
    try {
      const started = (await api.call('iso.upload', {
        name,
        sizeBytes: file.size,
        ...(sha ? { expectedSha256: sha } : {}),
      })) as Job
      useAppStore.getState().updateJob(started)
      setJobId(started.id)
      await sendFile(api, started.id, file, () => stop.current)
    } catch (caught) {
      // A chunk refused because the job ended: the job's own error says why (shown below).
      const apiError = ApiError.from(caught)
      if (!apiError.code.startsWith('iso.upload.')) setError(apiError.toData())
    }
  }

  const detail = job?.detail ?? {}
  const size = typeof detail['sizeBytes'] === 'number' ? detail['sizeBytes'] : (file?.size ?? 0)
  const hosts = Object.keys(detail).filter((key) => key.startsWith('host:'))
  const refused = job?.error?.details?.['checks'] as Check[] | undefined

  return (
    <div className="iso-upload" data-testid="iso-upload" role="group" aria-label={t('isoUpload.title')}>
      <h3>{t('isoUpload.title')}</h3>
      <p className="muted small">{t('isoUpload.intro')}</p>
      <fieldset disabled={job !== undefined && job.state !== 'failed' && job.state !== 'cancelled'}>
        <label className="wizard-field">
          <span className="wizard-label">{t('isoUpload.file')}</span>
          <span className="wizard-input">
            <input
              type="file"
              accept=".iso,application/x-iso9660-image"
              onChange={(event) => {
                const chosen = event.target.files?.[0] ?? null
                setFile(chosen)
                if (chosen) setName(suggestIsoName(chosen.name))
                setJobId(null)
              }}
              data-testid="iso-upload-file"
            />
            {file && (
              <span className="muted small">
                <Data>{formatSize(file.size)}</Data>
              </span>
            )}
          </span>
        </label>
        <label className="wizard-field">
          <span className="wizard-label">{t('isoUpload.name')}</span>
          <span className="wizard-input">
            <input
              type="text"
              value={name}
              onChange={(event) => setName(event.target.value)}
              aria-invalid={issue !== null}
              spellCheck={false}
              data-testid="iso-upload-name"
            />
            {issue ? (
              <span className="wizard-problem small" role="alert" data-testid="iso-upload-problem">
                {nameProblem(t, issue)}
              </span>
            ) : (
              <span className="muted small">{t('isoUpload.nameHelp')}</span>
            )}
          </span>
        </label>
        <label className="wizard-field">
          <span className="wizard-label">{t('isoUpload.sha')}</span>
          <span className="wizard-input">
            <input
              type="text"
              value={expected}
              onChange={(event) => setExpected(event.target.value)}
              aria-invalid={!shaValid}
              spellCheck={false}
              placeholder={t('isoUpload.shaPlaceholder')}
              data-testid="iso-upload-sha"
            />
            {!shaValid && (
              <span className="wizard-problem small" role="alert">
                {t('isoUpload.shaInvalid')}
              </span>
            )}
          </span>
        </label>
        <div className="dialog-buttons">
          <button type="button" onClick={onClose} data-testid="iso-upload-close">
            {t('isoUpload.close')}
          </button>
          <button
            type="button"
            className="primary"
            disabled={!file || name === '' || issue !== null || !shaValid}
            onClick={() => void upload()}
            data-testid="iso-upload-start"
          >
            {t('isoUpload.start')}
          </button>
        </div>
      </fieldset>
      {error && <ErrorBox error={error} testId="iso-upload-error" />}
      {job && (
        <div className={`job-status job-${job.state}`} data-testid="iso-upload-job" data-state={job.state}>
          {running && (
            <>
              <strong>
                {detail['phase'] === 'verify'
                  ? t('isoUpload.verifying')
                  : detail['phase'] === 'send'
                    ? t('isoUpload.sending', {
                        sent: formatSize(Number(detail['received'] ?? 0)),
                        size: formatSize(size),
                      })
                    : t('isoUpload.preparing')}
              </strong>
              <progress max={1} value={job.progress ?? 0} aria-label={t('isoUpload.title')} />
              {hosts.length > 0 && (
                <ul className="small iso-hosts" data-testid="iso-upload-hosts">
                  {hosts.map((key) => (
                    <li key={key}>
                      <Data>{key.slice('host:'.length)}</Data>{' '}
                      <progress max={size} value={Number(detail[key] ?? 0)} />{' '}
                      <Data>{formatSize(Number(detail[key] ?? 0))}</Data>
                    </li>
                  ))}
                </ul>
              )}
              <button
                type="button"
                className="link small"
                onClick={() => {
                  stop.current = true
                  void api.call('jobs.cancel', { id: job.id }).then(
                    (updated) => useAppStore.getState().updateJob(updated),
                    () => undefined,
                  )
                }}
                data-testid="iso-upload-cancel"
              >
                {t('isoUpload.cancel')}
              </button>
            </>
          )}
          {done && (
            <>
              <p data-testid="iso-upload-done">
                {t('isoUpload.done', { name: done.name, hosts: done.hosts.join(', ') })}{' '}
                <Data>SHA-256 {done.sha256}</Data>
              </p>
              <ul className="small iso-hosts" data-testid="iso-upload-host-results">
                {done.hosts.map((host) => {
                  const skipped = done.skipped?.includes(host) ?? false
                  return (
                    <li key={host} data-host={host} data-skipped={skipped}>
                      <Data>{host}</Data> · {t(skipped ? 'isoUpload.hostSkipped' : 'isoUpload.hostChecked')}
                    </li>
                  )
                })}
              </ul>
            </>
          )}
          {(job.state === 'failed' || job.state === 'cancelled') && job.error && (
            <>
              <ErrorBox title={t('isoUpload.failed')} error={job.error} testId="iso-upload-failed" />
              {refused && refused.length > 0 && (
                <CheckList
                  checks={refused.filter((check) => check.level === 'fail')}
                  testId="iso-upload-refused"
                />
              )}
            </>
          )}
        </div>
      )}
    </div>
  )
}
