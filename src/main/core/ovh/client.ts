import { ApiError } from '../../../shared/errors'
import { msg, withDetail, type Message } from '../../../shared/messages'
import type { OvhCredentials } from './credentials'
import { OvhClock, ovhSignature } from './signer'

/**
 * A small typed client of OVH's API v1: signs every authenticated call (signer.ts) with OVH's clock
 * (read once from GET /auth/time), sends compact JSON, and turns OVH's errors into ApiErrors that say
 * what OVH answered. Secrets stay in this object: errors, logs and results never carry them.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE'

export interface OvhRequest {
  method: HttpMethod
  /** Path under the base URL, starting with '/': already encoded (see pathOf). */
  path: string
  query?: Record<string, string | undefined>
  body?: unknown
  /** Calls OVH marks `noAuthentication` (GET /auth/time, POST /auth/credential). */
  noAuth?: boolean
  signal?: AbortSignal
}

export type Fetch = (url: string, init: RequestInit) => Promise<Response>

/** OVH's error answer, as its API sends it: `{"message": "...", "errorCode"?: "...", "httpCode"?: "..."}` */
export class OvhHttpError extends ApiError {
  constructor(
    readonly status: number,
    readonly ovhMessage: string,
    readonly errorCode: string | undefined,
    method: HttpMethod,
    path: string,
  ) {
    super(
      ApiError.of(
        `ovh.http.${status}`,
        withDetail(msg('ovhErrors.httpRefused', { method, path, status }), ovhMessage, 'ovh'),
        {
          step: msg('errorSteps.ovhRequest', { method, path }),
          hint: hintFor(status),
          details: { status, ovhMessage, ...(errorCode ? { errorCode } : {}) },
        },
      ).toData(),
    )
  }
}

function hintFor(status: number): Message {
  if (status === 403) return msg('ovhErrors.http403Hint')
  if (status === 409) return msg('ovhErrors.http409Hint')
  if (status === 400) return msg('ovhErrors.http400Hint')
  if (status === 404) return msg('ovhErrors.http404Hint')
  if (status === 401) return msg('ovhErrors.http401Hint')
  return msg('ovhErrors.httpOtherHint')
}

/** `/dedicated/server/{serviceName}/…` with each parameter encoded (`1.2.3.0/29` → `1.2.3.0%2F29`). */
export function pathOf(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{([A-Za-z]+)\}/g, (_, name: string) => {
    const value = params[name]
    if (value === undefined) throw new Error(`missing path parameter ${name}`)
    return encodeURIComponent(String(value))
  })
}

export class OvhClient {
  readonly clock: OvhClock
  private readonly fetcher: Fetch

  constructor(
    private readonly credentials: OvhCredentials,
    options: { fetch?: Fetch; now?: () => number; timeoutMs?: number } = {},
  ) {
    this.clock = new OvhClock(options.now)
    this.fetcher = options.fetch ?? ((url, init) => fetch(url, init))
    this.timeoutMs = options.timeoutMs ?? 30_000
  }
  private readonly timeoutMs: number

  get endpoint(): string {
    return this.credentials.endpoint
  }

  /** Reads OVH's clock (GET /auth/time) and keeps the offset from ours. */
  async syncClock(signal?: AbortSignal): Promise<number> {
    const seconds = await this.request<number>({
      method: 'GET',
      path: '/auth/time',
      noAuth: true,
      ...(signal ? { signal } : {}),
    })
    if (typeof seconds !== 'number' || !Number.isFinite(seconds))
      throw ApiError.of(
        'ovh.time',
        msg('ovhErrors.badTime', { answer: JSON.stringify(seconds) ?? 'nothing' }),
      )
    this.clock.set(seconds)
    return seconds
  }

  async request<T>(request: OvhRequest): Promise<T> {
    if (!request.noAuth && !this.clock.known) await this.syncClock(request.signal)
    const query = new URLSearchParams()
    for (const [key, value] of Object.entries(request.query ?? {}))
      if (value !== undefined) query.set(key, value)
    const search = query.toString()
    const url = this.credentials.baseUrl + request.path + (search ? `?${search}` : '')
    const body = request.body === undefined ? '' : JSON.stringify(request.body)
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'X-Ovh-Application': this.credentials.applicationKey,
    }
    if (body !== '') headers['Content-Type'] = 'application/json'
    if (!request.noAuth) {
      const timestamp = this.clock.seconds()
      headers['X-Ovh-Consumer'] = this.credentials.consumerKey
      headers['X-Ovh-Timestamp'] = String(timestamp)
      headers['X-Ovh-Signature'] = ovhSignature({
        applicationSecret: this.credentials.applicationSecret,
        consumerKey: this.credentials.consumerKey,
        method: request.method,
        url,
        body,
        timestamp,
      })
    }
    const timeout = AbortSignal.timeout(this.timeoutMs)
    const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout
    let response: Response
    try {
      response = await this.fetcher(url, {
        method: request.method,
        headers,
        ...(body !== '' ? { body } : {}),
        signal,
      })
    } catch (error) {
      const names = { method: request.method, path: request.path }
      throw ApiError.of(
        'ovh.unreachable',
        withDetail(
          msg('ovhErrors.unreachable', { url: this.credentials.baseUrl, ...names }),
          error instanceof Error ? error.message : String(error),
          'local',
        ),
        { step: msg('errorSteps.ovhRequest', names), hint: msg('ovhErrors.unreachableHint') },
      )
    }
    const text = await response.text()
    let parsed: unknown = null
    if (text !== '') {
      try {
        parsed = JSON.parse(text)
      } catch {
        parsed = text
      }
    }
    if (!response.ok) {
      const record = (parsed && typeof parsed === 'object' ? parsed : {}) as Record<string, unknown>
      const message = typeof record['message'] === 'string' ? record['message'] : String(text).slice(0, 300)
      const errorCode = typeof record['errorCode'] === 'string' ? record['errorCode'] : undefined
      throw new OvhHttpError(response.status, message, errorCode, request.method, request.path)
    }
    return parsed as T
  }
}
