import { UuidSchema } from '../../../shared/validators'
import { argument, checked, refuse } from './arguments'

/**
 * libvirt by object, a host's side (domain.ts has the domains): the virsh argv (after `virsh -c
 * qemu:///system`) of what the app asks a host's libvirt as a whole — the inventory's and the
 * graphs' whole-host reads, the domain lists, the event stream — and about its own objects (secret,
 * network, storage pool, CPU models), built here and only here from validated values.
 */

/** The virt types whose CPU models the app asks for (a domain's `<domain type>`). */
const VIRT_TYPES = new Set(['kvm', 'qemu'])
/** libvirt network names the app may ask about: libvirt's own rule is looser; the app's is ASCII. */
const NETWORK = /^[A-Za-z0-9][A-Za-z0-9._-]*$/

/** Which domains a UUID list holds. */
export type DomainListFilter = 'all' | 'autostart' | 'managed-save'

const LIST_FILTERS: Record<DomainListFilter, string[]> = {
  all: [],
  autostart: ['--autostart'],
  'managed-save': ['--with-managed-save'],
}

/** A host's libvirt as a whole, and its own objects and capabilities. */
export const hostArgv = {
  hostname: () => ['hostname'],
  /** CPUs, sockets, memory size. */
  info: () => ['nodeinfo'],
  memory: () => ['nodememstats'],
  /** The CPU time counters (the live graphs'). */
  cpuStats: () => ['nodecpustats'],
  /** libvirt's and the hypervisor's versions. */
  version: () => ['version'],
  /** Whether libvirtd answers (after a reboot). */
  uri: () => ['uri'],
  /**
   * The defined domains' UUIDs, all of them or those with autostart or a managed save. UUIDs only: a
   * name is read from the domain's XML, where it is exact (see virsh-parse.ts parseUuidList).
   */
  domainUuids: (filter: DomainListFilter = 'all') => {
    if (!Object.hasOwn(LIST_FILTERS, filter)) refuse('domain list filter', String(filter))
    return ['list', '--all', ...LIST_FILTERS[filter], '--uuid']
  },
  /** Every domain's state and counters in one call (libvirt 1.2.8 and later). */
  allDomainStats: () => ['domstats', '--raw', '--state', '--balloon', '--vcpu', '--cpu-total'],
  /** The CPU models a virt type can run on this host. */
  cpuModels: (virtType: string) =>
    VIRT_TYPES.has(virtType) ? ['domcapabilities', '--virttype', virtType] : refuse('virt type', virtType),
  /** The `pc` machine type of a virt type on x86_64: its versioned name on this host. */
  pcMachine: (virtType: string) =>
    VIRT_TYPES.has(virtType)
      ? ['domcapabilities', '--virttype', virtType, '--arch', 'x86_64', '--machine', 'pc']
      : refuse('virt type', virtType),
  /** The host's capabilities: every machine type each emulator offers. */
  capabilities: () => ['capabilities'],
  secretList: () => ['secret-list'],
  secretValue: (uuid: string) => ['secret-get-value', checked(UuidSchema, uuid.toLowerCase())],
  network: (name: string) => (NETWORK.test(name) ? ['net-info', name] : refuse('libvirt network name', name)),
  poolXml: (pool: string) => ['pool-dumpxml', argument('storage pool name', pool)],
} as const

/**
 * The whole argv of the host's lifecycle event stream (a long-running read-only virsh: the
 * runner's stream takes an argv as is, so the connection is part of it here).
 */
export function eventStreamArgv(): string[] {
  return ['virsh', '-r', '-c', 'qemu:///system', 'event', '--all', '--loop', '--timestamp']
}
