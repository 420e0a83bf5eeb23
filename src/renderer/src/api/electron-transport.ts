import { ApiError } from '../../../shared/errors'
import { STREAM_PORT_MESSAGE, type HyperdeskBridge } from '../../../shared/ipc'
import { MessagePortSocket } from './byte-channel'
import { ResultEnvelopeSchema } from '../../../shared/wire'
import type { Transport } from './client'

export function electronTransport(bridge: HyperdeskBridge): Transport {
  return {
    kind: 'electron',
    async call(method, params) {
      const envelope = ResultEnvelopeSchema.parse(await bridge.call(method, params))
      if (envelope.ok) return envelope.value
      throw new ApiError(envelope.error)
    },
    subscribe: (event, listener) => bridge.subscribe(event, listener),
    onStatus(listener) {
      listener('connected')
      return () => {}
    },
    openStream(streamId) {
      const socket = new MessagePortSocket()
      // The preload posts the port to this window once the main process has made the pair.
      const onMessage = (event: MessageEvent) => {
        const data = event.data as { type?: string; streamId?: string } | null
        if (event.source !== window || data?.type !== STREAM_PORT_MESSAGE || data.streamId !== streamId)
          return
        window.removeEventListener('message', onMessage)
        const port = event.ports[0]
        if (port) socket.attach(port)
        else socket.close('no port received')
      }
      window.addEventListener('message', onMessage)
      bridge.openStream(streamId)
      return socket
    },
    setConsoleFocus: (focused) => bridge.setConsoleFocus(focused),
    setLanguage: (language) => bridge.setLanguage(language),
    onMenuCommand: (listener) => bridge.onMenuCommand(listener),
    notify: (notice) => bridge.notify(notice),
  }
}
