import { z } from 'zod'

/**
 * Every failure that crosses the API is one of these: a stable code the UI can translate, an English
 * message, and — whenever it is known — which host, which step, and what the user can do about it.
 */
export const ApiErrorDataSchema = z.object({
  code: z.string(),
  message: z.string(),
  host: z.string().optional(),
  step: z.string().optional(),
  hint: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
})
export type ApiErrorData = z.infer<typeof ApiErrorDataSchema>

export class ApiError extends Error implements ApiErrorData {
  readonly code: string
  readonly host?: string
  readonly step?: string
  readonly hint?: string
  readonly details?: Record<string, unknown>

  constructor(data: ApiErrorData) {
    super(data.message)
    this.name = 'ApiError'
    this.code = data.code
    if (data.host !== undefined) this.host = data.host
    if (data.step !== undefined) this.step = data.step
    if (data.hint !== undefined) this.hint = data.hint
    if (data.details !== undefined) this.details = data.details
  }

  toData(): ApiErrorData {
    const data: ApiErrorData = { code: this.code, message: this.message }
    if (this.host !== undefined) data.host = this.host
    if (this.step !== undefined) data.step = this.step
    if (this.hint !== undefined) data.hint = this.hint
    if (this.details !== undefined) data.details = this.details
    return data
  }

  static from(error: unknown): ApiError {
    if (error instanceof ApiError) return error
    const parsed = ApiErrorDataSchema.safeParse(error)
    if (parsed.success) return new ApiError(parsed.data)
    const message = error instanceof Error ? error.message : String(error)
    return new ApiError({ code: 'internal', message })
  }
}
