import type { Message, MessageCode, ParamValue } from '../../../shared/messages/message'
import type { VMEDIT_TEXTS } from '../../../shared/vmedit-texts'

type VmeditText = keyof typeof VMEDIT_TEXTS

/** A message of the `vmedit` area (shared/vmedit-texts.ts), as the edit's steps send them. */
export function vmeditMsg(
  text: VmeditText,
  params: Record<string, ParamValue> = {},
  detail?: string,
): Message {
  return {
    code: `vmedit.${text}` as MessageCode,
    ...(Object.keys(params).length > 0 ? { params } : {}),
    ...(detail ? { detail } : {}),
  }
}
