import { useEffect, useState } from 'react'
import type { TFunction } from 'i18next'
import { vmEditEn } from '../../i18n/vmedit.en'
import type { Message } from '../../../../shared/messages/message'
import { VmPendingSchema } from '../../../../shared/vmedit'
import { useApi } from '../../api/context'
import { MessageText } from '../../components/MessageText'

type EditField = keyof typeof vmEditEn.vmEdit.field
const isField = (name: string): name is EditField => Object.hasOwn(vmEditEn.vmEdit.field, name)

/** Setting names (VmEditSettings keys, live actions) in the user's words, as a list. */
export function fieldNames(t: TFunction, fields: readonly string[]): string {
  return fields.map((field) => (isField(field) ? t(`vmEdit.field.${field}`) : field)).join(', ')
}

/**
 * "Pending until restart" in the VM view (issue 19 item 3): what the running VM has not taken yet,
 * from its live and persistent definitions where it runs (vm.pending: the core's message names the
 * parts that differ, whoever changed them), read when the view opens and after each of the VM's
 * jobs. Nothing is shown when both agree, or when they could not be read.
 */
export function PendingMarker({ uuid, host, version }: { uuid: string; host: string; version: string }) {
  const api = useApi()
  const [message, setMessage] = useState<Message | undefined>(undefined)
  useEffect(() => {
    let current = true
    api
      .call('vm.pending', { uuid })
      .then((answer) => {
        const pending = VmPendingSchema.safeParse(answer)
        if (current) setMessage(pending.success ? pending.data.message : undefined)
      })
      .catch(() => {
        if (current) setMessage(undefined)
      })
    return () => {
      current = false
    }
  }, [api, uuid, host, version])
  if (!message) return null
  return (
    <p className="warning" data-testid="vm-pending">
      <MessageText message={message} />
    </p>
  )
}
