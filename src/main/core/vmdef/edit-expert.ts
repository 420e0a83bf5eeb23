import { ApiError } from '../../../shared/errors'
import { msg, withDetail, type Message } from '../../../shared/messages/message'
import type { VmEditChanges, VmEditSettings } from '../../../shared/vmedit'
import { DefinitionEditError, identityOf, readSettings } from '../inventory/domain-edit'
import { displayPasswords, HIDDEN_SECRET } from '../inventory/domain-xml'
import type { RemoteRunner } from '../remote/runner'
import { vmeditMsg } from './edit-texts'

/**
 * Expert mode of the definition edit (issue 19 item 3), the app's `virsh edit`: the user's whole XML
 * instead of the form's changes. What is particular to it lives here — the checks before anything is
 * sent (readable, same name and UUID, nothing else in the same edit), libvirt's schema check on every
 * host, and what waits for a restart; planEdit and the edit job do the rest exactly as for the form
 * (hash guard, define on every host, read back, undo).
 */

/**
 * libvirt's schema checker (libvirt-clients), reading the XML from stdin: its "-" goes through a
 * fixed script (the runner sends no argument that looks like an option it does not write), and
 * `command -v` first so a missing validator says so (exit 127) rather than failing obscurely.
 */
export const VALIDATE_ARGV = [
  'sh',
  '-c',
  'command -v virt-xml-validate >/dev/null || exit 127; exec virt-xml-validate - domain',
  'hyperdesk-validate',
] as const
const VALIDATE_TIMEOUT_SECONDS = 30
/** The validator's output kept in a refusal's detail (it repeats itself on big documents). */
const DETAIL_MAX = 4000
/** The setting name for what changed outside the form's settings (the VM view's words for it). */
export const OTHER_SETTINGS = 'definition'

/**
 * What refuses an expert edit before any host is asked: the XML unreadable, a rename (a separate
 * operation: images, snapshot metadata), another UUID (another VM for libvirt), or form changes mixed in.
 */
export function expertProblems(currentXml: string, changes: VmEditChanges): Message[] {
  const xml = changes.xml
  if (xml === undefined) return []
  const others = Object.keys(changes).filter((key) => key !== 'xml')
  if (others.length > 0) return [vmeditMsg('expertMixed')]
  let edited: { name: string; uuid: string }
  try {
    edited = identityOf(xml)
    readSettings(xml)
  } catch (error) {
    if (!(error instanceof DefinitionEditError)) throw error
    return [withDetail(vmeditMsg('expertMalformed'), error.detail, 'local')]
  }
  const current = identityOf(currentXml)
  const problems: Message[] = [...vncPasswordProblems(xml)]
  if (edited.name !== current.name)
    problems.push(vmeditMsg('expertRename', { name: current.name, newName: edited.name || '—' }))
  if (edited.uuid !== current.uuid)
    problems.push(
      edited.uuid === ''
        ? vmeditMsg('expertUuidMissing', { name: current.name, uuid: current.uuid })
        : vmeditMsg('expertUuid', { name: current.name, uuid: current.uuid, newUuid: edited.uuid }),
    )
  return problems
}

/**
 * VNC authentication uses 8 characters of a password (RFC 6143 §7.2.2) and libvirt 8.0 and later
 * refuses a longer one ("VNC password is 9 characters long, only 8 permitted"): said before any host
 * is asked. A hidden password (the definition's own, put back by the core) is not counted.
 */
export const VNC_PASSWORD_MAX = 8
function vncPasswordProblems(xml: string): Message[] {
  return displayPasswords(xml).flatMap((display) => {
    if (display.display !== 'vnc' || display.value === undefined || HIDDEN_SECRET.test(display.value))
      return []
    const count = Array.from(display.value).length
    return count > VNC_PASSWORD_MAX ? [vmeditMsg('vncPasswordLong', { count, max: VNC_PASSWORD_MAX })] : []
  })
}

/**
 * What an edit does to the display passwords, in words (the diff shows every password as
 * "(hidden)"): set, changed or removed, by display in the definition's order. Compared here, in the
 * core, on the definitions' own text; only these messages leave.
 */
export function passwordChanges(beforeXml: string, afterXml: string): Message[] {
  const before = displayPasswords(beforeXml)
  const after = displayPasswords(afterXml)
  return after.flatMap((display, index) => {
    const previous = before[index]
    if (!previous || previous.display !== display.display || previous.value === display.value) return []
    const name = display.display.toUpperCase()
    if (previous.value === undefined) return [vmeditMsg('displayPasswordSet', { display: name })]
    if (display.value === undefined) return [vmeditMsg('displayPasswordRemoved', { display: name })]
    return [vmeditMsg('displayPasswordChanged', { display: name })]
  })
}

/**
 * virt-xml-validate on each host (each may have another libvirt and so another schema): one refusal
 * per host that finds it invalid, with the validator's own output as the detail.
 */
export async function validateOnHosts(
  runner: RemoteRunner,
  hosts: readonly string[],
  xml: string,
  signal?: AbortSignal,
): Promise<Message[]> {
  const answers = await Promise.all(
    hosts.map(async (host): Promise<Message | null> => {
      try {
        const result = await runner.run(host, VALIDATE_ARGV, {
          stdin: xml,
          allowFailure: true,
          timeoutSeconds: VALIDATE_TIMEOUT_SECONDS,
          step: msg('errorSteps.commandOn', { command: 'virt-xml-validate', host }),
          ...(signal ? { signal } : {}),
        })
        if (result.exitCode === 0) return null
        if (result.exitCode === 127) return vmeditMsg('expertNoValidator', { host })
        const output = [result.stderr, result.stdout]
          .map((text) => text.trim())
          .filter(Boolean)
          .join('\n')
        return vmeditMsg('expertInvalid', { host }, output.slice(0, DETAIL_MAX) || `exit ${result.exitCode}`)
      } catch (error) {
        return vmeditMsg('expertUnchecked', { host }, ApiError.from(error).message)
      }
    }),
  )
  return answers.filter((answer): answer is Message => answer !== null)
}

/**
 * What an expert edit leaves for the running VM's next start: nothing is changed live (libvirt has
 * no general "apply this XML now"), so each form setting that differs, and the edited XML as a whole
 * (it may change what the form does not show).
 */
export function expertPending(
  before: VmEditSettings,
  after: VmEditSettings,
  changed: boolean,
  running: boolean,
): string[] {
  if (!running || !changed) return []
  const fields = (Object.keys(before) as (keyof VmEditSettings)[]).filter(
    (key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]),
  )
  return [...fields, OTHER_SETTINGS]
}

/** The ISO paths the edited XML puts in a CD-ROM drive that the current one does not have. */
export function newIsos(before: VmEditSettings, after: VmEditSettings): string[] {
  const had = new Set(before.cdroms.map((cdrom) => cdrom.iso))
  return after.cdroms.flatMap((cdrom) => (cdrom.iso && !had.has(cdrom.iso) ? [cdrom.iso] : []))
}
