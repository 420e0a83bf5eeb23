import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { typedCall } from '../support/in-process-core'
import { ApiError } from '../../src/shared/errors'
import { attachStream, streamOnLoopback } from '../support/core-stream'
import { labCore, type LabCore } from '../support/lab-core'
import { faults, labGuest, requireLab, virsh, waitFor } from './support/lab'
import { RfbClient } from './support/rfb'

/**
 * Consoles through the core against the lab: VNC over the host's SSH connection (direct-tcpip), the
 * serial console (`virsh console`, never --force) and a host shell, with the failures a user meets.
 */
let lab: LabCore
const uuidOf = (name: string) => labGuest(name).uuid

async function apiError(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise
  } catch (error) {
    return ApiError.from(error)
  }
  throw new Error('expected the call to fail')
}

beforeAll(async () => {
  await requireLab()
  lab = await labCore()
  await lab.waitForInventory()
}, 60_000)

afterAll(async () => {
  await lab?.cleanup()
})

describe('VNC console', () => {
  it('reaches the right guest through the SSH connection: desktop "QEMU (labvm1)", port from domdisplay', async () => {
    const opened = await typedCall(lab.core, 'console.openVnc', { uuid: uuidOf('labvm1') })
    const display = (await virsh('hv1', 'domdisplay labvm1')).trim()
    expect(opened).toMatchObject({
      host: 'hv1',
      via: 'forward',
      port: 5900 + Number(display.split(':').pop()),
      expectedDesktopName: 'QEMU (labvm1)',
      hasSerial: true,
    })
    const loopback = await streamOnLoopback(lab.core, opened.streamId)
    try {
      const { client, info } = await RfbClient.connect('127.0.0.1', loopback.port)
      expect(info.banner).toBe('RFB 003.008\n')
      expect(info.name).toBe(opened.expectedDesktopName)
      expect(info.width).toBeGreaterThan(0)
      await client.close()
    } finally {
      await loopback.close()
    }
    // A VNC console uses a direct-tcpip channel, not one of the host's interactive session slots.
    expect(lab.context.hosts.get('hv1').slotUse.interactive).toBe(0)
  })

  it('an AZERTY guest reports its keymap and layout; a stream id works once only', async () => {
    const opened = await typedCall(lab.core, 'console.openVnc', { uuid: uuidOf('labvm2') })
    expect(opened).toMatchObject({ host: 'hv2', vncKeymap: 'fr', expectedDesktopName: 'QEMU (labvm2)' })
    const end = attachStream(lab.core, opened.streamId)
    await end.waitFor(/^RFB 003\.008\n/)
    expect(lab.core.attachStream(opened.streamId, { send: () => {}, close: () => {} })).toBeUndefined()
    end.close()
    expect(await end.closed).toBe('closed by the client')
  })

  it('a shut-off VM has no console: says so and how', async () => {
    const error = await apiError(typedCall(lab.core, 'console.openVnc', { uuid: uuidOf('labvm3') }))
    expect(error.code).toBe('vm.not-running')
    expect(error.message).toContain('labvm3 is not running')
    expect(error.hint).toMatch(/Start it/)
  })
})

describe('serial console and host shell', () => {
  it('runs a command on the guest serial console; a second session is refused, never forced', async () => {
    const opened = await typedCall(lab.core, 'console.openSerial', {
      uuid: uuidOf('labvm1'),
      cols: 100,
      rows: 30,
    })
    const end = attachStream(lab.core, opened.streamId)
    try {
      expect(end.output()).toMatch(/Connected to domain/)
      const marker = `serial${process.pid}`
      end.write(`echo $((6*7))${marker}\r`)
      await end.waitFor(new RegExp(`42${marker}`))
      const busy = await apiError(
        typedCall(lab.core, 'console.openSerial', { uuid: uuidOf('labvm1'), cols: 80, rows: 24 }),
      )
      expect(busy).toMatchObject({ code: 'console.busy', host: 'hv1' })
      expect(busy.hint).toMatch(/never takes it over/)
      // The refused attempt gave its slot back; the open console holds one.
      expect(lab.context.hosts.get('hv1').slotUse.interactive).toBe(1)
    } finally {
      end.close()
    }
    await waitFor(
      'the serial slot to be given back',
      () => lab.context.hosts.get('hv1').slotUse.interactive === 0,
      5000,
    )
  })

  it('opens a shell on a host as etalab, resizes it, and closing the tab closes the channel', async () => {
    const opened = await typedCall(lab.core, 'console.openShell', { host: 'hv3', cols: 80, rows: 24 })
    const end = attachStream(lab.core, opened.streamId)
    end.write('echo "$(id -un)@$(hostname) $(stty size)"\n')
    await end.waitFor(/etalab@hv3 24 80/)
    await typedCall(lab.core, 'console.resize', { streamId: opened.streamId, cols: 132, rows: 40 })
    const from = end.output().length
    end.write('stty size\n')
    await end.waitFor(/40 132/, 10_000, from)
    expect(lab.context.hosts.get('hv3').slotUse.interactive).toBe(1)
    end.close()
    await waitFor(
      'the shell slot to be given back',
      () => lab.context.hosts.get('hv3').slotUse.interactive === 0,
      5000,
    )
    const closed = await apiError(
      typedCall(lab.core, 'console.resize', { streamId: opened.streamId, cols: 80, rows: 24 }),
    )
    expect(closed.code).toBe('console.closed')
  })

  it('sshd killed under an open shell: the stream ends with a reason; other hosts stay usable', async () => {
    const opened = await typedCall(lab.core, 'console.openShell', { host: 'hv2', cols: 80, rows: 24 })
    const end = attachStream(lab.core, opened.streamId)
    await end.waitFor(/\$ $/m)
    try {
      await faults.sshd('hv2', 'kill')
      expect(await end.closed).toMatch(/closed by the host|lost|reset|ended/i)
      const other = await typedCall(lab.core, 'console.openVnc', { uuid: uuidOf('labvm1') })
      expect(other.host).toBe('hv1')
      await typedCall(lab.core, 'console.close', { streamId: other.streamId })
    } finally {
      await faults.sshd('hv2', 'start')
    }
    await lab.waitForStatus('hv2', 'online', 60_000)
  }, 90_000)
})
