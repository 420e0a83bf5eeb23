/**
 * Issue 18 item 1: errors made in definitions/, maintenance/, migration/ and vm/ travel as messages
 * and read in French in the window (errorSentences is what ErrorText and ErrorBox show), the step
 * included; what a host printed stays verbatim beside them.
 */
import i18next from 'i18next'
import { describe, expect, it } from 'vitest'
import { ApiError, type ApiErrorData } from '../../src/shared/errors'
import { msg } from '../../src/shared/messages'
import '../../src/shared/messages/catalog'
import { addMessageFormatters, frenchSpacing, renderMessage } from '../../src/renderer/src/i18n/messages'
import { i18nOptions } from '../../src/renderer/src/i18n'
import { errorSentences } from '../../src/renderer/src/components/error-sentence'
import { compareDefinitions } from '../../src/main/core/definitions/drift'
import { checkHostName, checkUuid } from '../../src/main/core/migration/precheck'
import { aborted } from '../../src/main/core/maintenance/reboot-watch'
import { applyVmSettings, type SettingsDeps } from '../../src/main/core/vm/settings'
import type { JobContext } from '../../src/main/core/jobs/job-manager'

async function french() {
  const i18n = i18next.createInstance()
  await i18n.init(await i18nOptions('fr'))
  addMessageFormatters(i18n)
  return i18n
}

function caught(work: () => unknown): ApiErrorData {
  try {
    work()
  } catch (error) {
    return ApiError.from(error).toData()
  }
  throw new Error('no error')
}

const UUID = '1ab0c0de-0000-4000-8000-000000000003'

describe('core errors in French', () => {
  it('a definition the reference host lacks: message and step in French', async () => {
    const { t } = await french()
    const error = caught(() => compareDefinitions(UUID, 'hv3', [{ host: 'hv3', status: 'missing' }]))
    expect(error.code).toBe('vm.not-defined')
    expect(errorSentences(t, error)).toEqual({
      message: frenchSpacing(
        `La VM ${UUID} n’est pas définie sur hv3 : choisissez comme référence un hôte qui la définit.`,
      ),
      step: 'lecture des définitions',
    })
    // The core's English stays for the logs.
    expect(error.message).toBe(
      `The VM ${UUID} is not defined on hv3: choose a host that defines it as the reference.`,
    )
  })

  it('an unknown host names its role and the known hosts, in French', async () => {
    const { t } = await french()
    const error = caught(() => checkHostName({ hostNames: () => ['hv1', 'hv2'] }, 'hv9', 'destination'))
    const list = new Intl.ListFormat('fr', { type: 'conjunction' }).format(['hv1', 'hv2'])
    expect(errorSentences(t, error)).toEqual({
      message: frenchSpacing('Aucun hôte nommé « hv9 » dans le fichier du cluster (destination).'),
      hint: frenchSpacing(`Hôtes connus : ${list}.`),
    })
    expect(
      errorSentences(
        t,
        caught(() => checkUuid('nope')),
      ).message,
    ).toBe(frenchSpacing('Ce n’est pas un UUID de VM : « nope ».'))
  })

  it('a cancelled maintenance says during which step, in French', async () => {
    const { t } = await french()
    const controller = new AbortController()
    controller.abort()
    const error = caught(() => aborted(controller.signal, 'hv1', msg('errorSteps.waitReboot')))
    expect(errorSentences(t, error)).toEqual({
      message: frenchSpacing('Maintenance de hv1 annulée pendant : attente du redémarrage'),
      step: 'attente du redémarrage',
    })
  })

  it('settings of a VM no host defines: French message and step', async () => {
    const { t } = await french()
    const deps = {
      inventory: { vm: () => undefined },
      vmName: () => 'web1',
    } as unknown as SettingsDeps
    const error = await applyVmSettings(deps, UUID, {}, {} as JobContext).then(
      () => {
        throw new Error('no error')
      },
      (thrown: unknown) => ApiError.from(thrown).toData(),
    )
    expect(errorSentences(t, error)).toEqual({
      message: `Aucun hôte ne définit de VM d’UUID ${UUID}.`,
      step: 'modification des réglages de la VM',
    })
  })

  it('a maintenance outcome and a migration failure read in French, the host’s words kept apart', async () => {
    const { t } = await french()
    expect(
      renderMessage(
        t,
        msg('maintenanceErrors.abortedNooutUnset', { command: 'ceph osd unset noout', on: 'hv2' }),
      ),
    ).toBe(frenchSpacing('Abandonnée ; noout retiré (ceph osd unset noout sur hv2).'))
    const failed = ApiError.of(
      'vm.migrate.failed',
      {
        ...msg('migrationErrors.failed', {
          name: 'web1',
          from: 'hv1',
          to: 'hv2',
          state: msg('migrationErrors.stillOnSource', { name: 'web1', from: 'hv1' }),
        }),
        detail: 'error: End of file while reading data',
      },
      { host: 'hv1', step: msg('errorSteps.virshMigrate') },
    ).toData()
    expect(errorSentences(t, failed)).toEqual({
      message: 'La migration de web1 de hv1 vers hv2 a échoué sur hv1. web1 tourne toujours sur hv1.',
      step: 'virsh migrate',
    })
    expect(failed.text?.detail).toBe('error: End of file while reading data')
  })
})
