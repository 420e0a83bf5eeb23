import { ApiError } from '../../../shared/errors'
import type { DefinitionDiff, SyncResult } from '../../../shared/migration'
import { parseDomainXml } from '../inventory/domain-xml'
import type { InventoryService } from '../inventory/inventory-service'
import type { JobContext } from '../jobs/job-manager'
import type { KeyedMutex } from '../jobs/keyed-mutex'
import type { RemoteRunner } from '../remote/runner'
import { checkHostName, checkUuid } from '../migration/precheck'
import { compareDefinitions, readDefinition, readDefinitions } from './drift'
import { domainArgv } from '../libvirt/domain'

/**
 * Every VM is defined on every host with the same UUID (migration needs it). Sync takes one host's
 * `dumpxml --inactive` as the canonical definition and defines it on every other host with
 * `virsh define /dev/stdin` (the XML travels on the command's stdin: no file name is ever built),
 * then reads it back to confirm. Hosts that already match are left alone.
 */

export interface DefinitionsDeps {
  runner: RemoteRunner
  inventory: InventoryService
  vmLocks: KeyedMutex
  hostNames(): string[]
  audit(host: string, action: string, vm: string): Promise<void>
}

export class Definitions {
  constructor(private readonly deps: DefinitionsDeps) {}

  /** The reference is the given host, else where the VM runs, else the first host that defines it. */
  async diff(uuid: string, reference?: string): Promise<DefinitionDiff> {
    checkUuid(uuid)
    if (reference !== undefined) checkHostName(this.deps, reference, 'reference')
    const id = uuid.toLowerCase()
    const hosts = this.deps.hostNames()
    const definitions = await readDefinitions(this.deps.runner, hosts, id)
    const running = this.deps.inventory
      .vm(id)
      ?.runningOn.find((host) => definitions.some((d) => d.host === host && d.status === 'defined'))
    const chosen = reference ?? running ?? definitions.find((d) => d.status === 'defined')?.host
    if (!chosen)
      throw new ApiError({
        code: 'vm.unknown',
        message: `No reachable host defines a VM with UUID ${id}.`,
        hint: 'Check that the hosts are online.',
      })
    return compareDefinitions(id, chosen, definitions)
  }

  async sync(uuid: string, from: string, context: JobContext): Promise<SyncResult> {
    checkUuid(uuid)
    checkHostName(this.deps, from, 'source of the definition')
    const id = uuid.toLowerCase()
    return this.deps.vmLocks.run(id, async () => {
      context.step(`Reading the definition on ${from}`, 0.05)
      const source = await readDefinition(this.deps.runner, from, id)
      if (source.status !== 'defined')
        throw new ApiError({
          code: 'vm.not-defined',
          host: from,
          step: 'read the canonical definition',
          message: `The VM ${id} is not defined on ${from}${source.status === 'unreachable' ? ` (${source.error})` : ''}: sync from a host that defines it.`,
        })
      const definition = parseDomainXml(source.xml, { host: from, vm: id })
      if (definition.uuid !== id)
        throw new ApiError({
          code: 'internal',
          host: from,
          message: `${from} answered with UUID ${definition.uuid}`,
        })
      const name = definition.name
      const others = this.deps.hostNames().filter((host) => host !== from)
      const hosts: SyncResult['hosts'] = [{ host: from, outcome: 'source' }]
      for (const [index, host] of others.entries()) {
        context.step(`${host}: defining ${name}`, 0.1 + (0.8 * index) / others.length)
        const outcome = await this.syncHost(host, id, name, source.canonical, source.xml)
        hosts.push(outcome)
        context.log(`${host}: ${outcome.outcome}${outcome.error ? ` — ${outcome.error}` : ''}`)
      }
      await Promise.all(
        others.map((host) => {
          this.deps.inventory.invalidateDefinition(host, id)
          return this.deps.inventory.refreshHost(host)
        }),
      )
      const failed = hosts.filter((host) => host.outcome === 'failed')
      if (failed.length > 0)
        throw new ApiError({
          code: 'vm.sync.failed',
          host: failed[0]?.host,
          step: 'virsh define',
          message: `${name}'s definition from ${from} could not be defined on ${failed.map((h) => `${h.host} (${h.error})`).join(', ')}.`,
          hint: 'A VM with the same name and another UUID, or the same UUID under another name, blocks the define: rename or undefine it there first.',
          details: { hosts },
        })
      return { from, hosts }
    })
  }

  private async syncHost(
    host: string,
    uuid: string,
    name: string,
    canonical: string,
    xml: string,
  ): Promise<SyncResult['hosts'][number]> {
    const before = await readDefinition(this.deps.runner, host, uuid)
    if (before.status === 'unreachable') return { host, outcome: 'failed', error: before.error }
    if (before.status === 'defined' && before.canonical === canonical) return { host, outcome: 'unchanged' }
    try {
      await this.deps.runner.virsh(host, domainArgv.defineFromStdin(), {
        stdin: xml,
        timeoutSeconds: 30,
        step: `virsh define ${name} on ${host}`,
      })
      const after = await readDefinition(this.deps.runner, host, uuid)
      if (after.status !== 'defined' || after.canonical !== canonical)
        return { host, outcome: 'failed', error: 'defined, but reading it back shows a different definition' }
      await this.deps
        .audit(host, before.status === 'missing' ? 'define (sync)' : 'redefine (sync)', name)
        .catch(() => undefined)
      return { host, outcome: 'defined' }
    } catch (error) {
      const apiError = ApiError.from(error)
      const stderr = apiError.details?.['stderr']
      return {
        host,
        outcome: 'failed',
        error: typeof stderr === 'string' && stderr ? stderr : apiError.message,
      }
    }
  }
}
