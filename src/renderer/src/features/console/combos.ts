import type RFB from '@novnc/novnc'

/** Key combinations a local OS or browser would keep for itself, sent to the guest from a menu. */
export interface Combo {
  label: string
  keys: readonly { keysym: number; code: string }[]
}

const CTRL = { keysym: 0xffe3, code: 'ControlLeft' }
const ALT = { keysym: 0xffe9, code: 'AltLeft' }
const fKey = (n: number) => ({ keysym: 0xffbd + n, code: `F${n}` })

export const COMBOS: readonly Combo[] = [
  ...[1, 2, 3, 7].map((n) => ({ label: `Ctrl+Alt+F${n}`, keys: [CTRL, ALT, fKey(n)] })),
  { label: 'Ctrl+Alt+Backspace', keys: [CTRL, ALT, { keysym: 0xff08, code: 'Backspace' }] },
  { label: 'Alt+Tab', keys: [ALT, { keysym: 0xff09, code: 'Tab' }] },
  { label: 'Ctrl+C', keys: [CTRL, { keysym: 0x63, code: 'KeyC' }] },
  { label: 'Ctrl+D', keys: [CTRL, { keysym: 0x64, code: 'KeyD' }] },
  {
    label: 'Alt+SysRq+S',
    keys: [ALT, { keysym: 0xff15, code: 'PrintScreen' }, { keysym: 0x73, code: 'KeyS' }],
  },
]

/** Presses the keys in order, then releases them in reverse, as fingers would. */
export function sendCombo(rfb: RFB, combo: Combo): void {
  for (const key of combo.keys) rfb.sendKey(key.keysym, key.code, true)
  for (const key of [...combo.keys].reverse()) rfb.sendKey(key.keysym, key.code, false)
}
