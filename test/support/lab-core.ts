import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  createCoreWithContext,
  type Core,
  type CoreContext,
  type CoreOptions,
} from '../../src/main/core/core'
import type { HostState } from '../../src/shared/hosts'
import { LAB_CLUSTER_CONFIG, LAB_KNOWN_HOSTS } from '../lab/support/lab'

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
  cleanup(): Promise<void>
}

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
  core.subscribe('hosts.state', (state) => {
    states.set(state.name, state)
    history.push(state)
    for (const listener of listeners) listener()
  })
  for (const state of (await core.call('hosts.list', {})) as HostState[])
    if (!states.has(state.name)) states.set(state.name, state)

  return {
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
    async cleanup() {
      await core.close()
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}
