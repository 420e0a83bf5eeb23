/**
 * An offline host's reason in the window's language (issue 18 items 1 and 7): a reason the core
 * names by key is translated; what the SSH library said in its own words comes apart, verbatim.
 */
import type { TFunction } from 'i18next'
import { describe, expect, it } from 'vitest'
import { sshSentence } from '../../src/renderer/src/features/hosts/ssh-sentence'
import { sshTextsFr } from '../../src/renderer/src/i18n/ssh-texts.fr'
import { fillPlaceholders } from '../../src/shared/placeholders'

/** A French `t` over the sshTexts area, enough for sshSentence. */
const t = ((key: string, options: Record<string, string | number> = {}) => {
  const name = key.replace(/^sshTexts\./, '') as keyof typeof sshTextsFr
  return fillPlaceholders(sshTextsFr[name], options)
}) as unknown as TFunction

function offline(reasonText: string, reason: string, said?: string) {
  return {
    code: 'host.offline',
    message: `Cannot reach hv2: ${reason}`,
    host: 'hv2',
    details: {
      text: 'offlineUnreachable',
      hintText: 'offlineHint',
      params: { host: 'hv2', reason },
      reasonText,
      ...(said ? { said } : {}),
    },
  }
}

describe('an offline host’s reason', () => {
  it('is translated when the core names it', () => {
    const sentence = sshSentence(t, offline('reasonRefused', 'connection refused (is sshd running?)'))
    expect(sentence.message).toBe(
      fillPlaceholders(sshTextsFr.offlineUnreachable, { host: 'hv2', reason: sshTextsFr.reasonRefused }),
    )
    expect(sentence.message).not.toContain('connection refused')
    expect(sentence.hint).toBe(sshTextsFr.offlineHint)
    expect(sentence.said).toBeUndefined()
  })

  it('keeps the SSH library’s own words apart, verbatim', () => {
    const said = 'Unsupported algorithm: ssh-dss'
    const sentence = sshSentence(t, offline('reasonLibrary', said, said))
    expect(sentence.message).toContain(sshTextsFr.reasonLibrary)
    expect(sentence.message).not.toContain(said)
    expect(sentence.said).toBe(said)
  })
})
