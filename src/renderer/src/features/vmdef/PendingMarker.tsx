import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { TFunction } from 'i18next'
import { vmEditEn } from '../../i18n/vmedit.en'
import { VmPendingSchema } from '../../../../shared/vmedit'
import { useApi } from '../../api/context'

type EditField = keyof typeof vmEditEn.vmEdit.field
const isField = (name: string): name is EditField => Object.hasOwn(vmEditEn.vmEdit.field, name)

/** Setting names (VmEditSettings keys, live actions) in the user's words, as a list. */
export function fieldNames(t: TFunction, fields: readonly string[]): string {
  return fields.map((field) => (isField(field) ? t(`vmEdit.field.${field}`) : field)).join(', ')
}

/**
 * "Pending until restart" in the VM view (issue 19 item 3): what the running VM has not taken yet,
 * from its live and persistent definitions where it runs (vm.pending), read when the view opens and
 * after each of the VM's jobs. Nothing is shown when both agree, or when they could not be read.
 */
export function PendingMarker({ uuid, host, version }: { uuid: string; host: string; version: string }) {
  const { t } = useTranslation()
  const api = useApi()
  const [fields, setFields] = useState<string[]>([])
  useEffect(() => {
    let current = true
    api
      .call('vm.pending', { uuid })
      .then((answer) => {
        const pending = VmPendingSchema.safeParse(answer)
        if (current) setFields(pending.success ? pending.data.fields : [])
      })
      .catch(() => {
        if (current) setFields([])
      })
    return () => {
      current = false
    }
  }, [api, uuid, host, version])
  if (fields.length === 0) return null
  return (
    <p className="warning" data-testid="vm-pending">
      {t('vmEdit.pendingMarker', { fields: fieldNames(t, fields) })}
    </p>
  )
}
