/**
 * Consoles: open-console to first full frame, and a keystroke's echo on the guest's screen, through
 * the app (console.openVnc: domdisplay + a direct-tcpip channel on the already open SSH connection)
 * versus a plain `ssh -L` tunnel, in the same run, at 0 and +30 ms round trip (latency proxy per host).
 * The app's stream reaches the RFB client through a loopback bridge (test support), which the
 * Electron app does not have: that only adds to the app's side. Reports medians and ratios.
 */
import { spawn } from 'node:child_process'
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { typedCall } from '../src/main/core/core'
import { streamOnLoopback } from '../test/support/core-stream'
import { labGuest, requireLab, sshArgs, virsh, waitFor } from '../test/lab/support/lab'
import { RfbTiming } from './rfb-timing'
import { benchCore, median, timed, writeReport } from './support'

const RUNS = 7
const VM = labGuest('labvm1')
const BACKSPACE = 0xff08
const report: string[] = []

beforeAll(async () => {
  await requireLab()
}, 30_000)

afterAll(() => writeReport('console', report))

/** An ssh -L tunnel to the VM's VNC port on hv1, through the same address and port the app uses. */
async function sshTunnel(
  address: string,
  port: number,
  knownHosts: string,
  vncPort: number,
): Promise<{ port: number; close(): void }> {
  const localPort = 20000 + Math.floor(Math.random() * 20000)
  const child = spawn(
    'ssh',
    [
      // sshArgs' own known_hosts comes first and ssh keeps the first value: give ours alone.
      ...sshArgs(['-N', '-o', 'ExitOnForwardFailure=yes']).map((arg) =>
        arg.startsWith('UserKnownHostsFile=') ? `UserKnownHostsFile=${knownHosts}` : arg,
      ),
      '-p',
      String(port),
      '-L',
      `127.0.0.1:${localPort}:127.0.0.1:${vncPort}`,
      `etalab@${address}`,
    ],
    { stdio: 'ignore' },
  )
  await waitFor(
    'the ssh -L tunnel',
    () =>
      new Promise<boolean | undefined>((resolve) => {
        const probe = net.connect({ host: '127.0.0.1', port: localPort })
        probe.once('connect', () => {
          probe.destroy()
          resolve(true)
        })
        probe.once('error', () => resolve(undefined))
      }),
    15_000,
    20,
  )
  return { port: localPort, close: () => child.kill('SIGTERM') }
}

describe('consoles', () => {
  for (const addedMs of [0, 30]) {
    it(`first frame and keystroke echo at +${addedMs} ms: app versus ssh -L`, async () => {
      const bench = await benchCore(addedMs)
      try {
        const { lab } = bench
        await lab.waitForInventory(60_000)
        const hv1 = lab.context.config.current.hosts.find((host) => host.name === 'hv1')!
        const vncPort = 5900 + Number((await virsh('hv1', `domdisplay ${VM.name}`)).trim().split(':').pop())
        let screen = ''
        const samples = { app: [] as number[], tunnelOpen: [] as number[], tunnelCold: [] as number[] }
        const keys = { app: [] as number[], tunnel: [] as number[] }
        let key = 0x78 // 'x', then Backspace, so the prompt stays clean
        const nextKey = () => (key = key === BACKSPACE ? 0x78 : BACKSPACE)

        for (let run = 0; run < RUNS; run++) {
          // Through the app: open the console (domdisplay, channel) and get a whole frame.
          const app = await timed(async () => {
            const opened = await typedCall(lab.core, 'console.openVnc', { uuid: VM.uuid })
            const bridge = await streamOnLoopback(lab.core, opened.streamId)
            const client = await RfbTiming.connect(bridge.port)
            await client.firstFrame()
            return { client, bridge }
          })
          samples.app.push(app.ms)
          expect(app.value.client.name).toBe(`QEMU (${VM.name})`)
          screen = `${app.value.client.width}x${app.value.client.height}`
          keys.app.push((await timed(() => app.value.client.keyEcho(nextKey()))).ms)
          app.value.client.close()
          await app.value.bridge.close()

          // By hand: ssh -L (a new SSH connection), then the same client.
          const cold = await timed(async () => {
            const tunnel = await sshTunnel(hv1.hostname, hv1.port, lab.knownHostsFile, vncPort)
            const client = await RfbTiming.connect(tunnel.port)
            await client.firstFrame()
            return { client, tunnel }
          })
          samples.tunnelCold.push(cold.ms)
          cold.value.client.close()
          // The tunnel already open: connect and first frame only.
          const warm = await timed(async () => {
            const client = await RfbTiming.connect(cold.value.tunnel.port)
            await client.firstFrame()
            return client
          })
          samples.tunnelOpen.push(warm.ms)
          keys.tunnel.push((await timed(() => warm.value.keyEcho(nextKey()))).ms)
          warm.value.close()
          cold.value.tunnel.close()
        }
        const app = median(samples.app)
        const open = median(samples.tunnelOpen)
        const cold = median(samples.tunnelCold)
        report.push(
          `+${addedMs} ms round trip, ${RUNS} runs, medians (labvm1 ${screen} text console, Raw encoding):`,
          `  open console → first full frame: app ${app.toFixed(0)} ms; ssh -L new tunnel ${cold.toFixed(0)} ms (app/that = ${(app / cold).toFixed(2)}×); ssh -L already open ${open.toFixed(0)} ms (app/that = ${(app / open).toFixed(2)}×)`,
          `  keystroke → echo on screen: app ${median(keys.app).toFixed(0)} ms; ssh -L ${median(keys.tunnel).toFixed(0)} ms (ratio ${(median(keys.app) / median(keys.tunnel)).toFixed(2)}×)`,
        )
        expect(samples.app).toHaveLength(RUNS)
      } finally {
        await bench.close()
      }
    }, 240_000)
  }
})
