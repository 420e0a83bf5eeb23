import crypto from 'node:crypto'
import net from 'node:net'
import fc from 'fast-check'
import { WS_PROTOCOL, WS_TOKEN_PREFIX } from '../../src/shared/wire'

/**
 * Hostile input for browser mode's HTTP and WebSocket handlers, as raw bytes on a TCP socket (an
 * HTTP client library would refuse to send most of it): request lines, targets, headers, upgrade
 * requests, and WebSocket frames (text, binary, fragmented, oversize, unmasked, invalid UTF-8, bad
 * JSON, unknown methods). Shared by the unit fuzz test and the lab check with real SSH sessions.
 */

export interface Target {
  port: number
  token: string
}

/** What one exchange gave: the status line's code when the server answered, and whether it closed. */
export interface Exchange {
  status?: number
  closed: boolean
  bytes: Buffer
}

/**
 * Writes the chunks to a new connection, then reads until the server closes, or until it is quiet for
 * idleMs after it answered, or until maxMs (an incomplete request just waits), then drops the
 * connection. Quiet counts only once the server has said something: a server that has not answered yet
 * may just not have run yet (a busy machine; a first request that loads code), and a client that
 * took that silence for its verdict read "no answer" where the server's answer was on its way.
 */
export function exchange(
  port: number,
  chunks: readonly Buffer[],
  idleMs = 25,
  maxMs = 400,
): Promise<Exchange> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1')
    const received: Buffer[] = []
    let closed = false
    let idle: NodeJS.Timeout | undefined
    const finish = (): void => {
      clearTimeout(idle)
      clearTimeout(limit)
      socket.destroy()
      const bytes = Buffer.concat(received)
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(bytes.toString('latin1'))?.[1]
      resolve({ ...(status ? { status: Number(status) } : {}), closed, bytes })
    }
    const quiet = (): void => {
      clearTimeout(idle)
      idle = setTimeout(finish, idleMs)
    }
    const limit = setTimeout(finish, maxMs)
    socket.on('connect', () => {
      for (const chunk of chunks) socket.write(chunk)
    })
    socket.on('data', (data) => {
      received.push(data)
      quiet()
    })
    socket.on('error', () => undefined)
    socket.on('close', () => {
      closed = true
      finish()
    })
  })
}

const CRLF = '\r\n'

/** The request that killed browser mode (issue 16): a target the URL parser rejects. */
export function crasher(port: number): Buffer {
  return Buffer.from(`GET //[ HTTP/1.1${CRLF}Host: 127.0.0.1:${port}${CRLF}Connection: close${CRLF}${CRLF}`)
}

export function upgradeRequest(target: Target, path = '/api', extra: string[] = []): Buffer {
  return Buffer.from(
    [
      `GET ${path} HTTP/1.1`,
      `Host: 127.0.0.1:${target.port}`,
      `Origin: http://127.0.0.1:${target.port}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      'Sec-WebSocket-Version: 13',
      `Sec-WebSocket-Key: ${crypto.randomBytes(16).toString('base64')}`,
      `Sec-WebSocket-Protocol: ${WS_PROTOCOL}, ${WS_TOKEN_PREFIX}${target.token}`,
      ...extra,
      '',
      '',
    ].join(CRLF),
  )
}

export interface FrameSpec {
  fin: boolean
  rsv: number
  opcode: number
  masked: boolean
  payload: Buffer
  /** A length field that lies (bigger than the bytes sent, e.g. past the 4 MiB limit). */
  declaredLength?: number
}

/** One WebSocket frame as RFC 6455 §5.2 lays it out. */
export function frame(spec: FrameSpec): Buffer {
  const length = spec.declaredLength ?? spec.payload.length
  const first = (spec.fin ? 0x80 : 0) | ((spec.rsv & 0x7) << 4) | (spec.opcode & 0xf)
  const mask = spec.masked ? 0x80 : 0
  let header: Buffer
  if (length < 126) header = Buffer.from([first, mask | length])
  else if (length < 65536) {
    header = Buffer.alloc(4)
    header[0] = first
    header[1] = mask | 126
    header.writeUInt16BE(length, 2)
  } else {
    header = Buffer.alloc(10)
    header[0] = first
    header[1] = mask | 127
    header.writeBigUInt64BE(BigInt(length), 2)
  }
  if (!spec.masked) return Buffer.concat([header, spec.payload])
  const key = crypto.randomBytes(4)
  const body = Buffer.from(spec.payload.map((byte, index) => byte ^ (key[index % 4] ?? 0)))
  return Buffer.concat([header, key, body])
}

/** A client's text frame: what a well-behaved client sends. */
export function textFrame(text: string): Buffer {
  return frame({ fin: true, rsv: 0, opcode: 1, masked: true, payload: Buffer.from(text) })
}

// ---------------------------------------------------------------------------------------------
// HTTP requests

const TARGETS = [
  '//[',
  '/[',
  '//',
  '/',
  '*',
  '/api',
  '/api?x',
  '/stream/',
  '/stream/%',
  '/%',
  '/%zz',
  '/%00',
  '/..%2f..%2fetc/passwd',
  '/../../etc/passwd',
  'http://[',
  'http://127.0.0.1:1/../x',
  '//evil.example/x',
  '/\\..\\x',
  '/index.html#frag',
  '/?%',
  'http://[::1',
  '/' + 'a'.repeat(9000),
]
/** Characters a request target may hold (RFC 3986), and some it may not. */
const URL_CHARS = fc.constantFrom(
  ...'/[]%?#.:@\\\'"<>{}|^`~!$&()*+,;=abcAZ09-_'.split(''),
  '\u00e9',
  '\ud83d\ude00',
)
const TARGET_CHARS = fc.oneof(
  { weight: 8, arbitrary: URL_CHARS },
  { weight: 1, arbitrary: fc.constantFrom('\u0000', '\t', ' ', '\u2028', '\u007f') },
)
const requestTarget = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...TARGETS) },
  { weight: 1, arbitrary: fc.string({ unit: TARGET_CHARS, maxLength: 40 }) },
  { weight: 3, arbitrary: fc.string({ unit: URL_CHARS, maxLength: 40 }).map((text) => `/${text}`) },
  { weight: 1, arbitrary: fc.string({ unit: TARGET_CHARS, maxLength: 40 }).map((text) => `//${text}`) },
)
const methodName = fc.oneof(
  fc.constantFrom(
    'GET',
    'HEAD',
    'POST',
    'PUT',
    'DELETE',
    'OPTIONS',
    'CONNECT',
    'TRACE',
    'PATCH',
    'PRI',
    'get',
  ),
  fc.string({ minLength: 0, maxLength: 8 }),
)
const version = fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1x', 'HTTP/9', '', 'http/1.1')
const headerText = fc.string({
  unit: fc.oneof(
    { weight: 10, arbitrary: fc.constantFrom(...'abcXYZ019 -_:;,="/\\()<>@[]?{}'.split('')) },
    { weight: 1, arbitrary: fc.constantFrom('\t', '\r', '\n', '\u0000', '\u00ff', '\u0100', '\u00e9') },
  ),
  maxLength: 30,
})
const headerName = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.string({ unit: fc.constantFrom(...'abcXYZ019-_'.split('')), minLength: 1, maxLength: 12 }),
  },
  { weight: 1, arbitrary: headerText },
)

const CLEAN_VALUE = fc.string({
  unit: fc.constantFrom(...'abcXYZ019 -_:;,="/()<>@[]?{}'.split('')),
  maxLength: 30,
})
const TOKEN = fc.string({ unit: fc.constantFrom(...'abcXYZ019-_'.split('')), minLength: 1, maxLength: 12 })

/** Header lines: the right Host most of the time, sometimes upgrade headers, and odd ones (`clean`: valid syntax). */
function headers(target: Target, clean: boolean): fc.Arbitrary<string[]> {
  const value = clean ? CLEAN_VALUE : headerText
  const host = fc.oneof(
    { weight: 6, arbitrary: fc.constant([`Host: 127.0.0.1:${target.port}`]) },
    { weight: 1, arbitrary: fc.constant([]) },
    { weight: 1, arbitrary: fc.constant([`Host: 127.0.0.1:${target.port}`, 'Host: evil.example']) },
    { weight: 1, arbitrary: value.map((text) => [`Host: ${text}`]) },
  )
  const upgrade = fc.oneof(
    fc.constant([]),
    fc.subarray(
      [
        'Upgrade: websocket',
        'Connection: Upgrade',
        'Sec-WebSocket-Version: 13',
        `Sec-WebSocket-Key: ${crypto.randomBytes(16).toString('base64')}`,
        `Origin: http://127.0.0.1:${target.port}`,
        `Sec-WebSocket-Protocol: ${WS_PROTOCOL}, ${WS_TOKEN_PREFIX}${target.token}`,
        `Sec-WebSocket-Protocol: ${WS_PROTOCOL}, ${WS_TOKEN_PREFIX}${'0'.repeat(64)}`,
        'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=99',
        'Sec-WebSocket-Version: 8',
        'Sec-WebSocket-Key: not-base64',
        'Upgrade: h2c',
      ],
      { minLength: 1 },
    ),
  )
  const odd = clean
    ? fc.array(
        fc.oneof(
          fc.tuple(TOKEN, CLEAN_VALUE).map(([name, text]) => `${name}: ${text}`),
          fc.constantFrom(
            'X-Long: ' + 'x'.repeat(20_000),
            'Expect: 100-continue',
            'Connection: close',
            'Accept: */*',
          ),
        ),
        { maxLength: 3 },
      )
    : fc.array(
        fc.oneof(
          fc.tuple(headerName, headerText).map(([name, text]) => `${name}: ${text}`),
          fc.constantFrom(
            'Content-Length: 5',
            'Content-Length: -1',
            'Content-Length: 99999999999999999999',
            'Content-Length: 1, 2',
            'Transfer-Encoding: chunked',
            'Transfer-Encoding: gzip, chunked',
            ' folded continuation',
            'NoColon',
            ': empty name',
          ),
        ),
        { maxLength: 4 },
      )
  return fc.tuple(host, upgrade, odd).map(([a, b, c]) => [...a, ...b, ...c])
}

function requestBytes(request: {
  method: string
  target: string
  version: string
  headers: string[]
  body: string
  lineEnd: string
  pieces: number
}): Buffer[] {
  const text =
    [`${request.method} ${request.target} ${request.version}`, ...request.headers].join(request.lineEnd) +
    request.lineEnd +
    request.lineEnd +
    request.body
  const bytes = Buffer.from(text, 'utf8')
  const size = Math.ceil(bytes.length / request.pieces)
  const chunks: Buffer[] = []
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size))
  return chunks
}

/**
 * A whole request as bytes, maybe cut in pieces. Most are well-formed HTTP with odd targets and
 * headers (they reach the server's own handlers); the rest break the syntax anywhere (the parser's).
 */
export function httpRequest(target: Target): fc.Arbitrary<Buffer[]> {
  const pieces = fc.integer({ min: 1, max: 3 })
  const wellFormed = fc.record({
    method: fc.constantFrom('GET', 'GET', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'),
    target: fc.oneof(
      fc.constantFrom(...TARGETS),
      fc.string({ unit: URL_CHARS, maxLength: 40 }).map((text) => `/${text}`),
      fc.string({ unit: URL_CHARS, maxLength: 40 }).map((text) => `//${text}`),
    ),
    version: fc.constantFrom('HTTP/1.1', 'HTTP/1.0'),
    headers: headers(target, true),
    body: fc.constant(''),
    lineEnd: fc.constant(CRLF),
    pieces,
  })
  const hostile = fc.record({
    method: methodName,
    target: requestTarget,
    version,
    headers: headers(target, false),
    body: fc.oneof(fc.constant(''), fc.string({ maxLength: 40 }), fc.constantFrom('0\r\n\r\n', 'zz\r\n')),
    lineEnd: fc.constantFrom(CRLF, CRLF, '\n', '\r'),
    pieces,
  })
  return fc
    .oneof({ weight: 3, arbitrary: wellFormed }, { weight: 2, arbitrary: hostile })
    .map((request) => requestBytes(request))
}

// ---------------------------------------------------------------------------------------------
// WebSocket frames

/** Payloads: protocol messages good and bad, unknown methods, bad JSON, invalid UTF-8, random bytes. */
export function payload(harmlessMethods: readonly string[]): fc.Arbitrary<Buffer> {
  const json = fc.oneof(
    fc.record({
      kind: fc.constant('call'),
      id: fc.oneof(fc.nat(), fc.integer(), fc.double(), fc.string()),
      method: fc.oneof(
        fc.constantFrom(...harmlessMethods, 'no.such', '__proto__', 'constructor', ''),
        fc.string(),
      ),
      params: fc.oneof(fc.constant({}), fc.jsonValue()),
    }),
    fc.record({
      kind: fc.constantFrom('subscribe', 'unsubscribe'),
      event: fc.oneof(fc.string(), fc.constant('jobs.update')),
    }),
    fc.jsonValue(),
  )
  return fc.oneof(
    { weight: 4, arbitrary: json.map((value) => Buffer.from(JSON.stringify(value) ?? 'null')) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('{', '{"kind":"call"', 'not json', '[]', 'null', '{"__proto__":{"x":1}}', '\u0000')
        .map((text) => Buffer.from(text)),
    },
    // Invalid UTF-8: a lone continuation byte, an overlong form, a surrogate, a cut sequence, 0xFF.
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(
          [0x80],
          [0xc0, 0xaf],
          [0xed, 0xa0, 0x80],
          [0xe2, 0x82],
          [0xff],
          [0x7b, 0xc3, 0x28, 0x7d],
        )
        .map((bytes) => Buffer.from(bytes)),
    },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)) },
  )
}

const opcode = fc.constantFrom(0x1, 0x1, 0x1, 0x2, 0x0, 0x8, 0x9, 0xa, 0x3, 0x7, 0xb, 0xf)

/** A sequence of frames after the handshake: single, fragmented, oversize, unmasked, reserved bits. */
export function frames(harmlessMethods: readonly string[]): fc.Arbitrary<Buffer[]> {
  const one = fc
    .record({
      kind: fc.constantFrom(
        'single',
        'single',
        'single',
        'fragmented',
        'oversize',
        'unmasked',
        'rsv',
        'control-too-long',
      ),
      opcode,
      payload: payload(harmlessMethods),
      pieces: fc.integer({ min: 2, max: 4 }),
    })
    .map(({ kind, opcode: op, payload: body, pieces }): Buffer[] => {
      switch (kind) {
        case 'fragmented': {
          const size = Math.max(1, Math.ceil(body.length / pieces))
          const parts: Buffer[] = []
          for (let at = 0, index = 0; at < Math.max(body.length, 1); at += size, index++) {
            const last = at + size >= body.length
            parts.push(
              frame({
                fin: last,
                rsv: 0,
                opcode: index === 0 ? op : 0,
                masked: true,
                payload: body.subarray(at, at + size),
              }),
            )
          }
          return parts
        }
        case 'oversize':
          // Declares more than the server's 4 MiB limit (or 2^53-ish), sends a few bytes.
          return [
            frame({
              fin: true,
              rsv: 0,
              opcode: op,
              masked: true,
              payload: body,
              declaredLength: 5 * 1024 * 1024,
            }),
          ]
        case 'unmasked':
          return [frame({ fin: true, rsv: 0, opcode: op, masked: false, payload: body })]
        case 'rsv':
          return [frame({ fin: true, rsv: 1 + (body.length % 7), opcode: op, masked: true, payload: body })]
        case 'control-too-long':
          return [frame({ fin: true, rsv: 0, opcode: 0x9, masked: true, payload: Buffer.alloc(200, 0x61) })]
        default:
          return [frame({ fin: true, rsv: 0, opcode: op, masked: true, payload: body })]
      }
    })
  return fc.array(one, { minLength: 1, maxLength: 4 }).map((list) => list.flat())
}

/** Where the frames go: the API socket, or a stream path (unknown id, odd encodings). */
export const socketPath = fc.oneof(
  { weight: 4, arbitrary: fc.constant('/api') },
  { weight: 1, arbitrary: fc.string({ unit: TARGET_CHARS, maxLength: 20 }).map((id) => `/stream/${id}`) },
)
