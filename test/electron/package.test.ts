import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { EXPECTED_FUSES, asarIntegrityEnforced, readFuses } from '../support/fuses'
import { appEnv, pkg, startOneHostCluster, startReleaseFeed } from './support'

/**
 * The packaged app, as the release workflow built it (`npm run package`): its fuses read back from
 * the binary, and the app launched as users get it (on Linux, the installed .deb with its sandbox
 * helper and AppArmor profile; never --no-sandbox). HYPERDESK_PACKAGED_APP is its executable
 * (/opt/Hyperdesk/hyperdesk, or …/Hyperdesk.app/Contents/MacOS/Hyperdesk); HYPERDESK_PACKAGED_APP_X64
 * optionally another architecture's build, whose fuses are read but which is not launched.
 * Playwright cannot drive a packaged app (the nodeCliInspect fuse is off), so the page is read over
 * Chromium's remote debugging protocol on 127.0.0.1.
 */
function packagedApp(variable: string): string {
  const value = process.env[variable]
  if (!value) throw new Error(`Set ${variable} to the packaged app's executable (after \`npm run package\`).`)
  const executable = path.resolve(value)
  if (!fs.existsSync(executable)) throw new Error(`${variable}: ${executable} does not exist`)
  return executable
}

interface Launched {
  child: ChildProcess
  stdout: string
  stderr: string
  /** Chromium's remote debugging endpoint, once the app has started as an Electron app. */
  devtools: Promise<string>
  stop(): Promise<void>
}

function launch(executable: string, env: NodeJS.ProcessEnv, args: string[], userData: string): Launched {
  const child = spawn(executable, [`--user-data-dir=${userData}`, '--remote-debugging-port=0', ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const launched: Launched = {
    child,
    stdout: '',
    stderr: '',
    devtools: new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no DevTools endpoint in 30 s:\n${launched.stderr}`)),
        30_000,
      )
      child.stderr!.on('data', (data: Buffer) => {
        launched.stderr += data.toString()
        const match = /DevTools listening on ws:\/\/(127\.0\.0\.1:\d+)\//.exec(launched.stderr)
        if (match) {
          clearTimeout(timer)
          resolve(`http://${match[1]}`)
        }
      })
      child.on('exit', (code, signal) => {
        clearTimeout(timer)
        reject(new Error(`the app exited (${code ?? signal}):\n${launched.stderr}`))
      })
    }),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(timer)
    },
  }
  child.stdout!.on('data', (data: Buffer) => (launched.stdout += data.toString()))
  launched.devtools.catch(() => undefined)
  return launched
}

/** Evaluates an expression in the app's page over the remote debugging protocol. */
async function evaluate(endpoint: string, expression: string): Promise<unknown> {
  let target: { url: string; webSocketDebuggerUrl: string } | undefined
  for (let attempt = 0; attempt < 60 && !target; attempt++) {
    const targets = (await (await fetch(`${endpoint}/json/list`)).json()) as {
      type: string
      url: string
      webSocketDebuggerUrl: string
    }[]
    target = targets.find((entry) => entry.type === 'page' && entry.url.startsWith('app://'))
    if (!target) await new Promise((resolve) => setTimeout(resolve, 500))
  }
  if (!target) throw new Error('no app:// page')
  expect(target.url).toBe('app://hyperdesk/index.html')
  const socket = new WebSocket(target.webSocketDebuggerUrl)
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject))
  try {
    socket.send(
      JSON.stringify({
        id: 1,
        method: 'Runtime.evaluate',
        params: { expression, awaitPromise: true, returnByValue: true },
      }),
    )
    const reply = await new Promise<{ result: { result: { value: unknown }; exceptionDetails?: unknown } }>(
      (resolve) =>
        socket.on('message', (data: Buffer) => {
          const message = JSON.parse(data.toString()) as { id?: number }
          if (message.id === 1) resolve(message as never)
        }),
    )
    if (reply.result.exceptionDetails) throw new Error(JSON.stringify(reply.result.exceptionDetails))
    return reply.result.result.value
  } finally {
    socket.close()
  }
}

let executable: string
let cluster: Awaited<ReturnType<typeof startOneHostCluster>>
let feed: Awaited<ReturnType<typeof startReleaseFeed>>
let scratch: string
const running: Launched[] = []

beforeAll(async () => {
  executable = packagedApp('HYPERDESK_PACKAGED_APP')
  cluster = await startOneHostCluster()
  feed = await startReleaseFeed(`v${pkg.version}`)
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'hd-packaged-'))
})

afterAll(async () => {
  for (const app of running) await app.stop()
  await cluster?.close()
  await feed?.close()
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true })
})

describe(`packaged app (${process.platform} ${process.arch})`, () => {
  it('has its fuses set: not a Node runtime, no NODE_OPTIONS or --inspect, app only from app.asar', async () => {
    expect(await readFuses(executable)).toMatchObject(EXPECTED_FUSES)
    const other = process.env.HYPERDESK_PACKAGED_APP_X64
    if (other)
      expect(await readFuses(packagedApp('HYPERDESK_PACKAGED_APP_X64'))).toMatchObject(EXPECTED_FUSES)
  })

  it('starts with its sandbox and shows the app:// page, whose bridge answers with the package version', async () => {
    const app = launch(
      executable,
      appEnv(cluster.configPath, cluster.dir, feed.url),
      [],
      path.join(scratch, 'a'),
    )
    running.push(app)
    const endpoint = await app.devtools
    expect(await evaluate(endpoint, 'Object.keys(window.hyperdesk).sort().join()')).toBe(
      'call,notify,onMenuCommand,openStream,setConsoleFocus,setLanguage,subscribe,transport',
    )
    expect(await evaluate(endpoint, 'typeof require + typeof process')).toBe('undefinedundefined')
    expect(
      await evaluate(endpoint, "window.hyperdesk.call('app.info', {}).then((r) => r.value.version)"),
    ).toBe(pkg.version)
    expect(
      await evaluate(
        endpoint,
        "window.hyperdesk.call('app.checkForUpdates', { manual: true }).then((r) => r.value.state)",
      ),
    ).toBe('current')
    expect(app.stderr).not.toMatch(/no-sandbox|sandbox.*(disabled|not supported)/i)
    await app.stop()
  })

  it('ignores ELECTRON_RUN_AS_NODE, NODE_OPTIONS and --inspect (the fuses at work)', async () => {
    const marker = path.join(scratch, 'node-options-ran')
    const preload = path.join(scratch, 'preload.cjs')
    fs.writeFileSync(preload, `require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran')`)
    const env = {
      ...appEnv(cluster.configPath, cluster.dir, 'off'),
      ELECTRON_RUN_AS_NODE: '1',
      NODE_OPTIONS: `--require=${preload}`,
    }
    const app = launch(
      executable,
      env,
      ['--inspect=0', '-e', 'console.log("RAN_AS_NODE")'],
      path.join(scratch, 'b'),
    )
    running.push(app)
    // It started as the app (a Node runtime would have printed and exited, with no DevTools endpoint).
    await app.devtools
    await new Promise((resolve) => setTimeout(resolve, 2000))
    expect(app.stdout).not.toContain('RAN_AS_NODE')
    expect(app.stderr).not.toContain('Debugger listening')
    expect(fs.existsSync(marker)).toBe(false)
    await app.stop()
  })

  // Linux has the fuse set too, but Electron does not enforce it there: nothing to claim, no test.
  if (asarIntegrityEnforced(process.platform)) {
    it('refuses to start with a tampered app.asar (ASAR integrity: enforced on macOS)', async () => {
      const bundle = executable.slice(0, executable.indexOf('.app/') + 4)
      const copy = path.join(scratch, path.basename(bundle))
      fs.cpSync(bundle, copy, { recursive: true, verbatimSymlinks: true })
      const asar = path.join(copy, 'Contents/Resources/app.asar')
      const data = fs.readFileSync(asar)
      // One letter of a licence file's name in the archive's header: an app without integrity checks
      // would not notice (nothing loads that file at start), one with them refuses the changed header.
      const headerLength = data.readUInt32LE(12)
      const at = data.subarray(16, 16 + headerLength).indexOf('"LICENSE"') + 16
      expect(at).toBeGreaterThan(16)
      data[at + 7] = 'F'.charCodeAt(0)
      fs.writeFileSync(asar, data)
      const app = launch(
        path.join(copy, path.relative(bundle, executable)),
        appEnv(cluster.configPath, cluster.dir, 'off'),
        [],
        path.join(scratch, 'c'),
      )
      running.push(app)
      const exit = await new Promise<number | string | null>((resolve) => {
        const timer = setTimeout(() => resolve('still running'), 30_000)
        app.child.once('exit', (code, signal) => {
          clearTimeout(timer)
          resolve(code ?? signal)
        })
      })
      expect(exit).not.toBe('still running')
      expect(exit).not.toBe(0)
    })
  }
})
