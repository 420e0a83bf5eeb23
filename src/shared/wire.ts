import * as z from 'zod/mini'
import { ApiErrorDataSchema } from './errors'

/**
 * Messages on the wire between a UI client and the core (zod/mini: the window's first script parses
 * every answer with these, see shared/messages/message.ts). The WebSocket bridge and the Electron
 * utility-process channel both carry these; Electron IPC carries the same envelopes.
 */
export const ClientMessageSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('call'),
    id: z.int().check(z.nonnegative()),
    method: z.string(),
    params: z.unknown(),
  }),
  z.object({ kind: z.literal('subscribe'), event: z.string() }),
  z.object({ kind: z.literal('unsubscribe'), event: z.string() }),
])
export type ClientMessage = z.infer<typeof ClientMessageSchema>

export const ResultEnvelopeSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: ApiErrorDataSchema }),
])
export type ResultEnvelope = z.infer<typeof ResultEnvelopeSchema>

export type ServerMessage =
  ({ kind: 'result'; id: number } & ResultEnvelope) | { kind: 'event'; event: string; payload: unknown }

/**
 * Picked by `kind`, then `ok`: each message runs the one schema of its kind. (A plain union tried
 * them in order: each event failed both result schemas first, allocating their issues, and the first
 * event built the error schema's lazy parts, ~2 ms of the window's first inventory update.)
 */
export const ServerMessageSchema: z.ZodMiniType<ServerMessage> = z.discriminatedUnion('kind', [
  z.discriminatedUnion('ok', [
    z.object({ kind: z.literal('result'), id: z.number(), ok: z.literal(true), value: z.unknown() }),
    z.object({ kind: z.literal('result'), id: z.number(), ok: z.literal(false), error: ApiErrorDataSchema }),
  ]),
  z.object({ kind: z.literal('event'), event: z.string(), payload: z.unknown() }),
]) as z.ZodMiniType<ServerMessage>

/** The WebSocket subprotocol; the token travels as a second offered subprotocol, never in the URL. */
export const WS_PROTOCOL = 'hyperdesk.v1'
export const WS_TOKEN_PREFIX = 'token.'

/** The path a browser-mode client opens a stream's WebSocket on. */
export const STREAM_PATH_PREFIX = '/stream/'

/**
 * Close code (RFC 6455 §7.4.2, 4000-4999 are the application's) of a socket whose client did not
 * read what it was sent: browser mode closes it rather than buffer without bound (ws-flow.ts).
 */
export const WS_CLOSE_SLOW_CLIENT = 4008
