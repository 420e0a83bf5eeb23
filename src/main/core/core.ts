// The English sentences for the core's logs and errors (registered by loading the catalog).
import '../../shared/messages/catalog'
import { z } from 'zod'
import { methods, isMethodName, type EventName } from '../../shared/contract'
import { ApiError } from '../../shared/errors'
import { msg } from '../../shared/messages/message'
import type { AttachedStream, StreamPeer } from './console/byte-streams'
import type { CoreOptions, Handlers } from './context'
import type { EventListener } from './events'
import { appService } from './services/app'
import { cephService } from './services/ceph'
import { configService } from './services/config'
import { consoleService } from './services/console'
import { definitionsService } from './services/definitions'
import { vmdefService } from './services/vmdef'
import { isoService } from './services/iso'
import { fencingService } from './services/fencing'
import { firewallService } from './services/firewall'
import { ovhService } from './services/ovh'
import { hostsService } from './services/hosts'
import { inventoryService } from './services/inventory'
import { jobsService } from './services/jobs'
import { maintenanceService } from './services/maintenance'
import { migrationService } from './services/migration'
import { leaseService } from './services/lease'
import { storageService } from './services/storage'
import { vmService } from './services/vm'
import { wireCore, type WiredCore } from './wiring'

/**
 * The core, as the transports see it: call a method by name with unchecked input, subscribe to events.
 * It never knows whether Electron IPC or the WebSocket bridge is calling.
 */
export interface Core {
  call(method: string, params: unknown): Promise<unknown>
  subscribe<E extends EventName>(event: E, listener: EventListener<E>): () => void
  /**
   * Binds a transport channel to a stream opened by a console method (by its single-use id);
   * undefined when the id is unknown, already used or closed.
   */
  attachStream(id: string, peer: StreamPeer): AttachedStream | undefined
  close(): Promise<void>
}

/** The production entry: the engines wired (wiring.ts), behind the contract's methods. */
export async function createCore(options: CoreOptions): Promise<Core> {
  return coreOf(await wireCore(options))
}

/** The contract's methods over wired engines: each call's input and result checked against its schema. */
export function coreOf({ context, close }: WiredCore): Core {
  // Adding a service means adding it here; TypeScript refuses a contract method without a handler.
  const handlers: Handlers = {
    ...appService(context),
    ...configService(context),
    ...hostsService(context),
    ...inventoryService(context),
    ...vmService(context),
    ...fencingService(context),
    ...migrationService(context),
    ...definitionsService(context),
    ...vmdefService(context),
    ...isoService(context),
    ...jobsService(context),
    ...consoleService(context),
    ...storageService(context),
    ...cephService(context),
    ...maintenanceService(context),
    ...firewallService(context),
    ...ovhService(context),
    ...leaseService(context),
  }

  return {
    async call(method, params) {
      if (!isMethodName(method)) {
        throw ApiError.of(
          'api.unknown-method',
          msg('coreErrors.unknownMethod', { method: JSON.stringify(method) }),
        )
      }
      const spec = methods[method]
      const parsed = spec.params.safeParse(params ?? {})
      if (!parsed.success) {
        throw ApiError.of(
          'api.invalid-params',
          msg('coreErrors.invalidParams', { method, problem: z.prettifyError(parsed.error) }),
          { step: msg('errorSteps.request', { method }) },
        )
      }
      const handler = handlers[method] as (params: unknown) => Promise<unknown>
      const result = await handler(parsed.data)
      // A result that breaks the contract is a bug in the core: say so rather than send it on.
      const checked = spec.result.safeParse(result)
      if (!checked.success) {
        throw ApiError.of(
          'internal.bad-result',
          msg('coreErrors.badResult', { method, problem: z.prettifyError(checked.error) }),
        )
      }
      return checked.data
    },
    subscribe(event, listener) {
      return context.events.on(event, listener)
    },
    attachStream(id, peer) {
      return context.streams.attach(id, peer)
    },
    close,
  }
}
