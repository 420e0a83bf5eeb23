import { createTwoFilesPatch } from 'diff'
import { ApiError } from '../../../shared/errors'
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
  | { host: string; status: 'unreachable'; error: string }

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
      step: `read the definition on ${host}`,
    })
    if (result.exitCode === 0 && result.stdout.trim())
      return { host, status: 'defined', xml: result.stdout, canonical: canonicalDomainXml(result.stdout) }
    if (NO_DOMAIN.test(result.stderr)) return { host, status: 'missing' }
    return { host, status: 'unreachable', error: result.stderr.trim() || `virsh exit ${result.exitCode}` }
  } catch (error) {
    return { host, status: 'unreachable', error: ApiError.from(error).message }
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
    throw new ApiError({
      code: 'vm.not-defined',
      host: reference,
      step: 'read definitions',
      message: `The VM ${uuid} is not defined on ${reference}${base?.status === 'unreachable' ? ` (${base.error})` : ''}: choose a host that defines it as the reference.`,
    })
  }
  const name = domainNameFromXml(base.xml) ?? uuid
  return {
    uuid,
    name,
    reference,
    hosts: definitions.map((definition) => {
      if (definition.host === reference) return { host: definition.host, status: 'reference' as const }
      if (definition.status === 'unreachable')
        return { host: definition.host, status: 'unreachable' as const, error: definition.error }
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
