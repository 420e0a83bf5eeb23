import fs from 'node:fs'
import path from 'node:path'
import type { CoreOptions } from '../src/main/core/context'
import type { RemoteResult, RemoteRunner, RunOptions } from '../src/main/core/remote/runner'
import { labCore, type LabCore } from '../test/support/lab-core'
import { startLatencyProxy, type LatencyProxy } from '../test/lab/support/latency-proxy'
import { LAB_HOSTS } from '../test/lab/support/lab'

/** Shared by the benchmarks: the lab's core at a given added round trip, and simple statistics. */

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2
    ? (sorted[middle] ?? NaN)
    : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2
}

export async function timed<T>(task: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now()
  const value = await task()
  return { ms: performance.now() - start, value }
}

export async function medianOf(runs: number, task: () => Promise<unknown>): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < runs; i++) times.push((await timed(task)).ms)
  return median(times)
}

/** Counts the execs (SSH channels) a piece of code opens through the runner, and its virsh-session queries. */
export class CountingRunner implements RemoteRunner {
  execs = 0
  queries = 0
  /** How long each run() took, from the call to its result (the host's work and the transport). */
  runMs: number[] = []
  constructor(private readonly inner: RemoteRunner) {}
  async run(host: string, argv: readonly string[], options?: RunOptions): Promise<RemoteResult> {
    this.execs++
    const { ms, value } = await timed(() => this.inner.run(host, argv, options))
    this.runMs.push(ms)
    return value
  }
  virsh(host: string, args: readonly string[], options?: RunOptions): Promise<RemoteResult> {
    this.execs++
    return this.inner.virsh(host, args, options)
  }
  virshBatch(
    host: string,
    commands: readonly (readonly string[])[],
    options?: RunOptions,
  ): Promise<RemoteResult> {
    this.execs++
    return this.inner.virshBatch(host, commands, options)
  }
  virshQuery(...args: Parameters<RemoteRunner['virshQuery']>): ReturnType<RemoteRunner['virshQuery']> {
    this.queries++
    return this.inner.virshQuery(...args)
  }
  ceph(host: string, args: readonly string[], options?: RunOptions): Promise<RemoteResult> {
    this.execs++
    return this.inner.ceph(host, args, options)
  }
  rbd(host: string, args: readonly string[], options?: RunOptions): Promise<RemoteResult> {
    this.execs++
    return this.inner.rbd(host, args, options)
  }
  cephMonCommands(
    ...args: Parameters<RemoteRunner['cephMonCommands']>
  ): ReturnType<RemoteRunner['cephMonCommands']> {
    this.execs++
    return this.inner.cephMonCommands(...args)
  }
  stream(...args: Parameters<RemoteRunner['stream']>): ReturnType<RemoteRunner['stream']> {
    this.execs++
    return this.inner.stream(...args)
  }
}

/**
 * One latency proxy per lab host (the kernel here has no netem), `addedRoundTripMs` split evenly
 * between the two directions; none at 0. `endpoint` is where to reach a host, `editCluster` points a
 * cluster file (and its known_hosts) at the proxies.
 */
export async function latencyProxies(addedRoundTripMs: number): Promise<{
  endpoint(index: number): { host: string; port: number }
  editCluster(cluster: Record<string, any>): void // eslint-disable-line @typescript-eslint/no-explicit-any
  close(): Promise<void>
}> {
  const proxies: LatencyProxy[] = []
  if (addedRoundTripMs > 0) {
    for (const host of LAB_HOSTS) {
      proxies.push(
        await startLatencyProxy({
          targetHost: host.address,
          targetPort: 22,
          oneWayDelayMs: addedRoundTripMs / 2,
        }),
      )
    }
  }
  return {
    endpoint: (index) =>
      proxies[index]
        ? { host: '127.0.0.1', port: proxies[index].port }
        : { host: LAB_HOSTS[index]!.address, port: 22 },
    editCluster(cluster) {
      if (proxies.length === 0) return
      // Reach each host through its proxy; its known key is filed under [127.0.0.1]:<port>.
      const knownHosts = fs.readFileSync(cluster.ssh.knownHostsFile, 'utf8').split('\n')
      const extra: string[] = []
      cluster.hosts.forEach((host: { address: string; port?: number }, index: number) => {
        const port = proxies[index]!.port
        for (const line of knownHosts) {
          const [patterns, ...rest] = line.split(' ')
          if (patterns?.split(',').includes(host.address))
            extra.push([`[127.0.0.1]:${port}`, ...rest].join(' '))
        }
        host.address = '127.0.0.1'
        host.port = port
      })
      fs.appendFileSync(cluster.ssh.knownHostsFile, `${extra.join('\n')}\n`)
    },
    async close() {
      await Promise.all(proxies.map((proxy) => proxy.close()))
    },
  }
}

/** A core on the lab, optionally behind a latency proxy per host (see latencyProxies). */
export async function benchCore(
  addedRoundTripMs: number,
  /** The core's options; by default no periodic inventory refresh (a benchmark refreshes when it measures). */
  coreOptions: Partial<CoreOptions> = { inventoryPollMs: 60 * 60_000 },
): Promise<{ lab: LabCore; close(): Promise<void> }> {
  const proxies = await latencyProxies(addedRoundTripMs)
  const lab = await labCore((cluster) => proxies.editCluster(cluster), coreOptions)
  await Promise.all(LAB_HOSTS.map((host) => lab.waitForStatus(host.name, 'online', 60_000)))
  return {
    lab,
    async close() {
      await lab.cleanup()
      await proxies.close()
    },
  }
}

export function writeReport(name: string, lines: string[]): void {
  const dir = path.resolve(__dirname, '../test-results/bench')
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(path.join(dir, `${name}.txt`), `${lines.join('\n')}\n`)
  console.log(`\n${lines.join('\n')}\n`)
}
