import { z } from 'zod'

/**
 * Typing text into a guest through VNC. QEMU turns what it receives into PC scancodes, and the guest
 * reads them with its own layout: to type "@" into an AZERTY guest, the client must press the key
 * where "@" is on AZERTY (AltGr + the "à 0" key), whatever the admin's own keyboard is. So each
 * character becomes the physical key (KeyboardEvent.code, which noVNC turns into the scancode of a
 * QEMU extended key event) plus the modifiers of the guest's layout, with the character's keysym.
 * That also suits a guest with a VNC keymap (QEMU then maps the keysym itself and never adds Shift or
 * AltGr: the client holds them).
 */

export const KEYBOARD_LAYOUTS = ['fr', 'us'] as const
export const KeyboardLayoutSchema = z.enum(KEYBOARD_LAYOUTS)
export type KeyboardLayout = z.infer<typeof KeyboardLayoutSchema>

/** The Hyperdesk setting (definition metadata) that holds a guest's layout. */
export const KEYBOARD_LAYOUT_SETTING = 'keyboardLayout'
/** The users' guests are French: a VM without the setting is taken as AZERTY. */
export const DEFAULT_KEYBOARD_LAYOUT: KeyboardLayout = 'fr'

export function keyboardLayoutOf(setting: string | undefined): KeyboardLayout {
  const parsed = KeyboardLayoutSchema.safeParse(setting)
  return parsed.success ? parsed.data : DEFAULT_KEYBOARD_LAYOUT
}

/**
 * The layout a VNC `keymap` of the definition means (`<graphics type='vnc' keymap='…'>`, QEMU's
 * keymap names: `fr`, `en-us`…); undefined for a keymap without a layout of ours (fr-be, de…).
 */
export function layoutOfVncKeymap(keymap: string | undefined): KeyboardLayout | undefined {
  if (keymap === 'fr') return 'fr'
  if (keymap === 'en-us' || keymap === 'us') return 'us'
  return undefined
}

/** Where a guest's layout was read: its Hyperdesk setting, its VNC keymap, or the cluster file's default. */
export const LAYOUT_SOURCES = ['setting', 'vncKeymap', 'cluster'] as const
export type LayoutSource = (typeof LAYOUT_SOURCES)[number]

/**
 * A guest's keyboard layout, read from its definition: the VM's Hyperdesk setting when it has one
 * (the admin chose it), else the layout its VNC keymap names (QEMU then maps keysyms with that table),
 * else the cluster file's `guestKeyboardLayout`.
 */
export function guestLayout(
  definition: { setting?: string; vncKeymap?: string },
  clusterDefault: KeyboardLayout,
): { layout: KeyboardLayout; from: LayoutSource } {
  const set = KeyboardLayoutSchema.safeParse(definition.setting)
  if (set.success) return { layout: set.data, from: 'setting' }
  const fromKeymap = layoutOfVncKeymap(definition.vncKeymap)
  if (fromKeymap) return { layout: fromKeymap, from: 'vncKeymap' }
  return { layout: clusterDefault, from: 'cluster' }
}

export interface KeyEvent {
  keysym: number
  /** KeyboardEvent.code of the physical key, e.g. "Digit0". */
  code: string
  down: boolean
}

const SHIFT = { keysym: 0xffe1, code: 'ShiftLeft' }
const ALTGR = { keysym: 0xfe03, code: 'AltRight' }
const ENTER = { keysym: 0xff0d, code: 'Enter' }
const TAB = { keysym: 0xff09, code: 'Tab' }

/** Per physical key: [plain, shifted, AltGr] characters ('' where none). */
type KeyRow = Record<string, readonly [string, string, string?]>

const letters = (codes: string): KeyRow =>
  Object.fromEntries(
    [...codes].map((letter) => [`Key${letter.toUpperCase()}`, [letter, letter.toUpperCase()] as const]),
  )

const US: KeyRow = {
  ...letters('abcdefghijklmnopqrstuvwxyz'),
  Backquote: ['`', '~'],
  Digit1: ['1', '!'],
  Digit2: ['2', '@'],
  Digit3: ['3', '#'],
  Digit4: ['4', '$'],
  Digit5: ['5', '%'],
  Digit6: ['6', '^'],
  Digit7: ['7', '&'],
  Digit8: ['8', '*'],
  Digit9: ['9', '('],
  Digit0: ['0', ')'],
  Minus: ['-', '_'],
  Equal: ['=', '+'],
  BracketLeft: ['[', '{'],
  BracketRight: [']', '}'],
  Backslash: ['\\', '|'],
  Semicolon: [';', ':'],
  Quote: ["'", '"'],
  Comma: [',', '<'],
  Period: ['.', '>'],
  Slash: ['/', '?'],
  Space: [' ', ' '],
}

/** Linux's fr (fr-latin9) console layout, as Debian guests load it; "^" and "¨" are dead keys there. */
const FR: KeyRow = {
  // AZERTY letters: only a/q, z/w and m move.
  ...letters('bcdefghijklnoprstuvxy'),
  KeyQ: ['a', 'A'],
  KeyA: ['q', 'Q'],
  KeyW: ['z', 'Z'],
  KeyZ: ['w', 'W'],
  Semicolon: ['m', 'M'],
  KeyE: ['e', 'E', '€'],
  Backquote: ['²', ''],
  Digit1: ['&', '1'],
  Digit2: ['é', '2', '~'],
  Digit3: ['"', '3', '#'],
  Digit4: ["'", '4', '{'],
  Digit5: ['(', '5', '['],
  Digit6: ['-', '6', '|'],
  Digit7: ['è', '7', '`'],
  Digit8: ['_', '8', '\\'],
  Digit9: ['ç', '9', '^'],
  Digit0: ['à', '0', '@'],
  Minus: [')', '°', ']'],
  Equal: ['=', '+', '}'],
  BracketRight: ['$', '£', '¤'],
  Quote: ['ù', '%'],
  Backslash: ['*', 'µ'],
  IntlBackslash: ['<', '>'],
  KeyM: [',', '?'],
  Comma: [';', '.'],
  Period: [':', '/'],
  Slash: ['!', '§'],
  Space: [' ', ' '],
}

interface Stroke {
  code: string
  shift: boolean
  altGr: boolean
}

function strokeTable(rows: KeyRow): ReadonlyMap<string, Stroke> {
  const table = new Map<string, Stroke>()
  for (const [code, [plain, shifted, altGr]] of Object.entries(rows)) {
    // The first way found wins: plain before shifted before AltGr.
    if (plain && !table.has(plain)) table.set(plain, { code, shift: false, altGr: false })
    if (shifted && !table.has(shifted)) table.set(shifted, { code, shift: true, altGr: false })
    if (altGr && !table.has(altGr)) table.set(altGr, { code, shift: false, altGr: true })
  }
  return table
}

const TABLES: Record<KeyboardLayout, ReadonlyMap<string, Stroke>> = {
  fr: strokeTable(FR),
  us: strokeTable(US),
}

/** X11 keysym of a character: Latin-1 is its code point; the rest is 0x01000000 + code point. */
export function keysymOf(character: string): number {
  if (character === '€') return 0x20ac
  const point = character.codePointAt(0) ?? 0
  return point < 0x100 ? point : 0x01000000 + point
}

/** Characters of `text` that cannot be typed on `layout` (deduplicated, in order). */
export function untypable(text: string, layout: KeyboardLayout): string[] {
  const table = TABLES[layout]
  const missing = new Set<string>()
  for (const character of text)
    if (character !== '\n' && character !== '\r' && character !== '\t' && !table.has(character))
      missing.add(character)
  return [...missing]
}

/** The key presses that type `text` into a guest with `layout`; "\n" is Enter. */
export function keyStrokes(text: string, layout: KeyboardLayout): KeyEvent[] {
  const missing = untypable(text, layout)
  if (missing.length > 0)
    throw new Error(`Cannot type ${missing.map((c) => JSON.stringify(c)).join(' ')} on a ${layout} keyboard.`)
  const table = TABLES[layout]
  const events: KeyEvent[] = []
  const press = (key: { keysym: number; code: string }) =>
    events.push({ ...key, down: true }, { ...key, down: false })
  for (const character of text.replace(/\r\n?/g, '\n')) {
    if (character === '\n') {
      press(ENTER)
      continue
    }
    if (character === '\t') {
      press(TAB)
      continue
    }
    const stroke = table.get(character)!
    const key = { keysym: keysymOf(character), code: stroke.code }
    const modifiers = [...(stroke.shift ? [SHIFT] : []), ...(stroke.altGr ? [ALTGR] : [])]
    for (const modifier of modifiers) events.push({ ...modifier, down: true })
    press(key)
    for (const modifier of modifiers.reverse()) events.push({ ...modifier, down: false })
  }
  return events
}
