import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { DiskAttach, DiskGrow, VmEditPlan } from '../../../../shared/vmedit'
import { Data } from '../../components/Data'
import { formatSize } from '../../format'
import { nameError, readSize } from '../storage/inputs'

/** The disk part of the edit form: new sizes typed per disk, disks to detach, images to attach. */
export interface DisksForm {
  /** Target → the size typed ('' leaves it as it is). */
  grow: Record<string, string>
  detach: string[]
  attach: DiskAttach[]
}

export const emptyDisksForm = (): DisksForm => ({ grow: {}, detach: [], attach: [] })

/** The disk changes the form asks for, or null while a typed size is not a size. */
export function diskChanges(form: DisksForm): {
  attachDisks?: DiskAttach[]
  detachDisks?: string[]
  growDisks?: DiskGrow[]
} | null {
  const grow: DiskGrow[] = []
  for (const [target, text] of Object.entries(form.grow)) {
    if (text.trim() === '') continue
    const size = readSize(text)
    if ('error' in size) return null
    grow.push({ target, sizeBytes: size.bytes })
  }
  return {
    ...(form.attach.length > 0 ? { attachDisks: form.attach } : {}),
    ...(form.detach.length > 0 ? { detachDisks: form.detach } : {}),
    ...(grow.length > 0 ? { growDisks: grow } : {}),
  }
}

/**
 * The VM's disks (issue 19 item 3): each with its size in Ceph, a new size to grow it to (never
 * smaller: the core refuses), a detach box (the image stays in Ceph); and an image to attach — a new
 * one made in a cluster pool, or an existing one the core checks nobody else uses.
 */
export function EditDisks({
  plan,
  value,
  onChange,
}: {
  plan: VmEditPlan
  value: DisksForm
  onChange(next: DisksForm): void
}) {
  const { t } = useTranslation()
  const [kind, setKind] = useState<'new' | 'existing'>('new')
  const [pool, setPool] = useState(plan.pools[0] ?? '')
  const [image, setImage] = useState('')
  const [size, setSize] = useState('')
  const rbd = new Map(plan.disks.map((disk) => [disk.target, disk]))
  const imageProblem = image === '' ? null : nameError(image)
  const sizeRead = kind === 'new' && size.trim() !== '' ? readSize(size) : null
  const sizeProblem = sizeRead && 'error' in sizeRead ? sizeRead.error : null
  const canAdd =
    pool !== '' &&
    image !== '' &&
    imageProblem === null &&
    (kind === 'existing' || (sizeRead !== null && 'bytes' in sizeRead)) &&
    !value.attach.some((disk) => disk.pool === pool && disk.image === image)

  function add(): void {
    if (!canAdd) return
    const bytes = sizeRead && 'bytes' in sizeRead ? sizeRead.bytes : undefined
    onChange({ ...value, attach: [...value.attach, { pool, image, ...(bytes ? { sizeBytes: bytes } : {}) }] })
    setImage('')
    setSize('')
  }

  return (
    <div className="wizard-field" data-testid="vm-edit-disks">
      <span className="wizard-label">{t('vmEdit.disks.title')}</span>
      <span className="wizard-input edit-disks">
        <table className="edit-disk-table">
          <tbody>
            {(plan.settings?.disks ?? []).map((disk) => {
              const known = rbd.get(disk.target)
              const typed = value.grow[disk.target] ?? ''
              const typedSize = typed.trim() === '' ? null : readSize(typed)
              const detached = value.detach.includes(disk.target)
              return (
                <tr key={disk.target} data-testid={`vm-edit-disk-${disk.target}`}>
                  <td>
                    <Data>{disk.target}</Data>
                  </td>
                  <td>
                    <Data>{disk.source}</Data>
                  </td>
                  <td>
                    {known?.sizeBytes !== undefined ? (
                      <Data>{formatSize(known.sizeBytes)}</Data>
                    ) : (
                      <span className="muted">{t('vmEdit.disks.sizeUnknown')}</span>
                    )}
                  </td>
                  <td>
                    {known && (
                      <label>
                        {t('vmEdit.disks.growTo')}{' '}
                        <input
                          type="text"
                          size={9}
                          value={typed}
                          disabled={detached}
                          placeholder={t('vmEdit.disks.growPlaceholder')}
                          aria-invalid={typedSize !== null && 'error' in typedSize}
                          onChange={(event) =>
                            onChange({ ...value, grow: { ...value.grow, [disk.target]: event.target.value } })
                          }
                          data-testid={`vm-edit-grow-${disk.target}`}
                        />
                      </label>
                    )}
                    {typedSize && 'error' in typedSize && (
                      <span className="wizard-problem"> {t(typedSize.error)}</span>
                    )}
                  </td>
                  <td>
                    <label>
                      <input
                        type="checkbox"
                        checked={detached}
                        onChange={(event) =>
                          onChange({
                            ...value,
                            detach: event.target.checked
                              ? [...value.detach, disk.target]
                              : value.detach.filter((target) => target !== disk.target),
                            grow: { ...value.grow, [disk.target]: '' },
                          })
                        }
                        data-testid={`vm-edit-detach-${disk.target}`}
                      />{' '}
                      {t('vmEdit.disks.detach')}
                    </label>
                  </td>
                </tr>
              )
            })}
          </tbody>
        </table>
        {value.attach.length > 0 && (
          <ul className="edit-disk-attach-list" data-testid="vm-edit-attach-list">
            {value.attach.map((disk) => (
              <li key={`${disk.pool}/${disk.image}`}>
                {disk.sizeBytes !== undefined
                  ? t('vmEdit.disks.attachNewItem', { size: formatSize(disk.sizeBytes) })
                  : t('vmEdit.disks.attachExistingItem')}{' '}
                <Data>
                  {disk.pool}/{disk.image}
                </Data>{' '}
                <button
                  type="button"
                  onClick={() =>
                    onChange({ ...value, attach: value.attach.filter((other) => other !== disk) })
                  }
                >
                  {t('vmEdit.disks.remove')}
                </button>
              </li>
            ))}
          </ul>
        )}
        <span className="edit-disk-add" data-testid="vm-edit-attach">
          <strong>{t('vmEdit.disks.attach')}</strong>
          <select
            value={kind}
            onChange={(event) => setKind(event.target.value as 'new' | 'existing')}
            aria-label={t('vmEdit.disks.kind')}
            data-testid="vm-edit-attach-kind"
          >
            <option value="new">{t('vmEdit.disks.kindNew')}</option>
            <option value="existing">{t('vmEdit.disks.kindExisting')}</option>
          </select>
          <select
            value={pool}
            onChange={(event) => setPool(event.target.value)}
            aria-label={t('vmEdit.disks.pool')}
            data-testid="vm-edit-attach-pool"
          >
            {plan.pools.map((name) => (
              <option key={name} value={name} translate="no">
                {name}
              </option>
            ))}
          </select>
          <input
            type="text"
            value={image}
            placeholder={t('vmEdit.disks.image')}
            aria-label={t('vmEdit.disks.image')}
            aria-invalid={imageProblem !== null}
            onChange={(event) => setImage(event.target.value.trim())}
            data-testid="vm-edit-attach-image"
            translate="no"
          />
          {kind === 'new' && (
            <input
              type="text"
              size={9}
              value={size}
              placeholder={t('vmEdit.disks.size')}
              aria-label={t('vmEdit.disks.size')}
              aria-invalid={sizeProblem !== null}
              onChange={(event) => setSize(event.target.value)}
              data-testid="vm-edit-attach-size"
            />
          )}
          <button type="button" disabled={!canAdd} onClick={add} data-testid="vm-edit-attach-add">
            {t('vmEdit.disks.add')}
          </button>
          {imageProblem && <span className="wizard-problem">{t(imageProblem)}</span>}
          {sizeProblem && <span className="wizard-problem">{t(sizeProblem)}</span>}
        </span>
        <span className="muted small">{t('vmEdit.disks.help')}</span>
      </span>
    </div>
  )
}

/** What the plan will do to disks: the targets new disks get, and each grow. */
export function DiskPlanSummary({ plan }: { plan: VmEditPlan }) {
  const { t } = useTranslation()
  if (plan.attach.length + plan.grow.length === 0) return null
  return (
    <ul data-testid="vm-edit-disk-plan">
      {plan.attach.map((disk) => (
        <li key={disk.target}>
          {disk.sizeBytes !== undefined
            ? t('vmEdit.disks.planNew', { size: formatSize(disk.sizeBytes) })
            : t('vmEdit.disks.planExisting')}{' '}
          <Data>
            {disk.pool}/{disk.image} → {disk.target}
          </Data>
        </li>
      ))}
      {plan.grow.map((grow) => (
        <li key={grow.target}>
          {t('vmEdit.disks.planGrow', {
            from: formatSize(grow.fromBytes),
            to: formatSize(grow.toBytes),
          })}{' '}
          <Data>
            {grow.target} ({grow.image})
          </Data>
        </li>
      ))}
    </ul>
  )
}
