/**
 * The errors for output Hyperdesk cannot read travel as a key and values: the window shows them in
 * its language, and every key has its French sentence with the same placeholders.
 */
import i18next from 'i18next'
import { describe, expect, it } from 'vitest'
import { errorSentences } from '../../src/renderer/src/components/error-sentence'
import { formatErrorsFr } from '../../src/renderer/src/i18n/format-errors.fr'
import { FORMAT_ERROR_TEXTS, type FormatErrorText } from '../../src/shared/format-errors'
import { DomainXmlError } from '../../src/main/core/inventory/domain-xml'

const placeholders = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort()

describe('format errors in the window’s language', () => {
  it('has every key in French with the same placeholders', () => {
    for (const key of Object.keys(FORMAT_ERROR_TEXTS) as FormatErrorText[])
      expect(placeholders(formatErrorsFr[key]), key).toEqual(placeholders(FORMAT_ERROR_TEXTS[key]))
  })

  it('renders a core error in French, and keeps the English message for other errors', async () => {
    const i18n = i18next.createInstance()
    await i18n.init({
      lng: 'fr',
      resources: { fr: { translation: { formatErrors: formatErrorsFr } } },
      interpolation: { escapeValue: false },
    })
    const error = new DomainXmlError('domainXmlInvalid', {
      host: 'hv2',
      vm: 'web 1',
      problem: 'line 3: unclosed <disk>',
    })
    expect(error.message).toBe(
      'The definition of web 1 on hv2 is not complete, well-formed XML (line 3: unclosed <disk>): Hyperdesk will not guess its disks.',
    )
    const french = errorSentences(i18n.t, error.toData())
    expect(french.message).toBe(
      'La définition de web 1 sur hv2 n’est pas un XML complet et bien formé (line 3: unclosed <disk>) : Hyperdesk ne devinera pas ses disques.',
    )
    expect(french.hint).toBe(
      'Lisez-la sur hv2 avec virsh dumpxml et l’UUID de la VM ; une lecture tronquée vient en général d’une connexion coupée : actualisez.',
    )
    expect(errorSentences(i18n.t, { code: 'remote.failed', message: 'exit 1', hint: 'retry' })).toEqual({
      message: 'exit 1',
      hint: 'retry',
    })
  })
})
