import { ApiError } from '../../../shared/errors'
import { msg } from '../../../shared/messages/message'

/**
 * sshd refuses a session channel beyond MaxSessions (10 by default) on one connection. The app keeps
 * 8 for commands, queued in order, and 2 for interactive use (terminals, serial consoles), so a burst
 * of commands never stops a console from opening.
 */
export const EXEC_SLOTS = 8
export const INTERACTIVE_SLOTS = 2

export type Release = () => void

export class Slots {
  private used = 0
  private readonly waiting: { grant: (release: Release) => void; urgent: boolean }[] = []

  constructor(readonly size: number) {}

  get inUse(): number {
    return this.used
  }
  get queued(): number {
    return this.waiting.length
  }

  /** Resolves with a release function once a slot is free; urgent requests (kills) go first. */
  acquire(signal?: AbortSignal, urgent = false): Promise<Release> {
    if (signal?.aborted) return Promise.reject(cancelled())
    if (this.used < this.size) return Promise.resolve(this.take())
    return new Promise((resolve, reject) => {
      const waiter = {
        urgent,
        grant: (release: Release) => {
          signal?.removeEventListener('abort', onAbort)
          resolve(release)
        },
      }
      const onAbort = () => {
        const index = this.waiting.indexOf(waiter)
        if (index >= 0) this.waiting.splice(index, 1)
        reject(cancelled())
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      if (urgent) this.waiting.unshift(waiter)
      else this.waiting.push(waiter)
    })
  }

  /** Takes a slot now or fails (interactive use should not wait behind anything). */
  tryAcquire(): Release | null {
    return this.used < this.size ? this.take() : null
  }

  private take(): Release {
    this.used++
    let released = false
    return () => {
      if (released) return
      released = true
      const next = this.waiting.shift()
      if (next) next.grant(this.takeHandedOver())
      else this.used--
    }
  }

  // The slot passes straight to the next waiter: the count does not change.
  private takeHandedOver(): Release {
    this.used--
    return this.take()
  }
}

function cancelled(): ApiError {
  return ApiError.of('remote.cancelled', msg('sshErrors.cancelledBeforeStart'))
}
