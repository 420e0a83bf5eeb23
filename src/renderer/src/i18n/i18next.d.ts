import 'i18next'
import type { ParamKinds } from '../../../shared/messages'
import type { englishResources } from './resources.en'

/**
 * Typed translation keys: `t('sidebar.storage')` is checked against the English resources (a key
 * that does not exist is a compile error), and `{{value, kind}}` placeholders take the value their
 * kind needs (shared/messages/message.ts).
 */
declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation'
    resources: { translation: typeof englishResources }
    interpolationFormatTypeMap: ParamKinds
  }
}
