import { ApiError } from '../../../shared/errors'
import type { HyperdeskBridge } from '../../../shared/ipc'
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
  }
}
