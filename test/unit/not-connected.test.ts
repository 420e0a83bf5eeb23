/**
 * A call to a host without a connection says why in one sentence per status, in both languages:
 * the status's own words are not put inside "is not connected" (it read "hv1 is not connected (not
 * connected)." in the VM's graphs).
 */
import i18next from 'i18next'
import { describe, expect, it } from 'vitest'
import { notConnectedError } from '../../src/main/core/ssh/connection'
import { HostStatusSchema, type HostStatus } from '../../src/shared/hosts'
import { errorSentences } from '../../src/renderer/src/components/error-sentence'
import { addMessageFormatters } from '../../src/renderer/src/i18n/messages'
import { i18nOptions, type Language } from '../../src/renderer/src/i18n'

const instances = new Map<Language, ReturnType<typeof i18next.createInstance>>()

async function sentences(language: Language, status: HostStatus) {
  let i18n = instances.get(language)
  if (!i18n) {
    i18n = i18next.createInstance()
    await i18n.init(await i18nOptions(language))
    addMessageFormatters(i18n)
    instances.set(language, i18n)
  }
  return errorSentences(i18n.t, notConnectedError('hv1', status).toData())
}

describe('a host without a connection', () => {
  it('is "not connected" once, with no status in parentheses', async () => {
    expect(await sentences('en', 'idle')).toMatchObject({
      message: 'hv1 is not connected.',
      hint: 'Connect to the host first.',
    })
    expect(await sentences('fr', 'idle')).toMatchObject({
      message: 'hv1 n’est pas connecté.',
      hint: 'Connectez-vous d’abord à l’hôte.',
    })
  })

  it('says why for each status, its own sentence and what to do, in English and French', async () => {
    const said = { en: new Set<string>(), fr: new Set<string>() }
    for (const status of HostStatusSchema.options) {
      for (const language of ['en', 'fr'] as const) {
        const { message, hint } = await sentences(language, status)
        expect(message, `${language} ${status}`).toMatch(/^hv1 [^()]+\.$/)
        expect(message.match(/not connected|pas connecté/g)?.length ?? 0, message).toBeLessThanOrEqual(1)
        expect(hint?.length, `${language} ${status}`).toBeGreaterThan(10)
        said[language].add(message)
      }
    }
    // idle, connecting and online (no client yet) share "not connected"; every other status is its own.
    expect(said.en.size).toBe(HostStatusSchema.options.length - 2)
    expect(said.fr.size).toBe(said.en.size)
    expect(await sentences('en', 'auth-failed')).toMatchObject({
      message: 'hv1 is not connected: it refused the SSH key.',
      hint: 'Check that your key is in the host’s authorized_keys, then connect again.',
    })
    expect((await sentences('fr', 'key-unknown')).message).toBe(
      'hv1 n’est pas connecté\u00a0: sa clé d’hôte n’est pas encore confirmée.',
    )
    expect((await sentences('fr', 'offline')).message).toBe('hv1 est hors ligne\u00a0: il n’a pas répondu.')
  })
})
