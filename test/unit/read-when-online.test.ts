import { describe, expect, it } from 'vitest'
import { readWhenOnline } from '../../src/main/core/wiring'

/** The order of the doctor and the inventory read when a host (re)connects (wiring.ts). */
function host(before: boolean | undefined, after: boolean | undefined, doctorAfterMs = 60_000) {
  const log: string[] = []
  let report = before
  let finish: () => void = () => undefined
  let readDone: () => void = () => undefined
  const done = readWhenOnline(
    {
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
      read: () => {
        log.push('read')
        return new Promise<void>((resolve) => (readDone = resolve))
      },
      readAgain: () => log.push('read again'),
    },
    doctorAfterMs,
  )
  const tick = () => new Promise((resolve) => setTimeout(resolve, 0))
  return {
    log,
    readDone: async () => (readDone(), await tick()),
    finish: () => (finish(), done),
  }
}

describe('a host that comes online', () => {
  it('first connection: the inventory reads at once, assuming domstats; the doctor once it is read', async () => {
    const first = host(undefined, true)
    expect(first.log).toEqual(['read'])
    await first.readDone()
    expect(first.log).toEqual(['read', 'doctor starts'])
    await first.finish()
    expect(first.log).toEqual(['read', 'doctor starts', 'doctor done'])
  })

  it('first connection to a libvirt without domstats: read again once the doctor says so', async () => {
    const old = host(undefined, false)
    await old.readDone()
    await old.finish()
    expect(old.log).toEqual(['read', 'doctor starts', 'doctor done', 'read again'])
  })

  it('reconnection: the inventory reads at once, then the doctor (its last report still holds)', async () => {
    const again = host(true, true)
    await again.readDone()
    expect(again.log).toEqual(['read', 'doctor starts'])
    await again.finish()
    expect(again.log).toEqual(['read', 'doctor starts', 'doctor done'])
  })

  it('reconnection after libvirt changed (the new report says no domstats): reads again', async () => {
    const downgraded = host(true, false)
    await downgraded.readDone()
    await downgraded.finish()
    expect(downgraded.log).toEqual(['read', 'doctor starts', 'doctor done', 'read again'])
  })

  it('a read that hangs does not hold the doctor back beyond its wait', async () => {
    const hung = host(undefined, true, 20)
    expect(hung.log).toEqual(['read'])
    await new Promise((resolve) => setTimeout(resolve, 60))
    expect(hung.log).toEqual(['read', 'doctor starts'])
    await hung.finish()
  })

  it('a failing doctor or read does not stop the other', async () => {
    const log: string[] = []
    await readWhenOnline({
      hasDomstats: () => undefined,
      doctor: () => (log.push('doctor'), Promise.reject(new Error('probe failed'))),
      read: () => (log.push('read'), Promise.reject(new Error('unreachable'))),
      readAgain: () => log.push('read again'),
    })
    expect(log).toEqual(['read', 'doctor'])
  })
})
