import { ApiError } from '../../src/shared/errors'
import { englishText } from '../../src/shared/messages/message'
import type { LeaseCheck, Leases } from '../../src/main/core/lease/cluster-lease'

/**
 * The cluster lease for unit tests of other modules (migration, maintenance): exclusive per name in
 * this process, with what was taken and checked recorded for assertions. The real one is tested on
 * the lab (test/lab/core-lease.test.ts) and against rados' outputs (test/unit/cluster-lease.test.ts).
 */
export class MemoryLeases implements Leases {
  readonly held = new Map<string, string>()
  readonly log: string[] = []
  /** How many times something readied the lease ahead of a take (warm). */
  warmed = 0

  /** `lostAt`: the check before a matching step finds the lease taken over (as ClusterLease's lease.lost). */
  constructor(private readonly lostAt?: RegExp) {}

  warm(): void {
    this.warmed++
  }

  async run<T>(
    names: readonly string[],
    operation: string,
    _durationSeconds: number,
    task: (lease: LeaseCheck) => Promise<T>,
  ): Promise<T> {
    const busy = names.find((name) => this.held.has(name))
    if (busy) throw new ApiError({ code: 'lease.held', message: `${busy} is held by ${this.held.get(busy)}` })
    for (const name of names) this.held.set(name, operation)
    this.log.push(`take ${names.join(',')}`)
    try {
      return await task({
        check: async (checked) => {
          const step = typeof checked === 'string' ? checked : englishText(checked)
          this.log.push(`check ${step}`)
          if (this.lostAt?.test(step))
            throw new ApiError({ code: 'lease.lost', message: `The lease was lost before “${step}”` })
        },
      })
    } finally {
      for (const name of names) this.held.delete(name)
      this.log.push(`release ${names.join(',')}`)
    }
  }
}
