import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { closeWithin, stopCoreChild, type CoreChild } from '../../src/main/core-stop'
import { startCoreProcess, type CoreProcess } from '../support/core-child'

/**
 * Quitting asks the core process to close (its pending lease releases end first) and kills it only
 * when it does not answer within the bound. The real built core process (out/main/core-process.js,
 * `npx electron-vite build`), started the way CoreBridge starts it, over Node's IPC in place of
 * Electron's port. The lab file core-quit shows a job's lease released in Ceph across such a quit.
 */
const started: CoreProcess[] = []

function coreProcess(): CoreProcess {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hd-core-stop-'))
  const core = startCoreProcess(path.join(dir, 'cluster.json'), { HOME: dir, SSH_AUTH_SOCK: '' })
  started.push(core)
  return core
}

afterEach(() => {
  for (const core of started.splice(0)) {
    if (core.process.exitCode === null && core.process.signalCode === null) core.process.kill('SIGKILL')
  }
})

describe('stopping the core process on quit', () => {
  it('asks the real core process to close, and it exits by itself with code 0', async () => {
    const core = coreProcess()
    await core.ready
    // It answers calls until then: a running core, not one still starting.
    expect((await core.call('jobs.list', {})).ok).toBe(true)
    const begun = Date.now()
    expect(await stopCoreChild(core.child, 10_000)).toBe('closed')
    expect(await core.exited).toEqual({ code: 0, signal: null })
    console.log(`the core process closed and exited in ${Date.now() - begun} ms`)
  }, 30_000)

  it('kills a core process that does not answer once the bound runs out', async () => {
    // Closing never ends (a host that does not answer): the core never exits by itself.
    const child = spawn(
      process.execPath,
      ['-e', "process.on('message', () => {}); setInterval(() => {}, 1000)"],
      {
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      },
    )
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.once('exit', (_code, signal) => resolve(signal)),
    )
    const port: CoreChild = {
      postMessage: (message) => child.send(message as object),
      kill: () => child.kill(),
      once: (event, listener) => child.once(event, (code) => listener(code ?? -1)),
    }
    const begun = Date.now()
    expect(await stopCoreChild(port, 400)).toBe('killed')
    expect(Date.now() - begun).toBeGreaterThanOrEqual(400)
    expect(await exited).toBe('SIGTERM')
  })

  it('goes on without a frozen core process that does not even act on the kill', async () => {
    const core = coreProcess()
    await core.ready
    core.process.kill('SIGSTOP')
    const begun = Date.now()
    expect(await stopCoreChild(core.child, 300)).toBe('killed')
    // The bound, then at most a second for the kill to land: the quit never hangs.
    expect(Date.now() - begun).toBeLessThan(300 + 1000 + 500)
    expect(core.process.exitCode).toBeNull()
    core.process.kill('SIGKILL')
    expect((await core.exited).signal).toBe('SIGKILL')
  })
})

describe('closeWithin (browser mode on Ctrl-C)', () => {
  it('waits for a close that ends in time', async () => {
    let done = false
    const close = async () => {
      await new Promise((resolve) => setTimeout(resolve, 50))
      done = true
    }
    expect(await closeWithin(close, 2000)).toBe('closed')
    expect(done).toBe(true)
  })

  it('stops waiting at the bound for a close that never ends', async () => {
    const begun = Date.now()
    expect(await closeWithin(() => new Promise<void>(() => {}), 200)).toBe('timeout')
    expect(Date.now() - begun).toBeGreaterThanOrEqual(200)
  })
})
