import { createTwoFilesPatch } from 'diff'
import { ApiError, errorText, type ErrorStep } from '../../../shared/errors'
import { msg, withDetail, type Message } from '../../../shared/messages'
import type { DefinitionDiff } from '../../../shared/migration'
import { canonicalDomainXml } from '../inventory/domain-xml'
import { FRAMING_ERRORS, type SectionAnswer } from '../remote/framing'
import type { RemoteRunner } from '../remote/runner'
import { domainArgv } from '../libvirt/domain'
import { domainNameFromXml } from '../inventory/domain-name'

/**
 * One VM's definition on every host, compared in canonical form (see canonicalDomainXml) with a
 * reference host's, as a unified line diff. The diff is jsdiff's (`diff` on npm): a maintained Myers
 * implementation that writes the unified format admins know from `diff -u`/git, hunks included —
 * not worth rewriting here.
 */

export type HostDefinition =
  | { host: string; status: 'defined'; xml: string; canonical: string }
  | { host: string; status: 'missing' }
  /** `error`: the English (logs, the host's own words when it printed some); `text`: for the window. */
  | { host: string; status: 'unreachable'; error: string; text: Message }

/** libvirt's wording for "no such domain" (VIR_ERR_NO_DOMAIN), across versions. */
const NO_DOMAIN = /failed to get domain|Domain not found|no domain with matching/i

/** As long as the one-shot `virsh dumpxml` these reads replace was given on the host. */
const READ_TIMEOUT_SECONDS = 20

export interface ReadDefinitionOptions {
  timeoutSeconds?: number
  /** The step errors name; default "read the definition on <host>". */
  step?: ErrorStep
  /** Another of the VM's dumpxml (domainArgv.xml, xmlWithSecrets); default domainArgv.xmlToCopy. */
  command?: readonly string[]
}

/**
 * A host's persistent definition as it would be copied elsewhere: `dumpxml --inactive --security-info`,
 * so a define from it keeps the VNC/SPICE password (the plain dump leaves `passwd` out, and a define
 * from that drops it). The canonical form hides the password (canonicalDomainXml). Read in the host's
 * virsh session (read-write, as --security-info needs): a one-shot virsh per read cost a process and
 * a libvirt connection (~150 ms on the lab's hosts, ~12 ms in the session), and a VM edit reads every
 * host several times.
 * A host the session cannot reach (offline, virsh not answering) is `unreachable` with its error.
 */
export async function readDefinition(
  runner: RemoteRunner,
  host: string,
  uuid: string,
  options: ReadDefinitionOptions = {},
): Promise<HostDefinition> {
  try {
    return await askDefinition(runner, host, uuid, options)
  } catch (error) {
    const failure = ApiError.from(error)
    return { host, status: 'unreachable', error: failure.message, text: errorText(failure) }
  }
}

/**
 * The definition a job copies or checks, from a host that must have it: any other answer is an error
 * naming the host and the caller's step (not defined there, virsh's own words, or the session's error).
 */
export async function readDefinitionXml(
  runner: RemoteRunner,
  host: string,
  uuid: string,
  options: ReadDefinitionOptions & { step: ErrorStep },
): Promise<string> {
  const read = await askDefinition(runner, host, uuid, options)
  if (read.status === 'defined') return read.xml
  const { step } = options
  if (read.status === 'missing')
    throw ApiError.of('vm.not-defined', msg('definitionErrors.notDefinedOn', { uuid, host }), { host, step })
  throw ApiError.of('remote.failed', read.text, {
    host,
    step,
    details: { command: `virsh ${commandOf(uuid, options).join(' ')}`, stderr: read.error },
  })
}

/** The read itself; the session's own errors (host offline, timeout) are thrown, naming the step. */
async function askDefinition(
  runner: RemoteRunner,
  host: string,
  uuid: string,
  options: ReadDefinitionOptions,
): Promise<HostDefinition> {
  const sections = await runner.virshQuery(host, [{ id: 'xml', command: commandOf(uuid, options) }], {
    timeoutSeconds: options.timeoutSeconds ?? READ_TIMEOUT_SECONDS,
    step: options.step ?? msg('errorSteps.readDefinitionOn', { host }),
  })
  return judgeDefinition(host, sections.get('xml'))
}

function commandOf(uuid: string, options: ReadDefinitionOptions): readonly string[] {
  return options.command ?? domainArgv.xmlToCopy(uuid)
}

/**
 * What a session's answer to `dumpxml` says: the XML (defined), libvirt's "no such domain"
 * (missing), or anything else with virsh's words (unreachable). The XML is what one-shot virsh
 * printed without its closing empty line: libvirt's document, ending in its newline. A description
 * can hold a line that starts with "error: ", so an answer that is a whole domain element is the
 * definition, whatever its lines look like.
 */
function judgeDefinition(host: string, answer: SectionAnswer | undefined): HostDefinition {
  const printed = answer?.printed ?? answer?.text ?? ''
  if (/^<domain[\s>]/.test(printed) && /<\/domain>\s*$/.test(printed)) {
    const xml = `${printed.trimEnd()}\n`
    return { host, status: 'defined', xml, canonical: canonicalDomainXml(xml) }
  }
  const errors = answer ? answer.errors : [FRAMING_ERRORS.missing]
  if (errors.some((line) => NO_DOMAIN.test(line))) return { host, status: 'missing' }
  const words = errors.length > 0 ? errors.map((line) => `error: ${line}`).join('\n') : printed.trim()
  const error = words || 'virsh printed nothing'
  return {
    host,
    status: 'unreachable',
    error,
    text: withDetail(msg('definitionErrors.readFailed', { host }), error),
  }
}

export function readDefinitions(
  runner: RemoteRunner,
  hosts: readonly string[],
  uuid: string,
): Promise<HostDefinition[]> {
  return Promise.all(hosts.map((host) => readDefinition(runner, host, uuid)))
}

export function unifiedDiff(
  referenceHost: string,
  host: string,
  name: string,
  from: string,
  to: string,
): string {
  return createTwoFilesPatch(
    `${referenceHost}/${name}.xml`,
    `${host}/${name}.xml`,
    from,
    to,
    undefined,
    undefined,
    {
      context: 3,
    },
  )
}

/** Each host against the reference: same, different (with the diff), missing (diff from nothing), unreachable. */
export function compareDefinitions(
  uuid: string,
  reference: string,
  definitions: readonly HostDefinition[],
): DefinitionDiff {
  const base = definitions.find((definition) => definition.host === reference)
  if (base?.status !== 'defined') {
    throw ApiError.of(
      'vm.not-defined',
      base?.status === 'unreachable'
        ? msg('definitionErrors.unreadableReference', { uuid, host: reference, error: base.text })
        : msg('definitionErrors.notDefinedReference', { uuid, host: reference }),
      { host: reference, step: msg('errorSteps.readDefinitions') },
    )
  }
  const name = domainNameFromXml(base.xml) ?? uuid
  return {
    uuid,
    name,
    reference,
    hosts: definitions.map((definition) => {
      if (definition.host === reference) return { host: definition.host, status: 'reference' as const }
      if (definition.status === 'unreachable')
        return {
          host: definition.host,
          status: 'unreachable' as const,
          error: definition.error,
          errorText: definition.text,
        }
      if (definition.status === 'missing')
        return {
          host: definition.host,
          status: 'missing' as const,
          diff: unifiedDiff(reference, definition.host, name, base.canonical, ''),
        }
      if (definition.canonical === base.canonical) return { host: definition.host, status: 'same' as const }
      return {
        host: definition.host,
        status: 'different' as const,
        diff: unifiedDiff(reference, definition.host, name, base.canonical, definition.canonical),
      }
    }),
  }
}
