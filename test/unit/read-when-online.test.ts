import { describe, expect, it } from 'vitest'
import { readWhenOnline } from '../../src/main/core/wiring'

/** The order of the doctor and the inventory read when a host (re)connects (wiring.ts). */
function host(before: boolean | undefined, after: boolean | undefined) {
  const log: string[] = []
  let report = before
  let finish: () => void = () => undefined
  const done = readWhenOnline({
    hasDomstats: () => report,
    doctor: () => {
      log.push('doctor starts')
      return new Promise<void>((resolve) => {
        finish = () => {
          report = after
          log.push('doctor done')
          resolve()
        }
      })
    },
    read: () => log.push('read'),
    readAgain: () => log.push('read again'),
  })
  return { log, finish: () => (finish(), done) }
}

describe('a host that comes online', () => {
  it('first connection: the inventory reads at once, assuming domstats, beside the doctor', async () => {
    const first = host(undefined, true)
    expect(first.log).toEqual(['read', 'doctor starts'])
    await first.finish()
    expect(first.log).toEqual(['read', 'doctor starts', 'doctor done'])
  })

  it('first connection to a libvirt without domstats: read again once the doctor says so', async () => {
    const old = host(undefined, false)
    await old.finish()
    expect(old.log).toEqual(['read', 'doctor starts', 'doctor done', 'read again'])
  })

  it('reconnection: the inventory reads at once beside the doctor (its last report still holds)', async () => {
    const again = host(true, true)
    expect(again.log).toEqual(['read', 'doctor starts'])
    await again.finish()
    expect(again.log).toEqual(['read', 'doctor starts', 'doctor done'])
  })

  it('reconnection after libvirt changed (the new report says no domstats): reads again', async () => {
    const downgraded = host(true, false)
    await downgraded.finish()
    expect(downgraded.log).toEqual(['read', 'doctor starts', 'doctor done', 'read again'])
  })

  it('a failing doctor does not hold the first read back', async () => {
    const log: string[] = []
    await readWhenOnline({
      hasDomstats: () => undefined,
      doctor: () => Promise.reject(new Error('probe failed')),
      read: () => log.push('read'),
      readAgain: () => log.push('read again'),
    })
    expect(log).toEqual(['read'])
  })
})
