import { fork, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import type { CoreChild } from '../../src/main/core-stop'

const root = path.resolve(__dirname, '../..')
const SHIM = path.join(root, 'test/fixtures/core-child/parent-port.mjs')
const BUILT = path.join(root, 'out/main/core-process.js')

/** The built core process, started as the app's CoreBridge starts it (Node IPC in place of Electron's port). */
export interface CoreProcess {
  process: ChildProcess
  /** What stopCoreChild drives, as it drives Electron's UtilityProcess. */
  child: CoreChild
  ready: Promise<void>
  call(method: string, params: unknown): Promise<{ ok: boolean; value?: unknown; error?: unknown }>
  subscribe(event: string, listener: (payload: unknown) => void): void
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

export function startCoreProcess(configPath: string, env: NodeJS.ProcessEnv = {}): CoreProcess {
  if (!fs.existsSync(BUILT)) throw new Error(`${BUILT} is missing: run \`npx electron-vite build\` first`)
  const child = fork(SHIM, ['--config', configPath, '--version', 'test'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const pending = new Map<number, (envelope: { ok: boolean; value?: unknown; error?: unknown }) => void>()
  const listeners = new Map<string, (payload: unknown) => void>()
  let nextId = 1
  let readied = () => {}
  const ready = new Promise<void>((resolve) => (readied = resolve))
  child.on('message', (message: { kind?: string; id?: number; event?: string; payload?: unknown }) => {
    if (message.kind === 'ready') return readied()
    if (message.kind === 'result' && message.id !== undefined) {
      pending.get(message.id)?.(message as { ok: boolean })
      pending.delete(message.id)
    }
    if (message.kind === 'event' && message.event) listeners.get(message.event)?.(message.payload)
  })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  )
  return {
    process: child,
    child: {
      postMessage: (message) => child.send(message as object),
      kill: () => child.kill(),
      once: (event, listener) => child.once(event, (code) => listener(code ?? -1)),
    },
    ready,
    call(method, params) {
      const id = nextId++
      return new Promise((resolve) => {
        pending.set(id, resolve)
        child.send({ kind: 'call', id, method, params })
      })
    },
    subscribe(event, listener) {
      listeners.set(event, listener)
      child.send({ kind: 'subscribe', event })
    },
    exited,
  }
}
