import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useWhereText } from '../vm/where'
import type { Job } from '../../../../shared/jobs'
import { safetySnapshotInfo, type GrowResult, type Image } from '../../../../shared/storage'
import { formatDateTime, formatSize } from '../../format'
import { useApi } from '../../api/context'
import { nameError, readSize } from './inputs'
import { JobOutcome, useTrackedJob } from './storage-jobs'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import { Consent } from '../../components/Consent'
import { Data } from '../../components/Data'
import { notifyError, notifyInfo } from '../../components/notify'
import { TypedName, typedMatches } from '../../components/TypedName'
import { CloneVmDialog } from '../vmdef/CloneVmDialog'
import { TemplateBadge } from './TemplateBadge'

/**
 * One image: who uses it and has it open, its snapshots (take, roll back, delete), and grow, shrink
 * and delete. The core refuses what is unsafe with each reason; the forms only ask for what it needs
 * (a valid size, the typed name, the explicit "allow shrink").
 */
export function ImagePanel({
  image,
  onChanged,
  onClose,
}: {
  image: Image
  onChanged(): void
  onClose(): void
}) {
  const { t } = useTranslation()
  const where = useWhereText()
  const api = useApi()
  const [job, track] = useTrackedJob((done) => {
    // A deleted image leaves the listing (and this panel with it): say it in a notification.
    if (done.kind === 'storage.delete' && done.state === 'succeeded')
      notifyInfo(t('storage.remove.done', { image: image.name }))
    onChanged()
  })
  const busy = job?.state === 'running'
  const ref = { pool: image.pool, image: image.name }
  const start = (call: Promise<Job>) => void call.then(track, notifyError)
  const running = image.usedBy.filter((user) => user.runningOn.length > 0)

  return (
    <div className="storage-image" data-testid="storage-image-panel">
      <div className="panel-title">
        <h2>{t('storage.image.title', { pool: image.pool, image: image.name })}</h2>
        <button type="button" onClick={onClose}>
          {t('storage.close')}
        </button>
      </div>
      <table className="table">
        <tbody>
          <tr>
            <th>{t('storage.col.size')}</th>
            <td>
              <Data>{formatSize(image.sizeBytes)}</Data>
              {image.usedBytes !== undefined && (
                <span className="muted">
                  {' '}
                  · {t('storage.col.used')} <Data>{formatSize(image.usedBytes)}</Data>
                </span>
              )}
            </td>
          </tr>
          <tr>
            <th>{t('storage.image.features')}</th>
            <td>
              <Data>{image.features.join(', ') || '–'}</Data>
              {!image.fastDiff && <span className="muted"> · {t('storage.image.noFastDiff')}</span>}
            </td>
          </tr>
          {image.createdAt && (
            <tr>
              <th>{t('storage.image.created')}</th>
              <td translate="no">{image.createdAt}</td>
            </tr>
          )}
          <tr>
            <th>{t('storage.image.usedBy')}</th>
            <td>
              {image.usedBy.length === 0
                ? t('storage.orphanTitle')
                : image.usedBy.map((user, index) => (
                    <span key={user.uuid}>
                      {index > 0 && ' · '}
                      <Data>{user.name}</Data> (<Data>{user.target}</Data>,{' '}
                      {where(user, (host) => t('storage.running', { host }), t('storage.stopped'))})
                    </span>
                  ))}
            </td>
          </tr>
          <tr>
            <th>{t('storage.image.openBy')}</th>
            <td data-testid="storage-image-watchers">
              {image.watchers.length === 0
                ? t('storage.none')
                : image.watchers.map((watcher) => (
                    <code translate="no" key={watcher.address}>
                      {watcher.address}{' '}
                    </code>
                  ))}
            </td>
          </tr>
        </tbody>
      </table>

      {job && (
        <JobOutcome
          job={job}

          success={(done) => <Success job={done} image={image} />}
        />
      )}

      <Snapshots
        image={image}
        busy={busy}
        onChanged={onChanged}
        startJob={start}
        running={running.length > 0}
      />

      <div className="storage-ops">
        <GrowForm
          image={image}
          busy={busy}
          onGrow={(sizeBytes) => start(api.call('storage.growImage', { ...ref, sizeBytes }))}
        />
        <ShrinkForm
          image={image}
          busy={busy}
          onShrink={(sizeBytes, confirmName) =>
            start(api.call('storage.shrinkImage', { ...ref, sizeBytes, confirmName, allowShrink: true }))
          }
        />
        <DeleteForm
          image={image}
          busy={busy}
          onDelete={(confirmName, purgeSnapshots) =>
            start(api.call('storage.deleteImage', { ...ref, confirmName, purgeSnapshots }))
          }
        />
      </div>
    </div>
  )
}

/** What a finished operation did, and for a grow the steps left inside the guest. */
function Success({ job, image }: { job: Job; image: Image }) {
  const { t } = useTranslation()
  if (job.kind === 'storage.grow') {
    const result = job.result as GrowResult
    return (
      <>
        <p>
          {t('storage.grow.done', { image: image.name, size: formatSize(result.toBytes) })}{' '}
          <span className="muted">
            {result.method === 'blockresize'
              ? t('storage.grow.live', { host: result.host })
              : t('storage.grow.offline')}
          </span>
        </p>
        {result.usedBy.map((user) => (
          <div key={user.uuid} data-testid="storage-guest-steps">
            <p>{t('storage.grow.guestTitle', { vm: user.name, target: user.target })}</p>
            <p className="muted">{t('storage.grow.guestSteps', { target: user.target })}</p>
          </div>
        ))}
      </>
    )
  }
  if (job.kind === 'storage.shrink') {
    const result = job.result as { toBytes: number; snapshot: string }
    return (
      <p>
        {t('storage.shrink.done', {
          image: image.name,
          size: formatSize(result.toBytes),
          snapshot: result.snapshot,
        })}
      </p>
    )
  }
  if (job.kind === 'storage.delete') return <p>{t('storage.remove.done', { image: image.name })}</p>
  return null
}

function Snapshots({
  image,
  busy,
  running,
  onChanged,
  startJob,
}: {
  image: Image
  busy: boolean
  running: boolean
  onChanged(): void
  startJob(call: Promise<Job>): void
}) {
  const { t } = useTranslation()
  const api = useApi()
  const [name, setName] = useState('')
  const [rollbackTo, setRollbackTo] = useState<string | null>(null)
  const [rollbackTyped, setRollbackTyped] = useState('')
  const [deleting, setDeleting] = useState<string | null>(null)
  const [deleteTyped, setDeleteTyped] = useState('')
  const [safetyConsent, setSafetyConsent] = useState(false)
  const [safety, setSafety] = useState(true)
  const [cloning, setCloning] = useState<string | null>(null)
  const ref = { pool: image.pool, image: image.name }
  const badName = name ? nameError(name) : null

  async function create(): Promise<void> {
    try {
      await api.call('storage.snapshotCreate', { ...ref, snapshot: name })
      notifyInfo(t('storage.snapshots.created', { snapshot: name }))
      setName('')
      onChanged()
    } catch (error) {
      notifyError(error)
    }
  }
  async function remove(snapshot: string): Promise<void> {
    setDeleting(null)
    try {
      await api.call('storage.snapshotDelete', {
        ...ref,
        snapshot,
        confirmName: deleteTyped,
        ...(safetySnapshotInfo(snapshot) ? { confirmSafetySnapshot: safetyConsent } : {}),
      })
      notifyInfo(t('storage.snapshots.deleted', { snapshot }))
      onChanged()
    } catch (error) {
      notifyError(error)
    }
  }
  const deletingSafety = deleting ? safetySnapshotInfo(deleting) : undefined

  return (
    <div data-testid="storage-snapshots-panel">
      <h3>{t('storage.snapshots.title')}</h3>
      {image.snapshots.length === 0 ? (
        <p className="muted">{t('storage.snapshots.none')}</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>{t('storage.snapshots.name')}</th>
              <th>{t('storage.snapshots.date')}</th>
              <th className="num">{t('storage.snapshots.size')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {image.snapshots.map((snapshot) => (
              <tr key={snapshot.name} data-testid={`storage-snapshot-${snapshot.name}`}>
                <td>
                  <code translate="no">{snapshot.name}</code> {snapshot.protected && <TemplateBadge />}
                </td>
                <td translate="no">{snapshot.createdAt ?? '–'}</td>
                <td className="num" translate="no">
                  {formatSize(snapshot.sizeBytes)}
                </td>
                <td>
                  {snapshot.protected && (
                    <>
                      <button
                        type="button"
                        onClick={() => setCloning(snapshot.name)}
                        data-testid="storage-template-clone"
                      >
                        {t('templates.clone')}
                      </button>{' '}
                    </>
                  )}
                  <button
                    type="button"
                    disabled={busy}
                    onClick={() => {
                      setRollbackTo(snapshot.name)
                      setRollbackTyped('')
                    }}
                    data-testid="storage-rollback"
                  >
                    {t('storage.snapshots.rollback')}
                  </button>{' '}
                  <button
                    type="button"
                    className="danger"
                    disabled={busy}
                    onClick={() => {
                      setDeleting(snapshot.name)
                      setDeleteTyped('')
                      setSafetyConsent(false)
                    }}
                    data-testid="storage-snapshot-delete"
                  >
                    {t('storage.snapshots.delete')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {cloning && (
        <CloneVmDialog
          source={{ kind: 'snapshot', pool: image.pool, image: image.name, snapshot: cloning }}
          onClose={() => setCloning(null)}
        />
      )}
      {rollbackTo && (
        <ConfirmDialog
          testId="storage-rollback-dialog"
          title={t('storage.snapshots.rollbackTitle', { image: image.name, snapshot: rollbackTo })}
          confirmLabel={t('storage.snapshots.rollbackConfirm')}
          confirmTestId="storage-rollback-confirm"
          cancelLabel={t('storage.cancel')}
          onCancel={() => setRollbackTo(null)}
          confirmDisabled={!typedMatches(rollbackTyped, image.name)}
          onConfirm={() => {
            startJob(
              api.call('storage.snapshotRollback', {
                ...ref,
                snapshot: rollbackTo,
                safetySnapshot: safety,
                confirmName: rollbackTyped,
              }),
            )
            setRollbackTo(null)
          }}
        >
          <p>{t('storage.snapshots.rollbackExplain')}</p>
          <Consent checked={safety} onChange={setSafety} testId="storage-rollback-safety">
            {t('storage.snapshots.safety')}
          </Consent>
          <TypedName
            block
            autoFocus
            label={t('storage.remove.typeName', { image: image.name })}
            value={rollbackTyped}
            onChange={setRollbackTyped}
            testId="storage-rollback-name"
          />
        </ConfirmDialog>
      )}
      {deleting && (
        <ConfirmDialog
          testId="storage-snapshot-delete-dialog"
          title={t('storage.snapshots.deleteConfirm', { snapshot: deleting })}
          confirmLabel={t('storage.snapshots.delete')}
          confirmTestId="storage-snapshot-delete-confirm"
          cancelLabel={t('storage.cancel')}
          onCancel={() => setDeleting(null)}
          confirmDisabled={
            busy || !typedMatches(deleteTyped, deleting) || (deletingSafety !== undefined && !safetyConsent)
          }
          onConfirm={() => void remove(deleting)}
        >
          {deletingSafety && (
            <p className="warning" data-testid="storage-snapshot-safety-explain">
              {t('guards.safetySnapshotConsent', {
                snapshot: deleting,
                reason: t(`storage.snapshots.reason.${deletingSafety.reason}`, {
                  defaultValue: deletingSafety.reason,
                }),
                image: `${image.pool}/${image.name}`,
                takenAt: formatDateTime(deletingSafety.takenAt),
              })}
            </p>
          )}
          <TypedName
            block
            autoFocus
            label={t('storage.snapshots.typeName', { snapshot: deleting })}
            value={deleteTyped}
            onChange={setDeleteTyped}
            testId="storage-snapshot-delete-name"
          />
          {deletingSafety && (
            <Consent
              checked={safetyConsent}
              onChange={setSafetyConsent}
              testId="storage-snapshot-delete-safety"
            >
              {t('storage.snapshots.safetyConsent', { image: image.name })}
            </Consent>
          )}
        </ConfirmDialog>
      )}
      <form
        className="storage-form"
        onSubmit={(event) => {
          event.preventDefault()
          if (name && !badName) void create()
        }}
      >
        <label>
          {t('storage.snapshots.name')}{' '}
          <input
            type="text"
            value={name}
            onChange={(event) => setName(event.target.value)}
            aria-invalid={badName !== null}
            data-testid="storage-snapshot-name"
          />
        </label>
        <button
          type="submit"
          disabled={!name || badName !== null || busy}
          data-testid="storage-snapshot-create"
        >
          {t('storage.snapshots.create')}
        </button>
        {badName && <span className="warning small">{t(badName)}</span>}
        {running && <span className="muted small">{t('storage.snapshots.runningNote')}</span>}
      </form>
    </div>
  )
}

function SizeInput({
  value,
  onChange,
  testid,
}: {
  value: string
  onChange(value: string): void
  testid: string
}) {
  const { t } = useTranslation()
  const parsed = value ? readSize(value) : null
  return (
    <>
      <input
        type="text"
        value={value}
        placeholder={t('storage.create.sizePlaceholder')}
        onChange={(event) => onChange(event.target.value)}
        aria-invalid={parsed !== null && 'error' in parsed}
        size={10}
        data-testid={testid}
      />{' '}
      {parsed && 'bytes' in parsed && <span className="muted small">= {formatSize(parsed.bytes)}</span>}
      {parsed && 'error' in parsed && <span className="warning small">{t(parsed.error)}</span>}
    </>
  )
}

function sizeOf(text: string): number | null {
  const parsed = text ? readSize(text) : null
  return parsed && 'bytes' in parsed ? parsed.bytes : null
}

function GrowForm({ image, busy, onGrow }: { image: Image; busy: boolean; onGrow(bytes: number): void }) {
  const { t } = useTranslation()
  const [size, setSize] = useState('')
  const bytes = sizeOf(size)
  const live = image.usedBy.find((user) => user.runningOn.length > 0)
  return (
    <fieldset data-testid="storage-grow">
      <legend>{t('storage.grow.title')}</legend>
      <p className="muted small">
        {live ? t('storage.grow.live', { host: live.runningOn.join(', ') }) : t('storage.grow.offline')}
      </p>
      <label>
        {t('storage.grow.newSize')} <SizeInput value={size} onChange={setSize} testid="storage-grow-size" />
      </label>{' '}
      <button
        type="button"
        disabled={busy || bytes === null}
        onClick={() => bytes && onGrow(bytes)}
        data-testid="storage-grow-submit"
      >
        {t('storage.grow.submit')}
      </button>
    </fieldset>
  )
}

function ShrinkForm({
  image,
  busy,
  onShrink,
}: {
  image: Image
  busy: boolean
  onShrink(bytes: number, confirmName: string): void
}) {
  const { t } = useTranslation()
  const [size, setSize] = useState('')
  const [typed, setTyped] = useState('')
  const [allow, setAllow] = useState(false)
  const bytes = sizeOf(size)
  return (
    <fieldset className="danger-zone" data-testid="storage-shrink">
      <legend>{t('storage.shrink.title')}</legend>
      <p className="muted small">{t('storage.shrink.explain')}</p>
      <label>
        {t('storage.shrink.newSize')}{' '}
        <SizeInput value={size} onChange={setSize} testid="storage-shrink-size" />
      </label>
      <TypedName
        block
        label={t('storage.shrink.typeName', { image: image.name })}
        value={typed}
        onChange={setTyped}
        testId="storage-shrink-name"
      />
      <Consent className="block" checked={allow} onChange={setAllow} testId="storage-shrink-allow">
        {t('storage.shrink.allow')}
      </Consent>
      <button
        type="button"
        className="danger"
        disabled={busy || bytes === null || !typedMatches(typed, image.name) || !allow}
        onClick={() => bytes && onShrink(bytes, typed)}
        data-testid="storage-shrink-submit"
      >
        {t('storage.shrink.submit')}
      </button>
    </fieldset>
  )
}

function DeleteForm({
  image,
  busy,
  onDelete,
}: {
  image: Image
  busy: boolean
  onDelete(confirmName: string, purge: boolean): void
}) {
  const { t } = useTranslation()
  const [typed, setTyped] = useState('')
  const [purge, setPurge] = useState(false)
  return (
    <fieldset className="danger-zone" data-testid="storage-delete">
      <legend>{t('storage.remove.title')}</legend>
      <p className="muted small">{t('storage.remove.explain')}</p>
      <TypedName
        block
        label={t('storage.remove.typeName', { image: image.name })}
        value={typed}
        onChange={setTyped}
        testId="storage-delete-name"
      />
      {image.snapshots.length > 0 && (
        <Consent className="block" checked={purge} onChange={setPurge} testId="storage-delete-purge">
          {t('storage.remove.purge')}
        </Consent>
      )}
      <button
        type="button"
        className="danger"
        disabled={busy || !typedMatches(typed, image.name)}
        onClick={() => onDelete(typed, purge)}
        data-testid="storage-delete-submit"
      >
        {t('storage.remove.submit')}
      </button>
    </fieldset>
  )
}
