import type { DomainDefinition } from '../../src/shared/inventory'

/**
 * A VM's definition as the inventory reads it (DomainDefinition), for unit tests: labvm1, 512 MiB,
 * one vCPU, no device; `overrides` set what a test is about (name and UUID of its VM, its disks…).
 */
export function domainDefinition(overrides: Partial<DomainDefinition> = {}): DomainDefinition {
  return {
    name: 'labvm1',
    uuid: '1ab0c0de-0000-4000-8000-000000000001',
    type: 'kvm',
    memoryKiB: 524288,
    currentMemoryKiB: 524288,
    vcpus: 1,
    disks: [],
    nics: [],
    graphics: [],
    serials: [],
    hyperdesk: {},
    ...overrides,
  }
}
