/**
 * Runs tasks one at a time per key (e.g. per VM UUID), in arrival order, so two operations on the
 * same VM from this core never interleave. Different keys run in parallel.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>()

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve()
    const next = previous.then(task, task)
    const tail = next.catch(() => {})
    this.tails.set(key, tail)
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key)
    })
    return next
  }

  isBusy(key: string): boolean {
    return this.tails.has(key)
  }
}
