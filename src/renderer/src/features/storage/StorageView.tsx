import { useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useWhereText } from '../vm/where'
import { ApiError, type ApiErrorData } from '../../../../shared/errors'
import type { Image, StorageListing } from '../../../../shared/storage'
import { formatClock, formatSize } from '../../format'
import { Data } from '../../components/Data'
import { useApi } from '../../api/context'
import { useAppStore, type ImageFocus } from '../../store'
import { CreateImageForm } from './CreateImageForm'
import { ImagePanel } from './ImagePanel'
import { TemplateBadge } from './TemplateBadge'
import { useTrackedJob } from './storage-jobs'
import { notifyError } from '../../components/notify'
import { errorSentences } from '../../components/error-sentence'
import { SaidBlocks } from '../../components/MessageText'
import './storage.css'

/**
 * RBD images per configured pool: size, used space (when cheap, else on request), the VMs whose
 * definitions use each image and where they run, who has it open, its snapshots; orphans marked.
 * Selecting an image opens its snapshots and operations.
 */
export function StorageView() {
  const { t } = useTranslation()
  const api = useApi()
  const [listing, setListing] = useState<StorageListing | null>(null)
  const [error, setError] = useState<ApiErrorData | null>(null)
  const [loading, setLoading] = useState(false)
  // The image whose panel is open is part of the view: a VM's disk link opens it too.
  const selected = useAppStore((state) => (state.view.kind === 'storage' ? state.view.image : undefined))
  const select = useAppStore((state) => state.select)
  const setSelected = (image: ImageFocus | null) => select({ kind: 'storage', ...(image ? { image } : {}) })

  const load = useCallback(async () => {
    setLoading(true)
    try {
      setListing(await api.call('storage.list', {}))
      setError(null)
    } catch (caught) {
      setError(ApiError.from(caught).toData())
    } finally {
      setLoading(false)
    }
  }, [api])
  useEffect(() => {
    void load()
  }, [load])

  const image = selected
    ? listing?.pools
        .find((pool) => pool.pool === selected.pool)
        ?.images.find((i) => i.name === selected.image)
    : undefined

  return (
    <section className="panel storage-view" data-testid="storage-view">
      <div className="panel-title">
        <h1>{t('storage.title')}</h1>
        <button type="button" onClick={() => void load()} disabled={loading} data-testid="storage-refresh">
          {t('storage.refresh')}
        </button>
      </div>
      {listing && (
        <p className="muted small" data-testid="storage-via">
          {t('storage.via', { host: listing.host, time: formatClock(listing.at) })}
        </p>
      )}
      {loading && !listing && <p className="muted">{t('storage.loading')}</p>}
      {error && (
        <div className="job-status job-failed" role="alert" data-testid="storage-error">
          <FailedText error={error} />
        </div>
      )}
      {listing && listing.unknownHosts.length > 0 && (
        <p className="warning" data-testid="storage-unknown-hosts">
          ⚠ {t('storage.unknownHosts', { hosts: listing.unknownHosts.join(', ') })}
        </p>
      )}

      {listing && (
        <CreateImageForm pools={listing.pools.map((pool) => pool.pool)} onCreated={() => void load()} />
      )}

      {image && (
        <ImagePanel
          key={`${image.pool}/${image.name}`}
          image={image}
          onChanged={() => void load()}
          onClose={() => setSelected(null)}
        />
      )}

      {listing?.pools.map((pool) => (
        <div key={pool.pool} className="storage-pool" data-testid={`storage-pool-${pool.pool}`}>
          <h2>
            <Data>{pool.pool}</Data>{' '}
            <span className="muted small">{t('storage.images', { count: pool.images.length })}</span>
          </h2>
          {pool.error && (
            <div className="job-status job-failed" role="alert">
              <FailedText error={pool.error} before={t('storage.poolError', { pool: pool.pool })} />
            </div>
          )}
          {!pool.error && pool.images.length === 0 && <p className="muted">{t('storage.noImages')}</p>}
          {pool.images.length > 0 && (
            <table className="table storage-table">
              <thead>
                <tr>
                  <th>{t('storage.col.image')}</th>
                  <th className="num">{t('storage.col.size')}</th>
                  <th className="num">{t('storage.col.used')}</th>
                  <th>{t('storage.col.vms')}</th>
                  <th>{t('storage.col.watchers')}</th>
                  <th>{t('storage.col.snapshots')}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {pool.images.map((row) => (
                  <ImageRow
                    key={row.name}
                    image={row}
                    selected={selected?.pool === row.pool && selected.image === row.name}
                    onSelect={() => setSelected({ pool: row.pool, image: row.name })}
                  />
                ))}
              </tbody>
            </table>
          )}
        </div>
      ))}
    </section>
  )
}

function ImageRow({ image, selected, onSelect }: { image: Image; selected: boolean; onSelect(): void }) {
  const { t } = useTranslation()
  const where = useWhereText()
  return (
    <tr
      className={selected ? 'selected' : undefined}
      data-testid={`storage-image-${image.pool}-${image.name}`}
      data-orphan={image.orphan}
    >
      <td>
        <code translate="no">{image.name}</code>{' '}
        {image.orphan && (
          <span className="badge badge-missing" title={t('storage.orphanTitle')} data-testid="storage-orphan">
            {t('storage.orphan')}
          </span>
        )}
        {image.error && (
          <span className="warning" title={errorSentences(t, image.error).message}>
            {' '}
            ⚠
          </span>
        )}
      </td>
      <td className="num" data-testid="storage-size" translate="no">
        {formatSize(image.sizeBytes)}
      </td>
      <td className="num" data-testid="storage-used">
        {image.usedBytes !== undefined ? (
          <Data>{formatSize(image.usedBytes)}</Data>
        ) : (
          <UsedOnRequest image={image} />
        )}
      </td>
      <td data-testid="storage-vms">
        {image.usedBy.map((user) => (
          <div key={user.uuid}>
            <button
              type="button"
              className="link"
              onClick={() => useAppStore.getState().select({ kind: 'vm', uuid: user.uuid })}
            >
              <Data>{user.name}</Data>
            </button>{' '}
            <span className="muted small">
              {where(user, (host) => t('storage.running', { host }), t('storage.stopped'))}
            </span>
          </div>
        ))}
      </td>
      <td data-testid="storage-watchers" title={image.watchers.map((w) => w.address).join('\n')}>
        {image.watchers.length > 0 ? t('storage.watchers', { count: image.watchers.length }) : '–'}
      </td>
      <td data-testid="storage-snapshots">
        {image.snapshots.length > 0 ? (
          image.snapshots.map((snapshot, index) => (
            <span key={snapshot.name}>
              {index > 0 && <Data>, </Data>}
              <Data>{snapshot.name}</Data>
              {snapshot.protected && (
                <>
                  {' '}
                  <TemplateBadge />
                </>
              )}
            </span>
          ))
        ) : (
          <Data>–</Data>
        )}
      </td>
      <td>
        <button type="button" onClick={onSelect} data-testid="storage-manage">
          {t('storage.details')}
        </button>
      </td>
    </tr>
  )
}

/** Without fast-diff, rbd du reads every object: only when asked, as a cancellable job. */
function UsedOnRequest({ image }: { image: Image }) {
  const { t } = useTranslation()
  const api = useApi()
  const [job, track] = useTrackedJob(() => undefined)
  const result = job?.state === 'succeeded' ? (job.result as { usedBytes: number }) : undefined
  if (result) return <Data>{formatSize(result.usedBytes)}</Data>
  if (job?.state === 'running') return <span className="muted">{t('storage.computing')}</span>
  return (
    <button
      type="button"
      className="link small"
      title={t('storage.computeUsedTitle')}
      onClick={() =>
        void api.call('storage.du', { pool: image.pool, image: image.name }).then(track, notifyError)
      }
      data-testid="storage-du"
    >
      {t('storage.computeUsed')}
      {job?.state === 'failed' && ' ⚠'}
    </button>
  )
}

/** A failed listing in the window's language, with what the host printed (verbatim). */
function FailedText({ error, before }: { error: ApiErrorData; before?: string }) {
  const { t } = useTranslation()
  const { message, hint } = errorSentences(t, error)
  return (
    <>
      <p>{before ? `${before} ${message}` : message}</p>
      {hint && <p className="muted">{hint}</p>}
      <SaidBlocks message={error.text} />
    </>
  )
}
