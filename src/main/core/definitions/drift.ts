import { createTwoFilesPatch } from 'diff'
import { ApiError, errorText } from '../../../shared/errors'
import { msg, withDetail, type Message } from '../../../shared/messages'
import type { DefinitionDiff } from '../../../shared/migration'
import { canonicalDomainXml } from '../inventory/domain-xml'
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

/**
 * A host's persistent definition as it would be copied elsewhere: `dumpxml --inactive --security-info`,
 * so a define from it keeps the VNC/SPICE password (the plain dump leaves `passwd` out, and a define
 * from that drops it). The canonical form hides the password (canonicalDomainXml).
 */
export async function readDefinition(
  runner: RemoteRunner,
  host: string,
  uuid: string,
): Promise<HostDefinition> {
  try {
    const result = await runner.virsh(host, domainArgv.xmlToCopy(uuid), {
      allowFailure: true,
      timeoutSeconds: 20,
      step: msg('errorSteps.readDefinitionOn', { host }),
    })
    if (result.exitCode === 0 && result.stdout.trim())
      return { host, status: 'defined', xml: result.stdout, canonical: canonicalDomainXml(result.stdout) }
    if (NO_DOMAIN.test(result.stderr)) return { host, status: 'missing' }
    const text = withDetail(
      msg('definitionErrors.readFailed', { host, exit: result.exitCode }),
      result.stderr,
    )
    return {
      host,
      status: 'unreachable',
      error: result.stderr.trim() || `virsh exit ${result.exitCode}`,
      text,
    }
  } catch (error) {
    const failure = ApiError.from(error)
    return { host, status: 'unreachable', error: failure.message, text: errorText(failure) }
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
