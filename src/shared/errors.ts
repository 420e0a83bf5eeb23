import * as z from 'zod/mini'
import { englishLine, englishText, msg, MessageSchema, withDetail, type Message } from './messages/message'

/**
 * Every failure that crosses the API is one of these: a stable code, an English message (logs), and —
 * whenever it is known — which host, which step, and what the user can do about it. `text` and
 * `hintText` are the same sentences as messages (shared/messages): the window shows those, in its
 * language, with the host's own output (`text.detail`) verbatim. New errors are made with
 * `ApiError.of(code, text, { host, hint })`, which writes the English from the messages.
 */
/** zod/mini, like MessageSchema: the window's first script parses every error with it. */
export const ApiErrorDataSchema = z.object({
  code: z.string(),
  message: z.string(),
  host: z.optional(z.string()),
  /** The step in English, for the logs; the window shows `stepText`, in its language. */
  step: z.optional(z.string()),
  hint: z.optional(z.string()),
  details: z.optional(z.record(z.string(), z.unknown())),
  text: z.optional(MessageSchema),
  hintText: z.optional(MessageSchema),
  stepText: z.optional(MessageSchema),
})
export type ApiErrorData = z.infer<typeof ApiErrorDataSchema>

/**
 * The step an error happened in: a message (area `errorSteps`; a command line is `commandStep(…)`), so
 * the window shows it in its language. A step written as an English string does not compile.
 */
export type ErrorStep = Message

export class ApiError extends Error implements ApiErrorData {
  readonly code: string
  readonly host?: string
  readonly step?: string
  readonly hint?: string
  readonly details?: Record<string, unknown>
  readonly text?: Message
  readonly hintText?: Message
  readonly stepText?: Message

  constructor(data: ApiErrorData) {
    super(data.message)
    this.name = 'ApiError'
    this.code = data.code
    if (data.host !== undefined) this.host = data.host
    if (data.step !== undefined) this.step = data.step
    if (data.hint !== undefined) this.hint = data.hint
    if (data.details !== undefined) this.details = data.details
    if (data.text !== undefined) this.text = data.text
    if (data.hintText !== undefined) this.hintText = data.hintText
    if (data.stepText !== undefined) this.stepText = data.stepText
  }

  /**
   * An error whose sentences are messages: the English `message`/`hint` are rendered from them (the
   * message with what the host printed, for the logs; the window shows the detail on its own).
   */
  static of(
    code: string,
    text: Message,
    extra: { host?: string; step?: ErrorStep; hint?: Message; details?: Record<string, unknown> } = {},
  ): ApiError {
    const { hint, step, ...rest } = extra
    const data: ApiErrorData = { code, message: englishLine(text), text, ...rest }
    if (hint !== undefined) {
      data.hint = englishText(hint)
      data.hintText = hint
    }
    if (step !== undefined) {
      data.step = englishText(step)
      data.stepText = step
    }
    return new ApiError(data)
  }

  toData(): ApiErrorData {
    const data: ApiErrorData = { code: this.code, message: this.message }
    if (this.host !== undefined) data.host = this.host
    if (this.step !== undefined) data.step = this.step
    if (this.hint !== undefined) data.hint = this.hint
    if (this.details !== undefined) data.details = this.details
    if (this.text !== undefined) data.text = this.text
    if (this.hintText !== undefined) data.hintText = this.hintText
    if (this.stepText !== undefined) data.stepText = this.stepText
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

/**
 * What went wrong, as a message to set inside another (`{{why, message}}`): an error the core made
 * with ApiError.of is its own message (its detail kept); anything else — node's, ssh2's, fetch's — is
 * "an error, quoted below" with its words as the detail, never set inside the sentence.
 */
export function causeText(error: unknown): Message {
  const data = ApiError.from(error)
  return data.text ?? withDetail(msg('common.failedSaidBelow'), data.message, 'local')
}

/** A step that is a command line, shown as the host ran it (data, never translated). */
export function commandStep(command: string): Message {
  return msg('errorSteps.command', { command })
}

/** An ApiErrorData's step fields from a message: its English for the logs, the message for the window. */
export function stepFields(step: Message): { step: string; stepText: Message } {
  return { step: englishText(step), stepText: step }
}

/**
 * An error as a message: its own when the core made it with ApiError.of, else its English wrapped as
 * `common.untranslated` (left unmarked in the pseudo-locale, so the browser walk finds it).
 */
export function errorText(error: ApiErrorData): Message {
  return error.text ?? msg('common.untranslated', { text: error.message })
}
