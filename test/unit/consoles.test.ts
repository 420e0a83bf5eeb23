import { PassThrough } from 'node:stream'
import { describe, expect, it, vi } from 'vitest'
import { MessagePortSocket } from '../../src/renderer/src/api/byte-channel'
import { ByteStreams } from '../../src/main/core/console/byte-streams'
import { parseVncDisplay } from '../../src/main/core/console/consoles'
import { settingsXml } from '../../src/main/core/vm/settings'
import { guestLayout, keyStrokes, keysymOf, layoutOfVncKeymap, untypable } from '../../src/shared/keyboard'
import { parseClusterConfig } from '../../src/shared/config'

/** The physical keys and modifiers pressed for each character, as "Shift+AltGr+Code". */
function strokes(text: string, layout: 'fr' | 'us'): string[] {
  const out: string[] = []
  const held: string[] = []
  for (const event of keyStrokes(text, layout)) {
    const modifier = event.code === 'ShiftLeft' ? 'Shift' : event.code === 'AltRight' ? 'AltGr' : undefined
    if (modifier) {
      if (event.down) held.push(modifier)
      else held.splice(held.indexOf(modifier), 1)
    } else if (event.down) out.push([...held, event.code].join('+'))
  }
  return out
}

describe('typing into a guest with its layout', () => {
  it('AZERTY (Linux fr): the issue’s characters use the keys and modifiers of that layout', () => {
    expect(strokes(`$()>|"'@#~`, 'fr')).toEqual([
      'BracketRight',
      'Digit5',
      'Minus',
      'Shift+IntlBackslash',
      'AltGr+Digit6',
      'Digit3',
      'Digit4',
      'AltGr+Digit0',
      'AltGr+Digit3',
      'AltGr+Digit2',
    ])
    expect(strokes('aqzwm/0A', 'fr')).toEqual([
      'KeyQ',
      'KeyA',
      'KeyW',
      'KeyZ',
      'Semicolon',
      'Shift+Period',
      'Shift+Digit0',
      'Shift+KeyQ',
    ])
  })

  it('QWERTY: the same characters on a US keyboard', () => {
    expect(strokes(`$()>|"'@#~`, 'us')).toEqual([
      'Shift+Digit4',
      'Shift+Digit9',
      'Shift+Digit0',
      'Shift+Period',
      'Shift+Backslash',
      'Shift+Quote',
      'Quote',
      'Shift+Digit2',
      'Shift+Digit3',
      'Shift+Backquote',
    ])
  })

  it('sends keysyms with the keys, releases modifiers, and Enter for a newline', () => {
    const events = keyStrokes('@\n', 'fr')
    expect(events.map((e) => `${e.down ? '+' : '-'}${e.code}:${e.keysym.toString(16)}`)).toEqual([
      '+AltRight:fe03',
      '+Digit0:40',
      '-Digit0:40',
      '-AltRight:fe03',
      '+Enter:ff0d',
      '-Enter:ff0d',
    ])
    expect(keysymOf('é')).toBe(0xe9)
    expect(keysymOf('€')).toBe(0x20ac)
  })

  it('refuses what a layout cannot type, naming the characters', () => {
    expect(untypable('echo ♥ ^', 'fr')).toEqual(['♥'])
    expect(untypable('é', 'us')).toEqual(['é'])
    expect(() => keyStrokes('♥', 'us')).toThrow('Cannot type "♥" on a us keyboard.')
  })
})

describe('a guest’s layout, read from its definition', () => {
  it('takes the VM’s setting first, then its VNC keymap, then the cluster file’s default', () => {
    // The lab's labvm2: keymap='fr', no setting.
    expect(guestLayout({ vncKeymap: 'fr' }, 'us')).toEqual({ layout: 'fr', from: 'vncKeymap' })
    // A VM whose VNC keymap is en-us was shown as "FR" before: its keymap now decides.
    expect(guestLayout({ vncKeymap: 'en-us' }, 'fr')).toEqual({ layout: 'us', from: 'vncKeymap' })
    // The admin's setting wins over the keymap.
    expect(guestLayout({ setting: 'fr', vncKeymap: 'en-us' }, 'us')).toEqual({
      layout: 'fr',
      from: 'setting',
    })
    // Nothing in the definition (the lab's labvm1, the VMs the runbook defines): the cluster's default.
    expect(guestLayout({}, 'us')).toEqual({ layout: 'us', from: 'cluster' })
    expect(guestLayout({ setting: 'azerty', vncKeymap: 'de' }, 'fr')).toEqual({
      layout: 'fr',
      from: 'cluster',
    })
  })

  it('maps only the QEMU keymaps whose layout it types', () => {
    expect(layoutOfVncKeymap('fr')).toBe('fr')
    expect(layoutOfVncKeymap('en-us')).toBe('us')
    // Belgian AZERTY and Swiss French differ from French AZERTY: not guessed.
    expect(layoutOfVncKeymap('fr-be')).toBeUndefined()
    expect(layoutOfVncKeymap('fr-ch')).toBeUndefined()
    expect(layoutOfVncKeymap(undefined)).toBeUndefined()
  })

  it('the cluster file’s guestKeyboardLayout: fr by default, fr or us, anything else refused by name', () => {
    const base = { version: 1, hosts: [{ name: 'hv1', address: 'hv1' }] }
    const parsed = parseClusterConfig(base)
    expect(parsed.ok && parsed.config.guestKeyboardLayout).toBe('fr')
    const us = parseClusterConfig({ ...base, guestKeyboardLayout: 'us' })
    expect(us.ok && us.config.guestKeyboardLayout).toBe('us')
    const bad = parseClusterConfig({ ...base, guestKeyboardLayout: 'azerty' })
    expect(bad.ok).toBe(false)
    expect(!bad.ok && bad.problems.map((problem) => problem.field)).toEqual(['guestKeyboardLayout'])
  })
})

describe('console helpers', () => {
  it('reads the VNC port from virsh domdisplay', () => {
    expect(parseVncDisplay('vnc://127.0.0.1:3\n')).toEqual({ address: '127.0.0.1', port: 5903 })
    expect(parseVncDisplay('vnc://localhost:0')).toEqual({ address: '127.0.0.1', port: 5900 })
    expect(parseVncDisplay('vnc://0.0.0.0:12')).toEqual({ address: '127.0.0.1', port: 5912 })
    expect(parseVncDisplay('vnc://[::1]:1')).toEqual({ address: '::1', port: 5901 })
    expect(parseVncDisplay('spice://127.0.0.1:5930')).toBeUndefined()
  })

  it('writes settings metadata without a namespace of its own, sorted and escaped', () => {
    expect(settingsXml({ keyboardLayout: 'fr', failoverIp: '1.2.3.4', note: 'a<b&"c"' })).toBe(
      '<vm><setting name="failoverIp">1.2.3.4</setting><setting name="keyboardLayout">fr</setting>' +
        '<setting name="note">a&lt;b&amp;&quot;c&quot;</setting></vm>',
    )
  })
})

describe('byte streams', () => {
  it('keeps what the host sends before the client attaches, relays both ways, single use', () => {
    const streams = new ByteStreams(1000)
    const channel = new PassThrough()
    const release = vi.fn()
    const id = streams.register({ kind: 'vnc', host: 'hv1' }, channel, release)
    channel.emit('data', Buffer.from('RFB 003.008\n'))
    const received: string[] = []
    const peer = { send: (data: Uint8Array) => received.push(Buffer.from(data).toString()), close: vi.fn() }
    const attached = streams.attach(id, peer)!
    expect(received).toEqual(['RFB 003.008\n'])
    expect(streams.attach(id, peer)).toBeUndefined()
    const written: string[] = []
    channel.on('data', () => undefined)
    const write = vi.spyOn(channel, 'write').mockImplementation((chunk) => {
      written.push(Buffer.from(chunk as Uint8Array).toString())
      return true
    })
    attached.write(Buffer.from('RFB 003.008\n'))
    expect(written).toEqual(['RFB 003.008\n'])
    write.mockRestore()
    attached.close()
    expect(release).toHaveBeenCalledOnce()
    expect(peer.close).toHaveBeenCalledWith('closed by the client')
    expect(streams.size).toBe(0)
  })

  it('closes a stream no client attached to, giving its slot back', async () => {
    vi.useFakeTimers()
    try {
      const streams = new ByteStreams(1000)
      const channel = new PassThrough()
      const release = vi.fn()
      const id = streams.register({ kind: 'shell', host: 'hv1' }, channel, release)
      vi.advanceTimersByTime(1001)
      expect(release).toHaveBeenCalledOnce()
      expect(channel.destroyed).toBe(true)
      expect(streams.attach(id, { send: () => {}, close: () => {} })).toBeUndefined()
    } finally {
      vi.useRealTimers()
    }
  })

  it('tells the client why when the host side ends', () => {
    const streams = new ByteStreams(1000)
    const channel = new PassThrough()
    const id = streams.register({ kind: 'serial', host: 'hv2' }, channel)
    const close = vi.fn()
    streams.attach(id, { send: () => {}, close })
    channel.destroy()
    channel.emit('close')
    expect(close).toHaveBeenCalledWith('closed by the host')
  })
})

describe('MessagePortSocket (Electron’s console channel)', () => {
  it('opens when its port arrives, carries bytes both ways and the core’s close reason', async () => {
    const socket = new MessagePortSocket()
    const { port1, port2 } = new MessageChannel()
    const events: string[] = []
    socket.onopen = () => events.push('open')
    socket.addEventListener('message', (event) =>
      events.push(`message:${Buffer.from((event as MessageEvent).data as ArrayBuffer).toString()}`),
    )
    socket.onclose = (event) => events.push(`close:${event.reason}`)
    expect(socket.readyState).toBe(0)
    socket.attach(port1 as unknown as MessagePort)
    expect(socket.readyState).toBe(1)

    const fromPage = new Promise<unknown>((resolve) => (port2.onmessage = (event) => resolve(event.data)))
    socket.send(new Uint8Array([1, 2, 3]).subarray(1))
    expect([...((await fromPage) as Uint8Array)]).toEqual([2, 3])

    port2.postMessage(new TextEncoder().encode('RFB'))
    port2.postMessage({ close: 'closed by the host' })
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(events).toEqual(['open', 'message:RFB', 'close:closed by the host'])
    expect(socket.readyState).toBe(3)
    port2.close()
  })
})
