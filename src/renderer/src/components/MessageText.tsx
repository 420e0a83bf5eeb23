import { useTranslation } from 'react-i18next'
import './messages.css'
import { detailsOf, type DetailFrom, type Message } from '../../../shared/messages/message'
import { renderMessage } from '../i18n/messages'

/** Renders core messages in the window's language (re-renders when the language changes). */
export function useMessage(): (message: Message) => string {
  const { t } = useTranslation()
  return (message) => renderMessage(t, message)
}

/**
 * A core message as the user reads it, then — when a host's tool, OVH or a library said something —
 * those words verbatim (SaidBlocks).
 */
export function MessageText({ message, as: Tag = 'span' }: { message: Message; as?: 'span' | 'div' | 'p' }) {
  const render = useMessage()
  return (
    <>
      <Tag data-message={message.code}>{render(message)}</Tag>
      <SaidBlocks message={message} />
    </>
  )
}

/**
 * Every detail under a message, its nested messages' included (shared/messages detailsOf), each in
 * its "the host said" / "OVH said" block. The one place a message's foreign words are shown.
 */
export function SaidBlocks({ message }: { message: Message | undefined }) {
  if (!message) return null
  return (
    <>
      {detailsOf(message).map((detail) => (
        <HostSaid key={detail.text} output={detail.text} from={detail.from} />
      ))}
    </>
  )
}

const CAPTIONS = { host: 'checkUi.hostSaid', ovh: 'checkUi.ovhSaid', local: 'checkUi.localSaid' } as const

/**
 * What a host's tool printed (virsh, ceph, rbd stderr), what OVH answered, or a library's words:
 * never translated, so marked lang="en" and translate="no" (the pseudo-locale walk treats it as data).
 */
export function HostSaid({ output, from = 'host' }: { output: string; from?: DetailFrom }) {
  const { t } = useTranslation()
  return (
    <figure className="host-said" data-said={from}>
      <figcaption className="muted small">{t(CAPTIONS[from])}</figcaption>
      <pre lang="en" translate="no">
        {output}
      </pre>
    </figure>
  )
}
