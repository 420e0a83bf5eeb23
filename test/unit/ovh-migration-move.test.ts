/**
 * The migration's block move as a step of the migration job (issue 20, item 3): the request is judged
 * against the VMs' failover IP settings (the VM's IP in the block, every other VM of the block
 * confirmed), nothing moves before the migration's pre-checks and the OVH checks pass, `first` moves
 * then migrates, `parallel` migrates while moving and reports a failed move in the result, and a
 * migration failing after the block moved says where the block is.
 */
import { describe, expect, it } from 'vitest'
import { ApiError } from '../../src/shared/errors'
import { englishText, msg, withDetail } from '../../src/shared/messages'
import type { MigrationPlan, MigrationResult } from '../../src/shared/migration'
import type { JobContext } from '../../src/main/core/jobs/job-manager'
import {
  judgeBlockMove,
  migrateWithBlockMove,
  type BlockClaim,
} from '../../src/main/core/migration/block-move'
import { OvhAccess } from '../../src/main/core/ovh/access'

const WEB = '00000000-0000-4000-8000-000000000001'
const DB = '00000000-0000-4000-8000-000000000002'
const claims: BlockClaim[] = [
  { uuid: WEB, name: 'web', failoverIp: '1.2.3.9', runningOn: ['hv1'] },
  { uuid: DB, name: 'db', failoverIp: '1.2.3.10', runningOn: ['hv1'] },
  { uuid: '00000000-0000-4000-8000-000000000003', name: 'solo', failoverIp: '1.2.3.20', runningOn: ['hv2'] },
  { uuid: '00000000-0000-4000-8000-000000000004', name: 'ripe', runningOn: ['hv2'] },
]
const codeOf = (fn: () => unknown): string => {
  try {
    fn()
  } catch (error) {
    return ApiError.from(error).code
  }
  return 'none'
}

describe('judgeBlockMove', () => {
  it('accepts a block holding only the VM, and one whose other VMs were all confirmed', () => {
    expect(judgeBlockMove(claims, claims[2]!.uuid, { block: '1.2.3.20/32', when: 'first' })).toEqual({
      vm: 'solo',
      ip: '1.2.3.20',
      others: [],
    })
    const judged = judgeBlockMove(claims, WEB, {
      block: '1.2.3.8/30',
      when: 'first',
      others: [DB.toUpperCase()],
    })
    expect(judged.others.map((other) => other.name)).toEqual(['db'])
  })

  it('refuses a VM without a failover IP, an IP outside the block, and an unconfirmed neighbour', () => {
    expect(
      codeOf(() => judgeBlockMove(claims, claims[3]!.uuid, { block: '1.2.3.8/30', when: 'first' })),
    ).toBe('ovh.move.no-ip')
    expect(codeOf(() => judgeBlockMove(claims, WEB, { block: '1.2.3.20/32', when: 'first' }))).toBe(
      'ovh.move.not-in-block',
    )
    try {
      judgeBlockMove(claims, WEB, { block: '1.2.3.8/30', when: 'parallel', others: [] })
      expect.unreachable()
    } catch (error) {
      const refusal = ApiError.from(error)
      expect(refusal.code).toBe('ovh.move.others')
      expect(refusal.message).toBe(
        'Moving 1.2.3.8/30 also moves the addresses of db (1.2.3.10): confirm it in the sheet to move the block.',
      )
      expect(refusal.details).toEqual({ others: [{ uuid: DB, name: 'db', failoverIp: '1.2.3.10' }] })
    }
  })
})

/** The error a promise rejects with (it must reject). */
async function failure(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise
  } catch (error) {
    return ApiError.from(error)
  }
  throw new Error('it resolved')
}

function job(): JobContext & { lines: string[] } {
  const lines: string[] = []
  return {
    id: 'j1',
    signal: new AbortController().signal,
    lines,
    step: (text) => lines.push(`step ${typeof text === 'string' ? text : englishText(text)}`),
    progress: () => undefined,
    detail: () => undefined,
    log: (text) => lines.push(typeof text === 'string' ? text : englishText(text)),
  }
}
const PLAN = {
  uuid: WEB,
  name: 'web',
  from: 'hv1',
  to: 'hv2',
  checks: [],
  canStart: true,
} as unknown as MigrationPlan
const RESULT = { from: 'hv1', to: 'hv2', durationMs: 1000 } as unknown as MigrationResult

function deps(
  options: { move?: () => Promise<unknown>; migrate?: () => Promise<MigrationResult>; refuse?: boolean } = {},
) {
  const calls: string[] = []
  return {
    calls,
    deps: {
      claims: () => claims,
      ovh: {
        serverOf: (host: string) => {
          calls.push(`serverOf ${host}`)
          return 'ns2'
        },
        credentials: async () => {
          calls.push('credentials')
          return {} as never
        },
        moveBlock: async (
          _job: JobContext,
          params: { block: string; to: string },
          opts?: { quiet?: boolean },
        ) => {
          calls.push(`move ${params.block} ${params.to}${opts?.quiet ? ' quiet' : ''}`)
          await (options.move?.() ?? Promise.resolve())
          calls.push('moved')
          return { block: params.block, serviceName: 'ns2', moved: true, taskId: 7 }
        },
      },
      migration: {
        plan: async () => {
          calls.push('plan')
          return PLAN
        },
        refuseUnlessReady: () => {
          calls.push('judge')
          if (options.refuse) throw new ApiError({ code: 'vm.migrate.refused', message: 'refused' })
        },
        migrate: async () => {
          calls.push('migrate')
          const result = await (options.migrate?.() ?? Promise.resolve(RESULT))
          calls.push('migrated')
          return result
        },
      },
    },
  }
}
const params = (when: 'first' | 'parallel', others: string[] = []) => ({
  uuid: WEB,
  to: 'hv2',
  blockMove: { block: '1.2.3.8/30', when, others },
})

describe('migrateWithBlockMove', () => {
  it('first: pre-checks, OVH checks, the block moves, then the migration; the result says so', async () => {
    const { calls, deps: d } = deps()
    const result = await migrateWithBlockMove(d, params('first', [DB]), job())
    expect(calls).toEqual([
      'plan',
      'judge',
      'serverOf hv2',
      'credentials',
      'move 1.2.3.8/30 hv2',
      'moved',
      'migrate',
      'migrated',
    ])
    expect(result.blockMove).toEqual({ block: '1.2.3.8/30', serviceName: 'ns2', moved: true, taskId: 7 })
  })

  it('the plan\'s "move the failover IP in the OVH manager" warning is this job\'s: it needs no acceptance', async () => {
    const withWarnings = {
      ...PLAN,
      checks: [
        { id: 'failover-ip', level: 'warn', message: { code: 'migrationChecks.failoverIp' } },
        { id: 'memory', level: 'warn', message: { code: 'migrationChecks.memoryTight' } },
      ],
    } as unknown as MigrationPlan
    for (const acceptWarnings of [false, true]) {
      const { deps: d } = deps()
      const judged: string[][] = []
      const migrated: unknown[] = []
      const result = await migrateWithBlockMove(
        {
          ...d,
          migration: {
            plan: async () => withWarnings,
            refuseUnlessReady: (plan) => void judged.push(plan.checks.map((check) => check.id)),
            migrate: async (_params, _job, options) => {
              migrated.push(options)
              return RESULT
            },
          },
        },
        { ...params('first', [DB]), ...(acceptWarnings ? { acceptWarnings } : {}) },
        job(),
      )
      expect(result.blockMove?.moved).toBe(true)
      // judged without it before anything moves; the migration accepts only it unless all were accepted
      expect(judged).toEqual([['memory']])
      expect(migrated).toEqual([acceptWarnings ? undefined : { acceptedWarnings: ['failover-ip'] }])
    }
  })

  it('moves nothing when the migration pre-checks refuse or a neighbour is not confirmed', async () => {
    const refused = deps({ refuse: true })
    await expect(migrateWithBlockMove(refused.deps, params('first', [DB]), job())).rejects.toMatchObject({
      code: 'vm.migrate.refused',
    })
    expect(refused.calls).toEqual(['plan', 'judge'])
    const unconfirmed = deps()
    await expect(migrateWithBlockMove(unconfirmed.deps, params('first'), job())).rejects.toMatchObject({
      code: 'ovh.move.others',
    })
    expect(unconfirmed.calls.some((call) => call.startsWith('move'))).toBe(false)
  })

  it('first: a failed move stops before migrating, naming the VM, the block and the destination', async () => {
    const { calls, deps: d } = deps({
      move: async () => {
        const ended = msg('ovhErrors.taskEnded', {
          taskId: 7,
          task: 'move',
          service: 'ns2',
          status: 'customerError',
        })
        throw ApiError.of('ovh.task.customerError', withDetail(ended, 'IP busy', 'ovh'))
      },
    })
    const error = await failure(migrateWithBlockMove(d, params('first', [DB]), job()))
    expect(calls).not.toContain('migrate')
    expect(error.code).toBe('ovh.move.failed')
    expect(error.host).toBe('hv2')
    expect(error.message).toBe(
      "web's failover block 1.2.3.8/30 did not move to hv2: OVH’s task 7 (move) on ns2 ended customerError. (OVH said: IP busy)",
    )
    expect(error.hint).toMatch(/^web was not migrated/)
  })

  it('first: "stop following" says OVH may still move the block', async () => {
    const { deps: d } = deps({
      move: async () => {
        throw new ApiError({ code: 'ovh.task.unfollowed', message: 'Stopped following' })
      },
    })
    const error = await failure(migrateWithBlockMove(d, params('first', [DB]), job()))
    expect(error.code).toBe('ovh.move.unfollowed')
    expect(error.message).toContain('OVH may still carry it out')
  })

  it('first: a migration failing after the move keeps its reason and says where the block is', async () => {
    const { deps: d } = deps({
      migrate: async () => {
        throw new ApiError({ code: 'vm.migrate.failed', message: 'libvirt said no' })
      },
    })
    const running = job()
    const error = await failure(migrateWithBlockMove(d, params('first', [DB]), running))
    expect(error.code).toBe('vm.migrate.failed')
    expect(error.message).toBe('libvirt said no')
    expect(error.hint).toContain(
      '1.2.3.8/30 was moved to hv2 before the migration of web failed: web still runs on hv1',
    )
    expect(error.details).toMatchObject({ blockMoved: { block: '1.2.3.8/30', to: 'hv2' } })
    expect(running.lines.at(-1)).toContain('still runs on hv1')
  })

  it('parallel: migrates while the move runs quietly; a failed move is in the result, not a failed migration', async () => {
    let release!: () => void
    const { calls, deps: d } = deps({ move: () => new Promise<void>((resolve) => (release = resolve)) })
    const pending = migrateWithBlockMove(d, params('parallel', [DB]), job())
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(calls).toContain('migrated')
    expect(calls).not.toContain('moved')
    release()
    expect((await pending).blockMove).toMatchObject({ moved: true, taskId: 7 })
    expect(calls).toContain('move 1.2.3.8/30 hv2 quiet')

    const failing = deps({
      move: async () => {
        throw new ApiError({ code: 'ovh.http.403', message: 'This call has not been granted' })
      },
    })
    const result = await migrateWithBlockMove(failing.deps, params('parallel', [DB]), job())
    expect(result.to).toBe('hv2')
    expect(result.blockMove).toMatchObject({
      block: '1.2.3.8/30',
      moved: false,
      error: { code: 'ovh.move.failed' },
    })
    expect(result.blockMove?.error?.hint).toMatch(/may run on hv2 while 1.2.3.8\/30 still routes/)
  })

  it('OvhAccess.moveFailed keeps OVH’s own error in details.cause', () => {
    const error = OvhAccess.moveFailed(new ApiError({ code: 'ovh.http.409', message: 'duplicate MAC' }), {
      vm: 'web',
      block: '1.2.3.8/30',
      to: 'hv2',
      step: 'maintenance',
    })
    expect(error.details).toMatchObject({ cause: { code: 'ovh.http.409', message: 'duplicate MAC' } })
    expect(error.step).toBe('OVH block move of 1.2.3.8/30 to hv2')
  })
})
