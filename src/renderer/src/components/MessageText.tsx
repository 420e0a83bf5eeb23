import { useTranslation } from 'react-i18next'
import './messages.css'
import type { Message } from '../../../shared/messages'
import { renderMessage } from '../i18n/messages'

/** Renders core messages in the window's language (re-renders when the language changes). */
export function useMessage(): (message: Message) => string {
  const { t } = useTranslation()
  return (message) => renderMessage(t, message)
}

/**
 * A core message as the user reads it, then — when the host's tool printed something — that output
 * verbatim in a "the host said" block.
 */
export function MessageText({ message, as: Tag = 'span' }: { message: Message; as?: 'span' | 'div' | 'p' }) {
  const render = useMessage()
  return (
    <>
      <Tag data-message={message.code}>{render(message)}</Tag>
      {message.detail && <HostSaid output={message.detail} />}
    </>
  )
}

/**
 * What a host's tool printed (virsh, ceph, rbd stderr): never translated, so marked lang="en" and
 * translate="no" (the pseudo-locale walk treats it as data).
 */
export function HostSaid({ output }: { output: string }) {
  const { t } = useTranslation()
  return (
    <figure className="host-said">
      <figcaption className="muted small">{t('checkUi.hostSaid')}</figcaption>
      <pre lang="en" translate="no">
        {output}
      </pre>
    </figure>
  )
}
