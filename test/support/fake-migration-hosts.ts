import { MemoryLeases } from './memory-lease'
import type { ResolvedHost } from '../../src/shared/contract'
import type { HostState } from '../../src/shared/hosts'
import type { HostInventory, Vm } from '../../src/shared/inventory'
import { KeyedMutex } from '../../src/main/core/jobs/keyed-mutex'
import type { MigrationDeps } from '../../src/main/core/migration/precheck'
import type { InventoryService } from '../../src/main/core/inventory/inventory-service'
import type { RemoteResult, RemoteRunner, RunOptions } from '../../src/main/core/remote/runner'

/**
 * Fake hypervisors for the migration's unit tests (what the lab cannot break safely or time exactly):
 * each host answers the virsh sections of a batch by id, `domstate` with its 'state' answer, and the
 * paths it has. The inventory is a plain object the test (or a fake migration) changes, as libvirt's
 * events would.
 */
export type Answers = Record<string, string>

export const ok = (stdout: string): RemoteResult => ({ stdout, stderr: '', exitCode: 0, durationMs: 1 })

export interface FakeHostsOptions {
  /** `virsh migrate` on the source (it throws for a failure, as the runner does); default: not expected. */
  migrate?(options: RunOptions | undefined): Promise<RemoteResult>
  /** Called for each `virsh domjobabort`. */
  onAbort?(host: string): void
  /** Called as each batch of virsh sections starts, with the section ids. */
  onBatch?(host: string, ids: string[]): void
  /** How long each host takes to answer a batch (default at once). */
  delayMs?: Record<string, number>
}

export function fakeRunner(
  byHost: Record<string, Answers>,
  existing: string[],
  options: FakeHostsOptions = {},
): RemoteRunner {
  return {
    async run(host, argv, runOptions) {
      // The migration's command (virsh migrate, then the audit line).
      if (argv.includes('hyperdesk-migrate')) {
        if (!options.migrate) throw new Error('virsh migrate not expected')
        return options.migrate(runOptions)
      }
      // Which paths exist: the arguments after the script's name.
      if (argv.includes('hyperdesk-paths')) {
        const paths = argv.slice(argv.indexOf('hyperdesk-paths') + 1)
        return ok(
          paths
            .filter((path) => existing.includes(path))
            .map((path) => `@@hyperdesk-path ${path}\n`)
            .join(''),
        )
      }
      throw new Error(`unexpected command on ${host}: ${argv.join(' ')}`)
    },
    // The host's virsh session: each section answered by id (empty when none is given); a VM without
    // a 'state' answer is not defined on that host.
    async virshQuery(host, sections) {
      const ids = sections.map((section) => section.id)
      options.onBatch?.(host, ids)
      await new Promise((resolve) => setTimeout(resolve, options.delayMs?.[host] ?? 0))
      const answers = byHost[host] ?? {}
      return new Map(
        sections.map(({ id, command }) => {
          const answer =
            command[0] === 'domjobinfo' && command[1] === '--completed' ? answers['completed'] : answers[id]
          return [
            id,
            answer === undefined && command[0] === 'domstate'
              ? { text: '', errors: [`failed to get domain '${command.at(-1)}'`] }
              : { text: answer ?? '', errors: [] },
          ] as const
        }),
      )
    },
    async virsh(host, args) {
      const answers = byHost[host] ?? {}
      if (args.includes('domjobabort')) {
        options.onAbort?.(host)
        return ok('')
      }
      if (args.includes('domjobinfo')) return ok(answers['completed'] ?? 'Job type:         None')
      // `virsh -r domstate` on the hosts other than the source: the host's 'state' answer.
      if (args.includes('domstate') && answers['state'] !== undefined) return ok(answers['state'])
      return { stdout: '', stderr: "error: failed to get domain 'x'", exitCode: 1, durationMs: 1 }
    },
    virshBatch: () => Promise.reject(new Error('not used')),
    ceph: () => Promise.reject(new Error('not used')),
    rbd: () => Promise.reject(new Error('not used')),
    cephMonCommands: () => Promise.reject(new Error('not used')),
    async stream() {
      return { close: () => undefined, done: Promise.resolve(0) }
    },
  }
}

/** One VM on hosts with the given CPU models and states; `vm.runningOn` is what the inventory believes. */
export function fakeInventory(
  uuid: string,
  hosts: Array<{ name: string; cpuModel?: string; state: 'running' | 'shutoff' }>,
): { inventory: InventoryService; setState(host: string, state: 'running' | 'shutoff'): void } {
  const inventories: HostInventory[] = hosts.map(({ name, cpuModel, state }) => ({
    host: name,
    reachable: true,
    facts: cpuModel ? { cpuModel } : {},
    domains: [{ uuid, name: 'web1', state, autostart: false, managedSave: false }],
    refreshedAt: 0,
  }))
  const vm = (): Vm => ({
    uuid,
    name: 'web1',
    runningOn: inventories.filter((h) => h.domains[0]?.state === 'running').map((h) => h.host),
    lastKnownRunningOn: [],
    definedOn: inventories.map((h) => h.host),
    missingOn: [],
    unknownOn: [],
    flags: [],
  })
  const host = (name: string) => inventories.find((h) => h.host === name)
  return {
    inventory: {
      snapshot: () => ({ hosts: inventories, vms: [vm()] }),
      vm: (id: string) => (id === uuid ? vm() : undefined),
      host,
      domain: (name: string, id: string) => host(name)?.domains.find((domain) => domain.uuid === id),
      refreshHost: async (name: string) => host(name),
    } as unknown as InventoryService,
    setState(name, state) {
      const domain = host(name)?.domains[0]
      if (domain) domain.state = state
    },
  }
}

/** Every host online, with a private migration address 10.0.0.N and the gateway 192.0.2.254. */
export function fakeDeps(runner: RemoteRunner, inventory: InventoryService, hosts: string[]): MigrationDeps {
  return {
    runner,
    inventory,
    vmLocks: new KeyedMutex(),
    lease: new MemoryLeases(),
    hostNames: () => hosts,
    hostConfig: (name) =>
      ({
        name,
        hostname: name,
        migrationAddress: `10.0.0.${name.slice(2)}`,
        gateway: '192.0.2.254',
      }) as ResolvedHost,
    hostState: (name) => ({ name, status: 'online' }) as HostState,
    audit: async () => undefined,
  }
}
