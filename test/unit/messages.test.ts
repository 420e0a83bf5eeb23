/**
 * The message model (shared/messages): every code has its French with the same placeholders, the
 * parameters are typed, and the window renders sizes, percentages, times and plurals through Intl in
 * its language — compared with Intl's own output in this runtime, never with hard-coded bytes.
 */
import fs from 'node:fs'
import path from 'node:path'
import i18next from 'i18next'
import { MESSAGES_EN } from '../../src/shared/messages/catalog'
import { describe, expect, it } from 'vitest'
import {
  englishLine,
  englishText,
  isKnownMessageCode,
  isMessage,
  MessageSchema,
  msg,
  PARAM_KINDS,
  placeholdersOf,
  withDetail,
  type MessageEntry,
} from '../../src/shared/messages'
import { ApiError, ApiErrorDataSchema, commandStep } from '../../src/shared/errors'
import { checkLine, CheckSchema, worstLevel } from '../../src/shared/messages/check'
import { messagesFr } from '../../src/renderer/src/i18n/messages.fr'
import { addMessageFormatters, frenchSpacing, renderMessage } from '../../src/renderer/src/i18n/messages'
import { i18nOptions, type Language } from '../../src/renderer/src/i18n'
import { errorSentences } from '../../src/renderer/src/components/error-sentence'

type Catalog = Record<string, Record<string, MessageEntry>>
const en = MESSAGES_EN as unknown as Catalog
const fr = messagesFr as unknown as Catalog

async function instance(language: Language) {
  const i18n = i18next.createInstance()
  await i18n.init(await i18nOptions(language))
  addMessageFormatters(i18n)
  return i18n
}

describe('message catalogs', () => {
  it('has every code in French, nothing more, with the same placeholders and plural shape', () => {
    expect(Object.keys(fr).sort()).toEqual(Object.keys(en).sort())
    let codes = 0
    for (const [area, entries] of Object.entries(en)) {
      expect(Object.keys(fr[area]!).sort(), area).toEqual(Object.keys(entries).sort())
      for (const [key, entry] of Object.entries(entries)) {
        const french = fr[area]![key]!
        codes++
        expect(typeof french, `${area}.${key}`).toBe(typeof entry)
        expect(placeholdersOf(french), `${area}.${key}`).toEqual(placeholdersOf(entry))
        for (const text of typeof french === 'string' ? [french] : Object.values(french))
          expect(text.trim().length, `${area}.${key}`).toBeGreaterThan(0)
      }
    }
    expect(codes).toBeGreaterThan(100)
  })

  it('gives message areas names no UI namespace uses (they share one i18next namespace)', async () => {
    const { en: ui } = await import('../../src/renderer/src/i18n/en')
    const others = await Promise.all(
      ['cluster', 'migration', 'storage', 'ceph', 'maintenance', 'console', 'updates', 'fencing'].map(
        async (name) => Object.values(await import(`../../src/renderer/src/i18n/${name}.en.ts`))[0] as object,
      ),
    )
    const namespaces = [ui, ...others].flatMap((catalog) => Object.keys(catalog))
    for (const area of Object.keys(en)) expect(namespaces, area).not.toContain(area)
  })

  it('uses only known parameter kinds', () => {
    for (const [area, entries] of Object.entries(en))
      for (const [key, entry] of Object.entries(entries))
        for (const placeholder of placeholdersOf(entry)) {
          const kind = placeholder.split(', ')[1]
          if (kind !== undefined) expect(PARAM_KINDS, `${area}.${key}: ${placeholder}`).toContain(kind)
        }
  })

  it('detects a translation whose placeholders differ (the check itself works)', () => {
    expect(placeholdersOf('{{name}} runs on {{host}}')).not.toEqual(
      placeholdersOf('{{name}} tourne sur {{hote}}'),
    )
    expect(placeholdersOf('{{need, size}} needed')).not.toEqual(placeholdersOf('{{need}} nécessaires'))
  })
})

describe('messages on the wire', () => {
  it('types parameters from the English sentence', () => {
    const ok = msg('common.hostCommandFailed', { command: 'virsh start', host: 'hv1' })
    expect(ok).toEqual({ code: 'common.hostCommandFailed', params: { command: 'virsh start', host: 'hv1' } })
    // @ts-expect-error a missing parameter is a compile error
    msg('common.hostCommandFailed', { command: 'virsh start' })
    // @ts-expect-error a size takes a number of bytes
    msg('common.invalidValue', { field: 'size', problem: 'big' })
    // @ts-expect-error an unknown code is a compile error
    msg('common.noSuchCode')
  })

  it('accepts well-formed codes of known areas, nested messages included', () => {
    const nested = msg('common.invalidValue', {
      field: 'size',
      problem: msg('common.hostCommandTimedOut', { command: 'rbd info', host: 'hv2', seconds: 10 }),
    })
    expect(MessageSchema.parse(nested)).toEqual(nested)
    expect(MessageSchema.safeParse({ code: 'nosuchArea.nope' }).success).toBe(false)
    expect(MessageSchema.safeParse({ code: 'nope' }).success).toBe(false)
    expect(MessageSchema.safeParse({ code: 'common.' }).success).toBe(false)
    expect(MessageSchema.safeParse({ code: 'common.a b' }).success).toBe(false)
    // membership is the core's check (the window carries no English catalog)
    expect(isKnownMessageCode('common.invalidValue')).toBe(true)
    expect(isKnownMessageCode('common.nope')).toBe(false)
    expect(isMessage(nested)).toBe(true)
  })

  it('keeps what the host printed verbatim as detail, and the core renders English for logs', () => {
    const failed = withDetail(
      msg('common.hostCommandFailed', { command: 'virsh start web1', host: 'hv1' }),
      "error: Failed to start domain 'web1'\nerror: internal error\n",
    )
    expect(failed.detail).toBe("error: Failed to start domain 'web1'\nerror: internal error")
    expect(englishText(failed)).toBe('virsh start web1 failed on hv1.')
    expect(englishLine(failed)).toContain("(the host said: error: Failed to start domain 'web1'")
    expect(withDetail(failed, '  \n')).toBe(failed)
  })

  it('makes errors whose English is rendered from their messages', () => {
    const error = ApiError.of(
      'remote.failed',
      msg('common.hostCommandFailed', { command: 'rbd ls', host: 'hv3' }),
      {
        host: 'hv3',
        hint: msg('common.internal'),
      },
    )
    expect(error.message).toBe('rbd ls failed on hv3.')
    expect(error.hint).toBe('Hyperdesk hit an internal error (its words below).')
    expect(ApiError.from(JSON.parse(JSON.stringify(error.toData()))).text).toEqual(error.text)
  })
})

describe('rendering in the window’s language', () => {
  it('renders French, with Intl’s own number and list formats', async () => {
    const i18n = await instance('fr')
    const count = new Intl.NumberFormat('fr-FR').format(2396)
    expect(renderMessage(i18n.t, msg('common.vmCount', { count: 2396 }))).toBe(`${count} VM`)
    expect(renderMessage(i18n.t, msg('common.itemCount', { count: 1 }))).toBe('1 élément')
    expect(renderMessage(i18n.t, msg('common.itemCount', { count: 2 }))).toBe('2 éléments')
    const nested = msg('common.invalidValue', {
      field: 'size',
      problem: msg('common.hostCommandTimedOut', { command: 'rbd info', host: 'hv2', seconds: 10 }),
    })
    expect(renderMessage(i18n.t, nested)).toBe(
      frenchSpacing('size n’est pas valide : rbd info n’a pas répondu sur hv2 en 10 s.'),
    )
  })

  it('renders English with English plurals', async () => {
    const i18n = await instance('en')
    expect(renderMessage(i18n.t, msg('common.vmCount', { count: 1 }))).toBe('1 VM')
    expect(renderMessage(i18n.t, msg('common.vmCount', { count: 3 }))).toBe('3 VMs')
    expect(englishText(msg('common.vmCount', { count: 3 }))).toBe('3 VMs')
  })

  it('marks every catalog string in the pseudo-locale, data inside the marks', async () => {
    const i18n = await instance('pseudo')
    expect(
      renderMessage(i18n.t, msg('common.hostCommandFailed', { command: 'virsh list', host: 'hv1' })),
    ).toBe('⟦virsh list failed on hv1.⟧')
    expect(i18n.t('sidebar.storage')).toBe('⟦Storage (RBD)⟧')
  })

  it('puts a no-break space before French colons and a narrow one before ; ! ?', async () => {
    expect(frenchSpacing('Fichier : a ; b ! c ? « d »')).toBe(
      'Fichier\u00a0: a\u202f; b\u202f! c\u202f? «\u00a0d\u00a0»',
    )
    const i18n = await instance('fr')
    expect(i18n.t('config.path')).toBe('Fichier\u00a0:')
    expect(i18n.t('checkUi.fix')).toBe('Correction\u00a0:')
  })

  it('renders an error made of messages in French, and its host output separately', async () => {
    const i18n = await instance('fr')
    const error = ApiError.of(
      'remote.failed',
      withDetail(
        msg('common.hostCommandFailed', { command: 'rbd ls', host: 'hv3' }),
        'rbd: error opening pool',
      ),
    )
    expect(errorSentences(i18n.t, error.toData())).toEqual({ message: 'rbd ls a échoué sur hv3.' })
    expect(error.toData().text?.detail).toBe('rbd: error opening pool')
  })

  it('renders the step an error happened in, in the window’s language; a command stays as run', async () => {
    const i18n = await instance('fr')
    const named = ApiError.of('host.offline', msg('remoteErrors.virshSessionEnded', { host: 'hv2' }), {
      host: 'hv2',
      step: msg('errorSteps.readVncDisplay'),
    }).toData()
    // English for the logs, the message for the window.
    expect(named.step).toBe('read the VNC display (virsh domdisplay)')
    expect(errorSentences(i18n.t, named).step).toBe('lecture de l’affichage VNC (virsh domdisplay)')
    const command = ApiError.of(
      'remote.failed',
      msg('common.hostCommandFailed', { command: 'rbd du', host: 'hv1' }),
      {
        step: commandStep('rbd du libvirt-ssd/web1'),
      },
    ).toData()
    expect(errorSentences(i18n.t, command).step).toBe('rbd du libvirt-ssd/web1')
    // The schema keeps stepText across the wire (the window parses every error).
    expect(ApiErrorDataSchema.parse(JSON.parse(JSON.stringify(named))).stepText).toEqual(named.stepText)
  })
})

describe('one check shape', () => {
  it('validates, orders levels and writes an English log line', () => {
    const checks = [
      CheckSchema.parse({ id: 'a', level: 'ok', message: msg('common.itemCount', { count: 2 }) }),
      CheckSchema.parse({
        id: 'b',
        level: 'fail',
        message: msg('common.hostCommandFailed', { command: 'virsh list', host: 'hv1' }),
        fix: { command: 'usermod -aG libvirt etalab' },
        blocks: ['start', 'migrate'],
      }),
    ]
    expect(worstLevel(checks)).toBe('fail')
    expect(worstLevel(checks.slice(0, 1))).toBe('ok')
    expect(checkLine(checks[1]!)).toBe('[fail] virsh list failed on hv1. — usermod -aG libvirt etalab')
    expect(
      CheckSchema.safeParse({ id: 'c', level: 'bad', message: msg('common.itemCount', { count: 1 }) })
        .success,
    ).toBe(false)
  })
})

describe('formats through Intl in the UI’s language', () => {
  const nf = (locale: string, value: number, options?: Intl.NumberFormatOptions) =>
    new Intl.NumberFormat(locale, options).format(value)

  it('writes sizes with the catalog’s unit labels', async () => {
    const fr = await instance('fr')
    const en = await instance('en')
    const bytes = 2396 * 1024 * 1024
    // {{x, mib}} keeps MiB: "2 396 Mio" with French grouping, "2,396 MiB" in English.
    const { formatSize, UNIT_LABELS_EN } = await import('../../src/shared/messages')
    const { UNIT_LABELS_FR } = await import('../../src/renderer/src/i18n/messages')
    expect(formatSize('fr-FR', UNIT_LABELS_FR, bytes, { unit: 'MiB' })).toBe(`${nf('fr-FR', 2396)}\u00a0Mio`)
    expect(formatSize('en-GB', UNIT_LABELS_EN, bytes, { unit: 'MiB' })).toBe(`${nf('en-GB', 2396)}\u00a0MiB`)
    expect(formatSize('fr-FR', UNIT_LABELS_FR, 24 * 1024 ** 3)).toBe('24\u00a0Gio')
    expect(formatSize('fr-FR', UNIT_LABELS_FR, 1.5 * 1024 ** 3)).toBe(`${nf('fr-FR', 1.5)}\u00a0Gio`)
    expect(fr.t('units.GiB')).toBe('Gio')
    expect(en.t('units.GiB')).toBe('GiB')
  })

  it('writes percentages, times and durations as Intl does', async () => {
    const { formatPercent, formatTime, formatDuration } = await import('../../src/shared/messages')
    expect(formatPercent('fr-FR', 0.57)).toBe(
      nf('fr-FR', 0.57, { style: 'percent', maximumFractionDigits: 0 }),
    )
    expect(formatPercent('fr-FR', 0.57)).toMatch(/^57\s%$/u)
    const at = new Date(2026, 11, 3, 7, 51).getTime()
    expect(formatTime('fr-FR', at)).toBe(
      new Intl.DateTimeFormat('fr-FR', { hour: '2-digit', minute: '2-digit' }).format(at),
    )
    expect(formatTime('fr-FR', at)).toBe('07:51')
    const minutes = nf('fr-FR', 2, { style: 'unit', unit: 'minute', unitDisplay: 'short' })
    const seconds = nf('fr-FR', 3, { style: 'unit', unit: 'second', unitDisplay: 'short' })
    expect(formatDuration('fr-FR', 123_000)).toBe(
      new Intl.ListFormat('fr-FR', { style: 'narrow', type: 'unit' }).format([minutes, seconds]),
    )
  })
})

describe('the window’s format module (renderer/src/format.ts) follows the UI language', () => {
  const nf = (locale: string, value: number, options?: Intl.NumberFormatOptions) =>
    new Intl.NumberFormat(locale, options).format(value)

  it('writes sizes, figures, percentages, times and durations through the shared Intl module', async () => {
    const { default: i18next } = await import('i18next')
    const format = await import('../../src/renderer/src/format')
    await i18next.init(await i18nOptions('fr'))
    addMessageFormatters(i18next)
    const at = new Date(2026, 11, 3, 7, 51, 3).getTime()
    for (const [language, locale, gib] of [
      ['fr', 'fr-FR', 'Gio'],
      ['en', 'en-GB', 'GiB'],
    ] as const) {
      await i18next.changeLanguage(language)
      expect(format.formatSize(24 * 1024 ** 3)).toBe(`24\u00a0${gib}`)
      expect(format.formatKiB(1.5 * 1024 ** 2)).toBe(`${nf(locale, 1.5)}\u00a0${gib}`)
      expect(format.formatNumber(2396)).toBe(nf(locale, 2396))
      expect(format.formatPercent(0.57)).toBe(
        nf(locale, 0.57, { style: 'percent', maximumFractionDigits: 0 }),
      )
      expect(format.formatClock(at, true)).toBe(
        new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(at),
      )
      expect(format.formatDuration(8_500)).toBe(
        nf(locale, 8.5, { style: 'unit', unit: 'second', unitDisplay: 'short' }),
      )
    }
    await i18next.changeLanguage('fr')
    // "2 396" with a French group separator, never "2,396" (which reads as 2.4).
    expect(format.formatNumber(2396)).not.toContain(',')
    expect(format.formatClock(at, false)).toBe('07:51')
    expect(format.formatSize(undefined)).toBe('–')
  })

  it('is the only way the renderer writes numbers and times (no toLocale*/toFixed in components)', () => {
    const root = path.resolve(__dirname, '../../src/renderer/src')
    const offenders: string[] = []
    const walk = (dir: string): void => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name)
        if (entry.isDirectory()) walk(full)
        else if (/\.tsx?$/.test(entry.name))
          fs.readFileSync(full, 'utf8')
            .split('\n')
            .forEach((line, index) => {
              if (/\.toLocale\w*String\(|\.toFixed\(/.test(line))
                offenders.push(`${path.relative(root, full)}:${index + 1}: ${line.trim()}`)
            })
      }
    }
    walk(root)
    expect(offenders).toEqual([])
  })
})
