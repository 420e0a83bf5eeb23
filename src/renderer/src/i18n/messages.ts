import type { i18n as I18n, TFunction } from 'i18next'
// From the modules, not the barrel: the barrel also builds the checks' schemas (full zod), which the
// window's first script does not need (issue 23 item 5).
import { formatParam, PARAM_KINDS, type Message, type MessageEntry } from '../../../shared/messages/message'
import { SIZE_UNITS, UNIT_LABELS_EN, type UnitLabels } from '../../../shared/messages/format'

/**
 * The window's side of shared/messages: the catalogs become i18next resources (plural entries as
 * `key_one`/`key_other`…), each parameter kind is an i18next formatter that writes through `Intl` in
 * the UI's language, and `renderMessage` turns a core message into the sentence the user reads.
 */

export const UNIT_LABELS_FR: UnitLabels = {
  B: 'o',
  KiB: 'Kio',
  MiB: 'Mio',
  GiB: 'Gio',
  TiB: 'Tio',
  PiB: 'Pio',
}

const PLURAL_CATEGORIES = ['zero', 'one', 'two', 'few', 'many', 'other'] as const

type Tree = { [key: string]: string | Tree }
type PluralCategory = (typeof PLURAL_CATEGORIES)[number]
/** The resources' type: plural entries as `key_one`…, so translation keys stay typed. */
export type MessageResources<C> = {
  [A in keyof C]: {
    [
      K in keyof C[A] as C[A][K] extends string ? K : `${K & string}_${PluralCategory}`
    ]: C[A][K] extends string ? C[A][K] : string
  }
}

/** A catalog as i18next resources: `{ one, other }` entries become `key_one`, `key_other`, … */
export function messageResources<C extends Record<string, Record<string, MessageEntry>>>(
  catalog: C,
): MessageResources<C> {
  return messageTree(catalog) as MessageResources<C>
}

function messageTree(catalog: Record<string, Record<string, MessageEntry>>): Tree {
  const out: Tree = {}
  for (const [area, entries] of Object.entries(catalog)) {
    const flat: Tree = {}
    for (const [key, entry] of Object.entries(entries)) {
      if (typeof entry === 'string') flat[key] = entry
      else
        for (const category of PLURAL_CATEGORIES)
          flat[`${key}_${category}`] = (entry as Record<string, string | undefined>)[category] ?? entry.other
    }
    out[area] = flat
  }
  return out
}

/**
 * French typography: a no-break space before ":" and "»", a narrow one before ";", "!" and "?", and
 * after "«", so a colon never starts a line ("Fichier :").
 */
export function frenchSpacing(text: string): string {
  return text
    .replace(/ ([:»])/g, '\u00a0$1')
    .replace(/ ([;!?])/g, '\u202f$1')
    .replace(/« /g, '«\u00a0')
}

/** Applies `fn` to every string of a resource tree. */
export function mapStrings<T>(tree: T, fn: (text: string) => string): T {
  if (typeof tree === 'string') return fn(tree) as T
  if (Array.isArray(tree)) return tree.map((item) => mapStrings(item, fn)) as T
  if (tree && typeof tree === 'object')
    return Object.fromEntries(Object.entries(tree).map(([k, v]) => [k, mapStrings(v, fn)])) as T
  return tree
}

/** The pseudo-locale: every catalog string marked, so untranslated text stands out. */
export const PSEUDO_OPEN = '⟦'
export const PSEUDO_CLOSE = '⟧'
export function pseudoText(text: string): string {
  return `${PSEUDO_OPEN}${text}${PSEUDO_CLOSE}`
}

/** The locale `Intl` writes with for a UI language (the pseudo-locale writes as English). */
export function intlLocale(language: string | undefined): string {
  return language === 'fr' ? 'fr-FR' : 'en-GB'
}

/** The binary unit names of a language, from its catalog (`units.MiB` → "Mio"). */
export function unitLabels(i18n: I18n, lng: string | undefined): UnitLabels {
  const labels = { ...UNIT_LABELS_EN }
  for (const unit of SIZE_UNITS)
    labels[unit] = String(i18n.t(`units.${unit}`, { lng, defaultValue: UNIT_LABELS_EN[unit] } as never))
  return labels
}

/** Registers one i18next formatter per parameter kind (`{{need, size}}`…) on an instance. */
export function addMessageFormatters(i18n: I18n): void {
  const formatter = i18n.services.formatter
  if (!formatter) return
  for (const kind of PARAM_KINDS)
    formatter.add(kind, (value: unknown, lng: string | undefined) =>
      formatParam(intlLocale(lng), unitLabels(i18n, lng), value, kind, (nested) =>
        renderMessage(i18n.getFixedT(lng ?? i18n.language), nested),
      ),
    )
}

/** A core message as the user reads it, in the window's language (without its `detail`). */
export function renderMessage(t: TFunction, message: Message): string {
  return String(t(message.code, { ...message.params, interpolation: { escapeValue: false } } as never))
}
