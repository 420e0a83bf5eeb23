import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { formatSize } from '../../format'
import { useApi } from '../../api/context'
import { nameError, readSize } from './inputs'
import { notifyError, notifyInfo } from '../../components/notify'

/** A new image: pool, a validated name, a size typed with its unit (sent in bytes). */
export function CreateImageForm({ pools, onCreated }: { pools: string[]; onCreated(): void }) {
  const { t } = useTranslation()
  const api = useApi()
  const [pool, setPool] = useState(pools[0] ?? '')
  const [name, setName] = useState('')
  const [size, setSize] = useState('')
  const [busy, setBusy] = useState(false)
  const badName = name ? nameError(name) : null
  const parsed = size ? readSize(size) : null
  const badSize = parsed && 'error' in parsed ? parsed.error : null
  const ready = name !== '' && !badName && parsed !== null && 'bytes' in parsed && pool !== ''

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault()
    if (!ready || !parsed || !('bytes' in parsed)) return
    setBusy(true)
    try {
      const created = await api.call('storage.createImage', { pool, image: name, sizeBytes: parsed.bytes })
      notifyInfo(
        t('storage.create.created', {
          pool: created.pool,
          image: created.image,
          size: formatSize(created.sizeBytes),
        }),
      )
      setName('')
      setSize('')
      onCreated()
    } catch (error) {
      notifyError(error)
    } finally {
      setBusy(false)
    }
  }

  return (
    <form className="storage-form" onSubmit={(event) => void submit(event)} data-testid="storage-create">
      <strong>{t('storage.create.title')}</strong>
      <label>
        {t('storage.create.pool')}{' '}
        <select
          value={pool}
          onChange={(event) => setPool(event.target.value)}
          data-testid="storage-create-pool"
        >
          {pools.map((candidate) => (
            <option key={candidate} value={candidate} translate="no">
              {candidate}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('storage.create.name')}{' '}
        <input
          type="text"
          value={name}
          onChange={(event) => setName(event.target.value)}
          aria-invalid={badName !== null}
          data-testid="storage-create-name"
        />
      </label>
      <label>
        {t('storage.create.size')}{' '}
        <input
          type="text"
          value={size}
          placeholder={t('storage.create.sizePlaceholder')}
          onChange={(event) => setSize(event.target.value)}
          aria-invalid={badSize !== null}
          size={10}
          data-testid="storage-create-size"
        />
      </label>
      {parsed && 'bytes' in parsed && <span className="muted small">= {formatSize(parsed.bytes)}</span>}
      <button type="submit" className="primary" disabled={!ready || busy} data-testid="storage-create-submit">
        {t('storage.create.submit')}
      </button>
      {(badName || badSize) && (
        <p className="warning small" data-testid="storage-create-invalid">
          {badName && t(badName)} {badSize && t(badSize)}
        </p>
      )}
    </form>
  )
}
