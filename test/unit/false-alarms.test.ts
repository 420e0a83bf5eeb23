/**
 * No false alarms (issue 15, item 10): a migration's destination that is only being prepared is not
 * a second running copy, and refreshing a host that cannot be read is an error, not its old data.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { CoreEvents } from '../../src/main/core/events'
import { InventoryService } from '../../src/main/core/inventory/inventory-service'
import { lifecycleChange } from '../../src/main/core/inventory/virsh-events'
import type { RemoteRunner } from '../../src/main/core/remote/runner'
import type { BatchSection } from '../../src/main/core/remote/framing'
import { recordedSession } from '../support/recorded-session'
import { inventoryService } from '../../src/main/core/services/inventory'
import type { CoreContext } from '../../src/main/core/context'
import { ApiError } from '../../src/shared/errors'

// Recorded from the lab (libvirt 9.0.0): labvm1 runs on hv2 and is shut off on hv1.
const fixtures = path.resolve(__dirname, '../fixtures/libvirt-9.0.0')
const batch: Record<string, string> = {
  hv1: fs.readFileSync(path.join(fixtures, 'batch-hv1.txt'), 'utf8'),
  hv2: fs.readFileSync(path.join(fixtures, 'batch-hv2.txt'), 'utf8'),
}
const LABVM1 = '1ab0c0de-0000-4000-8000-000000000001'

function inventoryOf(reachable: Record<string, boolean>): InventoryService {
  const offline = (host: string) =>
    new ApiError({ code: 'host.offline', host, message: `Cannot reach ${host}` })
  const sessions = Object.fromEntries(
    Object.entries(batch).map(([host, text]) => [host, recordedSession(text)]),
  )
  const runner = {
    run: async (host: string) => {
      if (!reachable[host]) throw offline(host)
      return { stdout: batch[host] ?? '', stderr: '', exitCode: 0, durationMs: 1 }
    },
    // A first read asks the host's virsh session.
    virshQuery: async (host: string, sections: readonly BatchSection[]) => {
      const session = sessions[host]
      if (!reachable[host] || !session) throw offline(host)
      return session(sections)
    },
  } as unknown as RemoteRunner
  return new InventoryService({
    runner,
    events: new CoreEvents(),
    hostNames: () => Object.keys(reachable),
    hasDomstats: () => true,
  })
}

describe('a migration’s destination is not a second copy', () => {
  it('reads "Started Migrated" as paused for the incoming migration; a failed one stops it', () => {
    expect(lifecycleChange('Started', 'Migrated')).toEqual({ state: 'paused', stateReason: 2 })
    expect(lifecycleChange('Suspended', 'Migrated')).toEqual({ state: 'paused', stateReason: 2 })
    expect(lifecycleChange('Started', 'Booted')).toEqual({ state: 'running' })
    expect(lifecycleChange('Stopped', 'Failed')).toEqual({ state: 'shutoff' })
  })

  it('shows RUNNING TWICE only when two QEMUs really run, event by event', async () => {
    const inventory = inventoryOf({ hv1: true, hv2: true })
    await inventory.refreshAll()
    const labvm1 = () => inventory.vm(LABVM1)!
    expect(labvm1().runningOn).toEqual(['hv2'])
    const event = (host: string, what: string) =>
      inventory.handleEventLine(
        host,
        `2026-12-03 10:00:00.000+0000: event 'lifecycle' for domain 'labvm1': ${what}`,
      )

    event('hv1', 'Started Migrated')
    expect(labvm1().runningOn.sort()).toEqual(['hv1', 'hv2'])
    expect(labvm1().flags).not.toContain('running-twice')
    event('hv1', 'Stopped Failed')
    expect(labvm1().runningOn).toEqual(['hv2'])
    expect(labvm1().flags).not.toContain('running-twice')
    // A real second start is the split-brain to show.
    event('hv1', 'Started Booted')
    expect(labvm1().flags).toContain('running-twice')
    inventory.stop()
  })
})

describe('refreshing a host that cannot be read', () => {
  it('is an error naming the host, not its last known inventory', async () => {
    const inventory = inventoryOf({ hv1: true, hv2: true })
    await inventory.refreshAll()
    const reachable = { hv1: true, hv2: false }
    const broken = inventoryOf(reachable)
    await broken.refreshAll()
    const context = {
      inventory: broken,
      config: { requireConfig: () => ({ hosts: [{ name: 'hv1' }, { name: 'hv2' }] }) },
    } as unknown as CoreContext
    const refresh = inventoryService(context)['inventory.refresh']
    const error = await refresh({ host: 'hv2' }).catch((caught: unknown) => caught)
    expect(error).toMatchObject({ code: 'inventory.refresh-failed', host: 'hv2' })
    expect((error as ApiError).text).toMatchObject({
      code: 'coreErrors.refreshFailed',
      params: { host: 'hv2' },
      detail: expect.stringMatching(/^Cannot reach hv2/),
    })
    expect((error as ApiError).message).toMatch(/^hv2 could not be read\. .*Cannot reach hv2/)
    expect((await refresh({ host: 'hv1' })).hosts.find((h) => h.host === 'hv1')?.reachable).toBe(true)
    inventory.stop()
    broken.stop()
  })
})
