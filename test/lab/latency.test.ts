/**
 * WAN latency for benchmarks. This kernel has no sch_netem, so `lab latency` refuses with a clear
 * message and test/lab/support/latency-proxy.ts adds the delay in front of a host's sshd instead.
 */
import { spawn } from 'node:child_process'
import net from 'node:net'
import { beforeAll, describe, expect, it } from 'vitest'
import { labHost, labRun, requireLab, sshArgs, waitFor } from './support/lab'
import { startLatencyProxy } from './support/latency-proxy'

beforeAll(requireLab, 60_000)

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

describe('latency proxy', () => {
  it('delays each chunk by the one-way delay, in order, without adding up', async () => {
    const echo = net.createServer((s) => s.pipe(s))
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r))
    const target = echo.address() as net.AddressInfo
    const proxy = await startLatencyProxy({
      listenHost: '127.0.0.1',
      targetHost: '127.0.0.1',
      targetPort: target.port,
      oneWayDelayMs: 40,
    })
    try {
      const sock = net.connect(proxy.port, '127.0.0.1')
      sock.setNoDelay(true)
      await new Promise((r) => sock.once('connect', r))
      let got = ''
      const arrivals: number[] = []
      sock.setEncoding('utf8').on('data', (d: string) => {
        got += d
        arrivals.push(performance.now())
      })
      const t0 = performance.now()
      const sent = Array.from({ length: 20 }, (_, i) => `<${i}>`)
      for (const s of sent) {
        sock.write(s)
        await new Promise((r) => setTimeout(r, 2))
      }
      await waitFor('the echo', () => got.length === sent.join('').length || undefined, 5000, 5)
      sock.destroy()
      expect(got).toBe(sent.join(''))
      const first = arrivals[0]! - t0
      const last = arrivals[arrivals.length - 1]! - t0
      expect(first).toBeGreaterThanOrEqual(78) // 2 x 40 ms
      expect(first).toBeLessThan(130)
      // 20 chunks sent over ~40-60 ms arrive spread the same way, not 20 x 80 ms later
      expect(last).toBeLessThan(250)
    } finally {
      await proxy.close()
      echo.close()
    }
  })

  it('ssh to hv1 through a 15 ms + 15 ms proxy sees about +30 ms round trip', async () => {
    const hv1 = labHost('hv1')
    const proxy = await startLatencyProxy({
      listenHost: '127.0.0.1',
      targetHost: hv1.address,
      targetPort: 22,
      oneWayDelayMs: 15,
    })
    // one SSH session running `cat`: each line echoed back is one round trip
    const rtts = async (viaProxy: boolean) => {
      const target = viaProxy
        ? ['-p', String(proxy.port), '-o', `HostKeyAlias=${hv1.address}`, 'etalab@127.0.0.1']
        : [`etalab@${hv1.address}`]
      const child = spawn('ssh', [...sshArgs(), ...target, 'cat'], { stdio: ['pipe', 'pipe', 'pipe'] })
      let out = ''
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d))
      const samples: number[] = []
      try {
        for (let i = 0; i < 8; i++) {
          const line = `ping${i}\n`
          const want = out.length + line.length
          const t = performance.now()
          child.stdin.write(line)
          await waitFor('echo over ssh', () => out.length >= want || undefined, 10_000, 1)
          samples.push(performance.now() - t)
        }
      } finally {
        child.kill()
      }
      return samples.slice(2) // the first lines also pay for session setup
    }
    try {
      const direct = median(await rtts(false))
      const delayed = median(await rtts(true))
      expect(proxy.connections).toBe(1)
      expect(delayed - direct).toBeGreaterThan(25)
      expect(delayed - direct).toBeLessThan(50)
    } finally {
      await proxy.close()
    }
  })
})

describe('lab latency', () => {
  it('uses tc netem where the kernel has it, and otherwise fails pointing at the proxy', async () => {
    const r = await labRun('latency', '30')
    if (r.code === 0) {
      await labRun('latency', 'off')
    } else {
      expect(r.stderr).toMatch(/no sch_netem/)
      expect(r.stderr).toMatch(/latency-proxy\.ts/)
    }
  })
})
