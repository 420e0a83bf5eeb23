import * as z from 'zod/mini'
import { MESSAGE_AREAS } from './areas'
import { englishCatalog } from './english-registry'
import {
  formatDateTime,
  formatDuration,
  formatList,
  formatNumber,
  formatPercent,
  formatSize,
  formatTime,
  pluralRules,
  UNIT_LABELS_EN,
  type UnitLabels,
} from './format'

/**
 * One shape for every text the core sends to the window: a code from the catalog and typed
 * parameters. The window renders it in its language (src/renderer/src/i18n/messages.ts); the core
 * renders it in English for its own logs and the hosts' audit lines (`englishText`). What a host's
 * tool printed (virsh, ceph, rbd stderr) cannot be translated: it travels as `detail` and is shown
 * verbatim in a "the host said" block marked lang="en".
 */

type Catalog = typeof import('./catalog').MESSAGES_EN
export type MessageArea = keyof Catalog
export type MessageCode = { [A in MessageArea]: `${A}.${keyof Catalog[A] & string}` }[MessageArea]
export type PluralEntry = { readonly one: string; readonly other: string; readonly many?: string }
export type MessageEntry = string | PluralEntry

/** A parameter's kind, after the comma in `{{name, kind}}`, and the value it takes. */
export interface ParamKinds {
  /** Bytes, written with a binary unit ("2.3 GiB", "2,3 Gio"). */
  size: number
  /** KiB (libvirt's memory figures). */
  kib: number
  /** MiB. */
  mib: number
  /** A ratio 0..1 ("57 %"). */
  percent: number
  /** A clock time, ms since epoch ("07:51"). */
  time: number
  /** A date and time, ms since epoch. */
  datetime: number
  /** A duration in ms ("2 min 3 s"). */
  duration: number
  number: number
  /** Items joined as the language joins them ("a, b and c"). */
  list: readonly string[]
  /** Another message, rendered in the same language (an error inside a check…). */
  message: Message
  /** Several messages, one after the other (the reasons of a refusal). */
  messages: readonly Message[]
  /** Several short messages joined as the language joins a list ("a, b and c"): named parts. */
  messageList: readonly Message[]
}
export type ParamKind = keyof ParamKinds
export const PARAM_KINDS: readonly ParamKind[] = [
  'size',
  'kib',
  'mib',
  'percent',
  'time',
  'datetime',
  'duration',
  'number',
  'list',
  'message',
  'messages',
  'messageList',
]

export type ParamValue = string | number | readonly string[] | Message | readonly Message[]
/**
 * Who said a detail in its own words: a host's tool (the default), OVH's API, or a library or the
 * system on this machine (node, ssh2, a validator): each has its caption above the verbatim block.
 */
export type DetailFrom = 'host' | 'ovh' | 'local'
export interface Message {
  code: MessageCode
  params?: Record<string, ParamValue>
  /** What a host's tool (or OVH, or a library: `detailFrom`) said, verbatim (never translated). */
  detail?: string
  /** Who said the detail; absent: the host. */
  detailFrom?: DetailFrom
}

// ---- typed parameters, read from the English template at compile time ----

type EntryOf<C> = C extends `${infer A}.${infer K}`
  ? A extends MessageArea
    ? K extends keyof Catalog[A]
      ? Catalog[A][K]
      : never
    : never
  : never
type TemplatesOf<E> = E extends string ? E : E extends PluralEntry ? E['one'] | E['other'] : never
type Placeholders<S> = S extends `${string}{{${infer P}}}${infer Rest}` ? P | Placeholders<Rest> : never
type StripBrace<P> = P extends `{${infer Q}` ? StripBrace<Q> : P
type NameOf<P> = P extends `${infer N}, ${string}` ? N : P
type ValueOf<P> = P extends `${string}, ${infer K}`
  ? K extends ParamKind
    ? ParamKinds[K]
    : never
  : string | number
type ParamsOfTemplate<S> = { [P in StripBrace<Placeholders<S>> as NameOf<P>]: ValueOf<P> }
/** The parameters a code takes, by name and kind, from its English sentence. */
export type ParamsOf<C extends MessageCode> = ParamsOfTemplate<TemplatesOf<EntryOf<C>>>
type ParamsArg<C extends MessageCode> = keyof ParamsOf<C> extends never
  ? [params?: ParamsOf<C>]
  : [params: ParamsOf<C>]

/** A message: `msg('migrationChecks.memoryShort', { name, to, need, available })`. */
export function msg<C extends MessageCode>(code: C, ...[params]: ParamsArg<C>): Message {
  return params && Object.keys(params).length > 0
    ? { code, params: params as Record<string, ParamValue> }
    : { code }
}

/**
 * The same message with what the host's tool printed (or OVH, or a local library: `from`), kept
 * verbatim (trimmed, bounded). Foreign words go here, never into a parameter: a parameter is set
 * inside a sentence of the window's language (test/unit/foreign-words.test.ts).
 */
export function withDetail(message: Message, output: string | undefined, from?: DetailFrom): Message {
  const detail = output?.trim()
  if (!detail) return message
  return {
    ...message,
    detail: detail.length > 4000 ? `${detail.slice(0, 4000)}…` : detail,
    ...(from && from !== 'host' ? { detailFrom: from } : {}),
  }
}

/** A detail and who said it. */
export interface SaidDetail {
  text: string
  from: DetailFrom
}

/**
 * Every detail under a message: its own, then its nested messages' (a refusal's reason, a firewall
 * outcome's cause), each once — so what a tool said is shown however deep the core nested it.
 */
export function detailsOf(message: Message): SaidDetail[] {
  const found: SaidDetail[] = []
  const walk = (current: Message): void => {
    if (current.detail && !found.some((seen) => seen.text === current.detail))
      found.push({ text: current.detail, from: current.detailFrom ?? 'host' })
    for (const value of Object.values(current.params ?? {})) {
      if (isMessage(value)) walk(value)
      else if (Array.isArray(value)) for (const item of value) if (isMessage(item)) walk(item)
    }
  }
  walk(message)
  return found
}

// ---- the wire ----

// Written with zod/mini, as are the error and the envelope around it (errors.ts, wire.ts): the window's
// first script parses every answer with them and carries zod's small core, not its whole API (issue 23
// item 5). Other schemas embed them as usual: `z.optional(MessageSchema)`, `z.array(MessageSchema)`.
const ParamValueSchema: z.ZodMiniType<ParamValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.readonly(z.array(z.string())),
    MessageSchema,
    z.readonly(z.array(MessageSchema)),
  ]),
)
export const MessageSchema: z.ZodMiniType<Message> = z.lazy(() =>
  z.object({
    code: z
      .string()
      .check(z.refine(isMessageCode, { message: 'unknown message code' })) as z.ZodMiniType<MessageCode>,
    params: z.optional(z.record(z.string(), ParamValueSchema)),
    detail: z.optional(z.string()),
    detailFrom: z.optional(z.enum(['host', 'ovh', 'local'])),
  }),
)

/**
 * A code's shape: a catalog area and a key. Every `msg()` call is checked against the catalog by the
 * compiler; what comes over the wire or from a saved record is checked here without the English
 * sentences, which the window's first script does not carry (an unknown key shows as its code).
 * The core checks membership with isKnownMessageCode.
 */
export function isMessageCode(code: string): code is MessageCode {
  const dot = code.indexOf('.')
  return dot > 0 && AREA_NAMES.has(code.slice(0, dot)) && /^[\w-]+$/.test(code.slice(dot + 1))
}
const AREA_NAMES: ReadonlySet<string> = new Set(MESSAGE_AREAS)

/** Whether the English catalog has this code (the core's check; the window has no English catalog). */
export function isKnownMessageCode(code: string): code is MessageCode {
  const english = englishCatalog()
  return english !== undefined && catalogEntry(english, code) !== undefined
}

export function isMessage(value: unknown): value is Message {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Message).code === 'string' &&
    isMessageCode((value as Message).code)
  )
}

// ---- rendering (shared by the core's English and the tests) ----

/** `area.key` → the catalog's entry. */
export function catalogEntry(
  catalog: Record<string, Record<string, MessageEntry>>,
  code: string,
): MessageEntry | undefined {
  const dot = code.indexOf('.')
  if (dot < 0) return undefined
  const area = catalog[code.slice(0, dot)]
  return area && Object.hasOwn(area, code.slice(dot + 1)) ? area[code.slice(dot + 1)] : undefined
}

/** Placeholders of a sentence, `name` or `name, kind`, sorted: the completeness test compares them. */
export function placeholdersOf(entry: MessageEntry): string[] {
  const texts = typeof entry === 'string' ? [entry] : Object.values(entry)
  const found = new Set<string>()
  for (const text of texts)
    for (const match of text.matchAll(PLACEHOLDER))
      found.add(match[2] ? `${match[1]}, ${match[2]}` : match[1]!)
  return [...found].sort()
}
const PLACEHOLDER = /\{\{(\w+)(?:,\s*(\w+))?\}\}/g

/** One parameter in a language (`render` renders nested messages). */
export function formatParam(
  locale: string,
  units: UnitLabels,
  value: unknown,
  kind: string | undefined,
  render: (message: Message) => string,
): string {
  if (value === undefined || value === null) return ''
  switch (kind) {
    case 'size':
      return formatSize(locale, units, Number(value))
    case 'kib':
      return formatSize(locale, units, Number(value) * 1024)
    case 'mib':
      return formatSize(locale, units, Number(value) * 1024 * 1024, { unit: 'MiB' })
    case 'percent':
      return formatPercent(locale, Number(value))
    case 'time':
      return formatTime(locale, Number(value))
    case 'datetime':
      return formatDateTime(locale, Number(value))
    case 'duration':
      return formatDuration(locale, Number(value))
    case 'number':
      return formatNumber(locale, Number(value))
    case 'list':
      return formatList(locale, Array.isArray(value) ? value.map(String) : [String(value)])
    case 'message':
      return isMessage(value) ? render(value) : String(value)
    case 'messages':
      return Array.isArray(value)
        ? value.map((item) => (isMessage(item) ? render(item) : String(item))).join(' ')
        : ''
    case 'messageList':
      return Array.isArray(value)
        ? formatList(
            locale,
            value.map((item) => (isMessage(item) ? render(item) : String(item))),
          )
        : ''
    default:
      return typeof value === 'number' ? formatNumber(locale, value, { useGrouping: false }) : String(value)
  }
}

/** The sentence of an entry for a count (plural rules of the language). */
export function pickEntry(locale: string, entry: MessageEntry, count: unknown): string {
  if (typeof entry === 'string') return entry
  const category = pluralRules(locale).select(Number(count ?? 0))
  return (entry as Record<string, string | undefined>)[category] ?? entry.other
}

/** Fills a template's placeholders with formatted parameters. */
export function fillTemplate(
  template: string,
  params: Record<string, unknown>,
  format: (value: unknown, kind: string | undefined) => string,
): string {
  return template.replace(PLACEHOLDER, (_, name: string, kind: string | undefined) =>
    format(params[name], kind),
  )
}

/** The core's English rendering of a message (logs, audit lines, the `message` of an ApiError). */
export function englishText(message: Message): string {
  const english = englishCatalog()
  const entry = english && catalogEntry(english, message.code)
  if (entry === undefined) return message.code
  const params = message.params ?? {}
  return fillTemplate(pickEntry('en', entry, params.count), params, (value, kind) =>
    formatParam('en', UNIT_LABELS_EN, value, kind, englishText),
  )
}

const SAID_EN: Record<DetailFrom, string> = {
  host: 'the host said',
  ovh: 'OVH said',
  local: 'in its own words',
}

/** English with what the tools said appended (the nested messages' too): one log line. */
export function englishLine(message: Message): string {
  const said = detailsOf(message).map((detail) => ` (${SAID_EN[detail.from]}: ${detail.text})`)
  return `${englishText(message)}${said.join('')}`
}

/**
 * A translation of the whole catalog: every area, every code (a missing one is a compile error), a
 * plural entry where English has one. Placeholders are compared by test/unit/messages.test.ts.
 */
export type MessageCatalog = {
  readonly [A in MessageArea]: {
    readonly [K in keyof Catalog[A]]: Catalog[A][K] extends string ? string : PluralEntry
  }
}
