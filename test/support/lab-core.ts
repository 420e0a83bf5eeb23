import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Core } from '../../src/main/core/core'
import type { CoreContext, CoreOptions } from '../../src/main/core/context'
import { createCoreWithContext } from './in-process-core'
import type { BatchSection } from '../../src/main/core/remote/framing'
import type { RunOptions } from '../../src/main/core/remote/runner'
import type { QueryOptions } from '../../src/main/core/remote/virsh-session'
import type { MethodName } from '../../src/shared/api-names'
import type { HostState } from '../../src/shared/hosts'
import type { Job } from '../../src/shared/jobs'
import { LAB_CLUSTER_CONFIG, LAB_HOSTS, LAB_KNOWN_HOSTS, noteTiming, waitFor } from '../lab/support/lab'

/**
 * A real core on the lab's cluster file, with a private copy of the lab's known_hosts (tests edit
 * it) and no ssh-agent (tests must control exactly which keys are offered).
 */
export interface LabCore {
  core: Core
  /** The pool, runner and doctor behind the core. */
  context: CoreContext
  dir: string
  knownHostsFile: string
  states: Map<string, HostState>
  /** Every hosts.state event, in order. */
  history: HostState[]
  waitForStatus(host: string, status: HostState['status'], timeoutMs?: number): Promise<HostState>
  /** Every lab host online and read once by the inventory. */
  waitForInventory(timeoutMs?: number): Promise<void>
  /** Polls a job until it ends; logs its error so a failing assertion shows why. `kind` names it in
   * HYPERDESK_LAB_TIMING's lines (which job kinds a lab file waits on). */
  waitForJob(id: string, timeoutMs?: number, kind?: string): Promise<Job>
  /** Starts a job through the API and waits for it to end. */
  runJob(method: MethodName, params: Record<string, unknown>, timeoutMs?: number): Promise<Job>
  cleanup(): Promise<void>
}

/**
 * Core options for lab files that lose a host on purpose (a cut link, a frozen libvirtd): the app's
 * ways of finding a host lost are waits there, not what the test proves. Keepalives every second, the
 * connection dropped at the fourth unanswered: a cut link (nothing comes back, not even an error) is
 * found 3-4 s after the cut, not 15-20 s (ssh2 counts from the last answer; with 2 s it was 6-8 s,
 * the whole of core-fencing's and ui-fencing's "unreachable in the app" waits). A live host still has
 * 3 s to answer a keepalive, which its sshd does in milliseconds; a stalled event loop here counts as
 * one tick, not several (the answer is read before the next one). One inventory read may take 8 s
 * (not 20 s: every fence or start job reads the lost host again first, and a lab host answers in well
 * under a second), and a host that answers again is reconnected within 200 ms, not at the next 1, 2,
 * 4, 8 s backoff.
 */
export const LOST_HOST_TIMING = {
  inventoryRefreshTimeoutSeconds: 8,
  connection: { keepaliveIntervalMs: 1000, keepaliveCountMax: 3, backoffMs: [200] },
} satisfies Partial<CoreOptions>

export async function labCore(
  edit: (cluster: Record<string, any>) => void = () => undefined, // eslint-disable-line @typescript-eslint/no-explicit-any
  coreOptions: Partial<CoreOptions> = {},
): Promise<LabCore> {
  delete process.env.SSH_AUTH_SOCK
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hd-labcore-'))
  const knownHostsFile = path.join(dir, 'known_hosts')
  fs.copyFileSync(LAB_KNOWN_HOSTS, knownHostsFile)
  const cluster = JSON.parse(fs.readFileSync(LAB_CLUSTER_CONFIG, 'utf8'))
  cluster.ssh.knownHostsFile = knownHostsFile
  edit(cluster)
  const configPath = path.join(dir, 'cluster.json')
  fs.writeFileSync(configPath, JSON.stringify(cluster))
  const states = new Map<string, HostState>()
  const history: HostState[] = []
  const listeners = new Set<() => void>()
  // Subscribing happens after createCore: the first states are read from hosts.list below.
  const { core, context } = await createCoreWithContext({
    configPath,
    home: dir,
    version: 'lab',
    globalKnownHostsFiles: [],
    ...coreOptions,
  })
  if (process.env['HYPERDESK_LAB_EXECS']) noteCommands(context)
  core.subscribe('hosts.state', (state) => {
    states.set(state.name, state)
    history.push(state)
    for (const listener of listeners) listener()
  })
  for (const state of (await core.call('hosts.list', {})) as HostState[])
    if (!states.has(state.name)) states.set(state.name, state)

  const lab: LabCore = {
    core,
    context,
    dir,
    knownHostsFile,
    states,
    history,
    waitForStatus(host, status, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const state = states.get(host)
          if (state?.status === status) {
            done()
            resolve(state)
          }
        }
        const timer = setTimeout(() => {
          done()
          reject(
            new Error(
              `${host} did not become ${status} within ${timeoutMs} ms (it is ${states.get(host)?.status})`,
            ),
          )
        }, timeoutMs)
        const done = () => {
          clearTimeout(timer)
          listeners.delete(check)
        }
        listeners.add(check)
        check()
      })
    },
    async waitForInventory(timeoutMs = 30_000) {
      await Promise.all(LAB_HOSTS.map((host) => lab.waitForStatus(host.name, 'online', timeoutMs)))
      await waitFor(
        'a first inventory of every lab host',
        () => context.inventory.snapshot().hosts.filter((h) => h.reachable).length === LAB_HOSTS.length,
        timeoutMs,
      )
    },
    async waitForJob(id, timeoutMs = 110_000, kind) {
      // A job's end arrives at once as a jobs.update event (polling jobs.get every 100 ms cost 50 ms
      // a job on average: core-lease alone runs 100); jobs.get each second stays as a backstop.
      let ended: Job | undefined
      let wake = () => {}
      const unsubscribe = core.subscribe('jobs.update', (update) => {
        if (update.id !== id || update.state === 'running') return
        ended = update
        wake()
      })
      try {
        const job = await waitFor(
          `job ${kind ?? id} to end`,
          async () => {
            const current = ended ?? ((await core.call('jobs.get', { id })) as Job)
            if (current.state !== 'running') return current
            await new Promise<void>((resolve) => {
              wake = resolve
              setTimeout(resolve, 1000)
            })
            return ended
          },
          timeoutMs,
          0,
        )
        if (job.error) console.log(`${job.kind} → ${job.state}: ${JSON.stringify(job.error)}`)
        if (process.env['HYPERDESK_LAB_JOBLOG'])
          for (const line of job.log) noteTiming(line.at - job.startedAt, `  ${job.kind} +: ${line.text}`)
        return job
      } finally {
        unsubscribe()
      }
    },
    async runJob(method, params, timeoutMs) {
      const started = (await core.call(method, params)) as Job
      return lab.waitForJob(started.id, timeoutMs, started.kind)
    },
    async cleanup() {
      await core.close()
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
  return lab
}

/**
 * With HYPERDESK_LAB_EXECS set (and HYPERDESK_LAB_TIMING naming the file), every one-shot exec
 * (`exec <host> <argv's start>`) and every virsh session query (`query <host> <verbs>`) the core runs
 * is a timing line: what a lab file costs the hosts, counted with grep.
 */
function noteCommands(context: CoreContext): void {
  const runner = context.runner
  const run = runner.run.bind(runner)
  const virshQuery = runner.virshQuery.bind(runner)
  const timed = async <T>(what: string, call: () => Promise<T>): Promise<T> => {
    const started = performance.now()
    try {
      return await call()
    } finally {
      noteTiming(performance.now() - started, what)
    }
  }
  Object.assign(runner, {
    run: (host: string, argv: readonly string[], options?: RunOptions) =>
      timed(`exec ${host} ${argv.slice(0, 6).join(' ')}`, () => run(host, argv, options)),
    virshQuery: (host: string, sections: readonly BatchSection[], options?: QueryOptions) =>
      timed(`query ${host} ${sections.map((section) => section.command[0]).join(' ')}`, () =>
        virshQuery(host, sections, options),
      ),
  })
}
