import { ApiError, errorText } from '../../../shared/errors'
import { englishText, msg, withDetail, type Message } from '../../../shared/messages'
import type { DefinitionDiff, SyncPlan, SyncResult } from '../../../shared/migration'
import { guardDetails } from '../../../shared/guard-texts'
import { vmLeaseName } from '../../../shared/lease'
import type { Leases } from '../lease/cluster-lease'
import { parseDomainXml } from '../inventory/domain-xml'
import type { InventoryService } from '../inventory/inventory-service'
import type { JobContext } from '../jobs/job-manager'
import type { KeyedMutex } from '../jobs/keyed-mutex'
import type { RemoteRunner } from '../remote/runner'
import { checkHostName, checkUuid } from '../migration/precheck'
import {
  compareDefinitions,
  readDefinition,
  readDefinitions,
  unifiedDiff,
  type HostDefinition,
} from './drift'
import { domainArgv } from '../libvirt/domain'

/**
 * Every VM is defined on every host with the same UUID (migration needs it). Sync takes one host's
 * `dumpxml --inactive` as the canonical definition and defines it on every other host with
 * `virsh define /dev/stdin` (the XML travels on the command's stdin: no file name is ever built),
 * then reads it back to confirm. Hosts that already match are left alone.
 *
 * A host where the VM runs keeps running the old definition until the VM's next power-off and start
 * (libvirt changes only the persistent configuration): the sync is refused, before anything changes,
 * unless the user named that host after seeing its diff (plan → confirmRunningHosts).
 */

/** A sync holds the VM's lease: one define per host (30 s each) fits well within it. */
const SYNC_LEASE_SECONDS = 300

export interface DefinitionsDeps {
  runner: RemoteRunner
  inventory: InventoryService
  vmLocks: KeyedMutex
  lease: Leases
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
      throw ApiError.of('vm.unknown', msg('definitionErrors.noHostDefines', { uuid: id }), {
        step: msg('errorSteps.readDefinitions'),
        hint: msg('definitionErrors.noHostDefinesHint'),
      })
    return compareDefinitions(id, chosen, definitions)
  }

  /** What a sync from `from` would change on each host, and where the VM runs; changes nothing. */
  async plan(uuid: string, from: string): Promise<SyncPlan> {
    checkUuid(uuid)
    checkHostName(this.deps, from, 'syncSource')
    const id = uuid.toLowerCase()
    const [definitions, running] = await Promise.all([
      readDefinitions(this.deps.runner, this.deps.hostNames(), id),
      this.runningOn(id),
    ])
    return planSync(id, from, definitions, running)
  }

  async sync(
    uuid: string,
    from: string,
    context: JobContext,
    confirmRunningHosts: readonly string[] = [],
  ): Promise<SyncResult> {
    checkUuid(uuid)
    checkHostName(this.deps, from, 'syncSource')
    const id = uuid.toLowerCase()
    return this.deps.vmLocks.run(id, () =>
      this.deps.lease.run(
        [vmLeaseName(id)],
        `sync the definition of ${this.deps.inventory.vm(id)?.name ?? id} from ${from}`,
        SYNC_LEASE_SECONDS,
        async (lease) => {
          context.step(msg('jobSteps.readingEveryDefinition'), 0.05)
          const [definitions, running] = await Promise.all([
            readDefinitions(this.deps.runner, this.deps.hostNames(), id),
            this.runningOn(id),
          ])
          const plan = planSync(id, from, definitions, running)
          const source = definitions.find((definition) => definition.host === from)
          if (source?.status !== 'defined') throw new Error('unreachable: planSync checked the source')
          const name = plan.name
          const unconfirmed = plan.confirmHosts.filter((host) => !confirmRunningHosts.includes(host))
          const [first] = unconfirmed
          if (first !== undefined) {
            const params = { name, host: unconfirmed.join(', ') }
            throw ApiError.of('vm.sync.confirm-running-host', msg('guards.syncRunningHost', params), {
              host: first,
              step: msg('errorSteps.confirmRunningHosts'),
              details: guardDetails('syncRunningHost', params, { plan }),
            })
          }
          const hosts: SyncResult['hosts'] = [{ host: from, outcome: 'source' }]
          const others = plan.hosts.filter((host) => host.status !== 'source')
          for (const [index, entry] of others.entries()) {
            const { host } = entry
            context.step(msg('jobSteps.defining', { host, name }), 0.1 + (0.8 * index) / others.length)
            if (entry.status === 'different' || entry.status === 'missing')
              await lease.check(msg('errorSteps.commandOn', { command: `virsh define ${name}`, host }))
            const before = definitions.find((definition) => definition.host === host)
            const outcome = await this.syncHost(host, id, name, source.canonical, source.xml, before)
            const result =
              entry.running && outcome.outcome === 'defined' ? { ...outcome, running: true } : outcome
            hosts.push(result)
            context.log(syncLine(host, name, outcome.outcome, outcome.errorText, result.running === true))
          }
          await Promise.all(
            others.map(({ host }) => {
              this.deps.inventory.invalidateDefinition(host, id)
              return this.deps.inventory.refreshHost(host)
            }),
          )
          const failed = hosts.filter((host) => host.outcome === 'failed')
          if (failed.length > 0)
            throw ApiError.of(
              'vm.sync.failed',
              msg('definitionErrors.syncFailed', {
                name,
                from,
                hosts: failed.map((h) => h.host),
                reasons: failed.flatMap((h) =>
                  h.errorText
                    ? [msg('definitionErrors.hostFailed', { host: h.host, error: h.errorText })]
                    : [],
                ),
              }),
              {
                ...(failed[0] ? { host: failed[0].host } : {}),
                step: msg('errorSteps.virshDefine'),
                hint: msg('definitionErrors.syncFailedHint'),
                details: { hosts },
              },
            )
          return { from, hosts }
        },
        context,
      ),
    )
  }

  /** Where the VM runs now, read afresh (a host that cannot be read is not counted here). */
  private async runningOn(uuid: string): Promise<string[]> {
    const snapshot = await this.deps.inventory.refreshAll()
    return snapshot.vms.find((vm) => vm.uuid === uuid)?.runningOn ?? []
  }

  private async syncHost(
    host: string,
    uuid: string,
    name: string,
    canonical: string,
    xml: string,
    read?: HostDefinition,
  ): Promise<SyncResult['hosts'][number]> {
    const before = read ?? (await readDefinition(this.deps.runner, host, uuid))
    if (before.status === 'unreachable') return failedOn(host, before.text, before.error)
    if (before.status === 'defined' && before.canonical === canonical) return { host, outcome: 'unchanged' }
    try {
      await this.deps.runner.virsh(host, domainArgv.defineFromStdin(), {
        stdin: xml,
        timeoutSeconds: 30,
        step: msg('errorSteps.commandOn', { command: `virsh define ${name}`, host }),
      })
      const after = await readDefinition(this.deps.runner, host, uuid)
      if (after.status !== 'defined' || after.canonical !== canonical)
        return failedOn(host, msg('definitionErrors.readBackDiffers', { host }))
      await this.deps
        .audit(host, before.status === 'missing' ? 'define (sync)' : 'redefine (sync)', name)
        .catch(() => undefined)
      return { host, outcome: 'defined' }
    } catch (error) {
      const apiError = ApiError.from(error)
      const stderr = apiError.details?.['stderr']
      // What virsh printed is the reason; any other failure keeps its own message.
      return typeof stderr === 'string' && stderr.trim()
        ? failedOn(host, withDetail(msg('definitionErrors.defineFailed', { host }), stderr), stderr.trim())
        : failedOn(host, errorText(apiError), apiError.message)
    }
  }
}

/** Each host against the source: what would change (its definition now → the source's) and where it runs. */
export function planSync(
  uuid: string,
  from: string,
  definitions: readonly HostDefinition[],
  running: readonly string[],
): SyncPlan {
  const source = definitions.find((definition) => definition.host === from)
  if (source?.status !== 'defined')
    throw ApiError.of(
      'vm.not-defined',
      source?.status === 'unreachable'
        ? msg('definitionErrors.unreadableSource', { uuid, host: from, error: source.text })
        : msg('definitionErrors.notDefinedSource', { uuid, host: from }),
      { host: from, step: msg('errorSteps.readCanonicalDefinition') },
    )
  const definition = parseDomainXml(source.xml, { host: from, vm: uuid })
  if (definition.uuid !== uuid)
    throw ApiError.of(
      'internal',
      msg('definitionErrors.wrongUuid', { host: from, found: definition.uuid, uuid }),
      {
        host: from,
        step: msg('errorSteps.readCanonicalDefinition'),
      },
    )
  const name = definition.name
  const hosts: SyncPlan['hosts'] = definitions.map((entry) => {
    const runs = running.includes(entry.host)
    if (entry.host === from) return { host: entry.host, status: 'source', running: runs }
    if (entry.status === 'unreachable')
      return {
        host: entry.host,
        status: 'unreachable',
        running: runs,
        error: entry.error,
        errorText: entry.text,
      }
    if (entry.status === 'missing')
      return {
        host: entry.host,
        status: 'missing',
        running: runs,
        diff: unifiedDiff(entry.host, from, name, '', source.canonical),
      }
    if (entry.canonical === source.canonical) return { host: entry.host, status: 'same', running: runs }
    return {
      host: entry.host,
      status: 'different',
      running: runs,
      diff: unifiedDiff(entry.host, from, name, entry.canonical, source.canonical),
    }
  })
  const confirmHosts = hosts
    .filter((host) => host.running && (host.status === 'different' || host.status === 'missing'))
    .map((host) => host.host)
  return { uuid, name, from, hosts, confirmHosts }
}

/** A host the sync could not define: why, for the window (`errorText`) and in English (`error`, logs). */
function failedOn(host: string, text: Message, english?: string): SyncResult['hosts'][number] {
  return { host, outcome: 'failed', error: english ?? englishText(text), errorText: text }
}

/** A host's outcome of a sync, as its log line (what the host said, if anything, kept as is). */
function syncLine(
  host: string,
  name: string,
  outcome: SyncResult['hosts'][number]['outcome'],
  error: Message | undefined,
  running: boolean,
): Message {
  if (outcome === 'failed')
    return error
      ? withDetail(msg('jobSteps.syncFailedError', { host, error }), error.detail)
      : msg('jobSteps.syncFailed', { host })
  if (outcome === 'defined')
    return running
      ? msg('jobSteps.syncDefinedRunning', { host, name })
      : msg('jobSteps.syncDefined', { host })
  return msg(outcome === 'source' ? 'jobSteps.syncSource' : 'jobSteps.syncUnchanged', { host })
}
