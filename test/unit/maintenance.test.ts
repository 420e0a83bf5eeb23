/**
 * Host maintenance, the parts the lab cannot break safely: the record on disk (a crash never loses
 * it, an unreadable one is set aside), a record found "running" at start is interrupted (its job
 * died with the previous app), what resume and abort accept, and the capacity plan (heaviest VM
 * first to the host with the most memory left, user choices kept, no destination → a clear error),
 * and the privilege check when nothing privileged is configured.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Maintenance, type MaintenanceDeps } from '../../src/main/core/maintenance/maintenance'
import {
  autostartChecks,
  planMoves,
  privilegeChecks,
  type MaintenanceContext,
} from '../../src/main/core/maintenance/precheck'
import { MaintenanceStore } from '../../src/main/core/maintenance/store'
import { ApiError } from '../../src/shared/errors'
import { englishText, msg } from '../../src/shared/messages'
import {
  MaintenanceStepSchema,
  stepSaid,
  stepText,
  type MaintenanceRecord,
} from '../../src/shared/maintenance'

const dirs: string[] = []
function tempStore(): MaintenanceStore {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hd-maint-'))
  dirs.push(dir)
  return MaintenanceStore.besideConfig(path.join(dir, 'cluster.json'))
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
})

function record(status: MaintenanceRecord['status']): MaintenanceRecord {
  return {
    id: 'm1',
    host: 'hv1',
    createdAt: 1,
    updatedAt: 1,
    status,
    jobId: 'job-1',
    plan: {
      host: 'hv1',
      checks: [],
      moves: [],
      destinations: [],
      noout: { reason: 'r' },
      canStart: true,
    },
    steps: [
      { id: 'noout-set', kind: 'noout-set', state: 'done' },
      { id: 'reboot', kind: 'reboot', state: 'running' },
    ],
  }
}

function maintenanceOn(store: MaintenanceStore, emitted: (MaintenanceRecord | null)[] = []) {
  // Only the store and emit are used until a job starts or Ceph is asked.
  const deps = { emit: (r: MaintenanceRecord | null) => emitted.push(r) } as unknown as MaintenanceDeps
  return new Maintenance(deps, store)
}

describe('maintenance record', () => {
  it('is saved and read back; an unreadable file is set aside, not lost', () => {
    const store = tempStore()
    expect(store.load()).toBeNull()
    store.save(record('interrupted'))
    expect(store.load()).toEqual(record('interrupted'))
    expect(fs.existsSync(`${store.path}.tmp`)).toBe(false)
    fs.writeFileSync(store.path, '{"id": 1}')
    expect(store.load()).toBeNull()
    const aside = fs.readdirSync(path.dirname(store.path)).filter((name) => name.includes('.invalid-'))
    expect(aside).toHaveLength(1)
  })

  it('a record saved as running is interrupted at start, without its dead job', () => {
    const store = tempStore()
    store.save(record('running'))
    const emitted: (MaintenanceRecord | null)[] = []
    const maintenance = maintenanceOn(store, emitted)
    expect(maintenance.current()?.status).toBe('interrupted')
    expect(maintenance.current()?.jobId).toBeUndefined()
    expect(store.load()?.status).toBe('interrupted')
    expect(emitted.at(-1)?.status).toBe('interrupted')
  })

  it('aborting an interrupted maintenance that set no noout says so; done ones cannot resume', async () => {
    const store = tempStore()
    store.save(record('interrupted'))
    const maintenance = maintenanceOn(store)
    const aborted = await maintenance.abort('m1')
    expect(aborted.status).toBe('cancelled')
    expect(aborted.outcome).toBe('Aborted; noout was not set by this maintenance.')
    expect(() => maintenance.resume('m1')).toThrow(/only an interrupted or failed one can be resumed/)
    expect(() => maintenance.resume('other')).toThrow(/No maintenance other/)
    expect(() => maintenance.confirmReboot('m1')).toThrow(/not waiting for a reboot/)
  })
})

describe('maintenance steps as messages', () => {
  it('keep the message for the window and its English for the log; an older record reads as its English', () => {
    const said = stepSaid(msg('maintenanceSteps.alreadyOn', { vm: 'web', to: 'hv2' }))
    expect(said.message).toBe('web already runs on hv2.')
    const step = MaintenanceStepSchema.parse({ id: 's1', kind: 'migrate', state: 'done', ...said })
    expect(stepText(step)).toEqual(msg('maintenanceSteps.alreadyOn', { vm: 'web', to: 'hv2' }))
    const old = MaintenanceStepSchema.parse({
      id: 's1',
      kind: 'migrate',
      state: 'done',
      message: 'old words',
    })
    expect(stepText(old)).toEqual(msg('common.untranslated', { text: 'old words' }))
    expect(stepText({})).toBeUndefined()
  })
})

describe('capacity plan', () => {
  const vm = (uuid: string, name: string, memoryKiB: number, state = 'running') => ({
    uuid,
    name,
    state,
    memoryKiB,
    autostart: false,
    managedSave: false,
  })
  function context(online: string[]): MaintenanceContext {
    const facts = (freeKiB: number) => ({ memoryFreeKiB: freeKiB })
    return {
      config: { requireConfig: () => ({ hosts: [{ name: 'hv1' }, { name: 'hv2' }, { name: 'hv3' }] }) },
      hosts: {
        list: () =>
          ['hv1', 'hv2', 'hv3'].map((name) => ({
            name,
            status: online.includes(name) ? 'online' : 'offline',
          })),
      },
      inventory: {
        snapshot: () => ({
          vms: [],
          hosts: [
            {
              host: 'hv1',
              facts: facts(0),
              domains: [
                vm('u1', 'small', 1024),
                vm('u2', 'big', 4096),
                vm('u3', 'off', 8192, 'shutoff'),
                vm('u4', 'mid', 2048),
              ],
            },
            { host: 'hv2', facts: facts(6000), domains: [] },
            { host: 'hv3', facts: facts(5000), domains: [] },
          ],
        }),
      },
    } as unknown as MaintenanceContext
  }

  it('sends the heaviest VM first to the host with the most memory left, skipping shut-off VMs', () => {
    const { moves, destinations } = planMoves(context(['hv1', 'hv2', 'hv3']), 'hv1')
    expect(moves.map((move) => `${move.name}→${move.to}`)).toEqual(['big→hv2', 'mid→hv3', 'small→hv3'])
    expect(destinations).toEqual([
      { host: 'hv2', online: true, freeKiB: 6000, plannedKiB: 4096 },
      { host: 'hv3', online: true, freeKiB: 5000, plannedKiB: 3072 },
    ])
  })

  it('keeps the destinations the user chose; offline hosts get nothing by default', () => {
    const chosen = planMoves(context(['hv1', 'hv2', 'hv3']), 'hv1', { u2: 'hv3' })
    expect(chosen.moves.find((move) => move.name === 'big')!.to).toBe('hv3')
    const oneLeft = planMoves(context(['hv1', 'hv2']), 'hv1')
    expect(new Set(oneLeft.moves.map((move) => move.to))).toEqual(new Set(['hv2']))
  })

  it('says plainly when no other host is online', () => {
    let error: ApiError | undefined
    try {
      planMoves(context(['hv1']), 'hv1')
    } catch (failure) {
      error = ApiError.from(failure)
    }
    expect(error).toMatchObject({ code: 'maintenance.no-destination', host: 'hv1', step: 'capacity plan' })
    expect(error?.message).toBe('No other host is online to take big from hv1.')
  })
})

describe('privilege check', () => {
  it('fails without a privileged client or sudo, with the caps, the config field and the sudo rule', async () => {
    // Nothing is asked of the hosts in this case: the context is never used.
    const checks = await privilegeChecks({} as MaintenanceContext, 'hv1', {
      clientId: 'libvirt',
      monitorTimeoutSeconds: 10,
      user: 'etalab',
    })
    expect(checks).toHaveLength(1)
    expect(checks[0]).toMatchObject({ id: 'privilege', level: 'fail', blocks: ['maintenance'] })
    expect(englishText(checks[0]!.message)).toMatch(
      /client\.libvirt may not run `ceph osd set noout` \(EACCES\)/,
    )
    expect(checks[0]!.fix?.command).toContain('allow command "osd set" with key=noout')
    const fix = englishText(checks[0]!.fix!.message!)
    expect(fix).toContain('"privilegedClientId": "hyperdesk-maint"')
    expect(fix).toContain('etalab ALL=(root) NOPASSWD: /usr/bin/ceph --connect-timeout 10 osd set noout')
  })
})

describe('autostart fix lines', () => {
  it('address the VM by UUID (its name could be anything libvirt allows), the name only in a comment', () => {
    const uuid = '4a3e0000-0000-4000-8000-000000000005'
    const name = "x;$(touch $(printf '\\057tmp\\057pwn'))"
    const context = {
      inventory: {
        snapshot: () => ({
          vms: [],
          hosts: [
            { host: 'hv3', domains: [{ uuid, name, state: 'shutoff', autostart: true, managedSave: false }] },
          ],
        }),
      },
    } as unknown as MaintenanceContext
    const [check] = autostartChecks(context, 'hv3')
    expect(check?.level).toBe('fail')
    expect(englishText(check!.message)).toContain(name)
    expect(check?.fix?.command).toBe(`virsh autostart --disable ${uuid}   # ${JSON.stringify(name)}`)
    expect(englishText(check!.fix!.message!)).toBe('Disable autostart on hv3 (by UUID):')
  })
})
