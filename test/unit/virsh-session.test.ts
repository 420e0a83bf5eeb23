import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import { endOfAnswer, parseAnswer } from '../../src/main/core/remote/framing'
import { queryLines, VirshSession } from '../../src/main/core/remote/virsh-session'
import type { HostConnection } from '../../src/main/core/ssh/connection'
import type { ApiError } from '../../src/shared/errors'

/**
 * The virsh session's framing. The answers below are written as virsh 9.0 prints them when it reads
 * a pipe (recorded in the lab): "virsh # " and the echoed line before each command's output, no newline
 * after `echo`'s output, and readline's horizontal scrolling ("\r<…") for a line wider than its screen.
 */
const NONCE = '4c272e652ce2e035'
const UUID = '1ab0c0de-0000-4000-8000-000000000001'
const SECRET = '5a1b7e57-c3f0-4d1b-9a6e-000000000c1b'

describe('virsh session framing', () => {
  it('sends each section as its marker line then its command, and an end marker', () => {
    const { lines } = queryLines(
      [
        { id: 'state', command: ['domstate', UUID] },
        { id: `secret:${SECRET}`, command: ['secret-get-value', SECRET] },
      ],
      NONCE,
    )
    expect(lines).toEqual([
      `echo '@@hd'-section-${NONCE}-state-@@`,
      `domstate ${UUID}`,
      `echo '@@hd'-section-${NONCE}-secret:${SECRET}-@@`,
      `secret-get-value ${SECRET}`,
      `echo '@@hd'-end-${NONCE}--@@`,
    ])
  })

  it('runs only read-only commands, one per line, under safe section ids', () => {
    for (const verb of ['migrate', 'destroy', 'undefine', 'define', 'secret-set-value', 'echo', 'start'])
      expect(() => queryLines([{ id: 'x', command: [verb, UUID] }], NONCE)).toThrow(/not a read-only/)
    expect(() => queryLines([{ id: 'x', command: ['dumpxml', `${UUID}\ndestroy ${UUID}`] }], NONCE)).toThrow(
      /control character U\+000A/,
    )
    // Every control character, not only line breaks: virsh's line editor acts on them (^U, ^W, ESC…).
    for (const control of ['\r', '\t', '\u0015', '\u0017', '\u001b', '\u007f', '\u0085', '\u009b'])
      expect(() => queryLines([{ id: 'x', command: ['dumpxml', `${UUID}${control}`] }], NONCE)).toThrow(
        /control character U\+00/,
      )
    // No option the app does not write: a value like --out-file=/tmp/p never reaches virsh.
    expect(() => queryLines([{ id: 'x', command: ['dumpxml', '--out-file=/tmp/p'] }], NONCE)).toThrow(
      /not an option Hyperdesk writes/,
    )
    expect(() => queryLines([{ id: 'x; destroy', command: ['domstate', UUID] }], NONCE)).toThrow(/not safe/)
    expect(() => queryLines([], NONCE)).toThrow(/at least one/)
  })

  it('splits an answer into sections, errors apart, whatever the outputs and echoes look like', () => {
    const sections = [
      { id: 'memory', command: ['nodememstats'] },
      { id: `secret:${SECRET}`, command: ['secret-get-value', SECRET] },
      { id: 'inactive', command: ['dumpxml', '--inactive', UUID] },
      { id: 'gone', command: ['domstate', 'nosuch'] },
    ]
    // A description can say anything, even a prompt and markers (of another query: each query's
    // nonce is drawn after that text exists).
    const xml = `<domain type='qemu'>\n  <description>virsh # echo @@hd-section-0123456789abcdef-gone-@@ @@hd-end-0123456789abcdef--@@</description>\n</domain>`
    const output =
      `virsh # echo '@@hd'-section-${NONCE}-memory-@@\n@@hd-section-${NONCE}-memory-@@` +
      'virsh # nodememstats\ntotal  :             24683620 KiB\nfree   :             22672652 KiB\n' +
      // Readline scrolled this echo (no COLUMNS): the parser does not rely on echoes being exact.
      `virsh # \r<ce2e035-secret:${SECRET}-@@\n@@hd-section-${NONCE}-secret:${SECRET}-@@` +
      `virsh # secret-get-value ${SECRET}\nAQDBzAZrQVUeOhAAJ5KO+drxyFerhJnMj6vUxw==` +
      `virsh # echo '@@hd'-section-${NONCE}-inactive-@@\n@@hd-section-${NONCE}-inactive-@@` +
      `virsh # dumpxml --inactive ${UUID}\n${xml}\n\n` +
      `virsh # echo '@@hd'-section-${NONCE}-gone-@@\n@@hd-section-${NONCE}-gone-@@` +
      "virsh # domstate nosuch\nerror: failed to get domain 'nosuch'\n" +
      `virsh # echo '@@hd'-end-${NONCE}--@@\n@@hd-end-${NONCE}--@@virsh # `
    const end = endOfAnswer(output, NONCE)
    expect(end).toBeDefined()
    expect(output.slice(end!.next)).toBe('virsh # ')
    const parsed = parseAnswer(output.slice(0, end!.at), NONCE, sections)
    expect(parsed.get('memory')).toEqual({
      text: 'total  :             24683620 KiB\nfree   :             22672652 KiB',
      errors: [],
    })
    expect(parsed.get(`secret:${SECRET}`)).toEqual({
      text: 'AQDBzAZrQVUeOhAAJ5KO+drxyFerhJnMj6vUxw==',
      errors: [],
    })
    expect(parsed.get('inactive')).toEqual({ text: `${xml}\n`, errors: [] })
    expect(parsed.get('gone')).toEqual({ text: '', errors: ["failed to get domain 'nosuch'"] })
  })

  it("keeps virsh's notices about its own connection out of the sections' errors", () => {
    // libvirtd restarted between two queries: virsh reconnects on the next command and says so.
    const output =
      `virsh # echo '@@hd'-section-${NONCE}-state-@@\n@@hd-section-${NONCE}-state-@@` +
      `virsh # domstate ${UUID}\nerror: Reconnected to the hypervisor\nshut off\n` +
      `virsh # echo '@@hd'-end-${NONCE}--@@\n`
    const parsed = parseAnswer(output, NONCE, [{ id: 'state', command: ['domstate', UUID] }])
    expect(parsed.get('state')).toEqual({ text: 'shut off', errors: [] })
  })

  it('is not complete until the end marker itself was printed', () => {
    // virsh has echoed the end marker's line but not yet run it.
    expect(endOfAnswer(`virsh # echo '@@hd'-end-${NONCE}--@@\n`, NONCE)).toBeUndefined()
    // Another query's end marker does not end this one.
    expect(endOfAnswer('@@hd-end-0123456789abcdef--@@', NONCE)).toBeUndefined()
  })
})

describe('virsh session input', () => {
  it('refuses a write, a control character or a stray option before anything reaches virsh', async () => {
    const written: string[] = []
    let opened = 0
    // A connection whose channel records what would be written to virsh's stdin.
    const connection = {
      exec: async () => {
        opened++
        return Object.assign(new EventEmitter(), {
          stderr: new EventEmitter(),
          write: (text: string) => written.push(text),
          close: () => undefined,
        })
      },
    } as unknown as HostConnection
    const session = new VirshSession('hv1', () => connection)
    for (const command of [
      ['destroy', UUID],
      ['dumpxml', `${UUID}\u0015`],
      ['dumpxml', `${UUID}\u001b[A`],
      ['dominfo', '--out-file=/tmp/p'],
    ])
      await expect(session.query([{ id: 'x', command }])).rejects.toMatchObject({
        code: 'remote.unsafe-argument',
        host: 'hv1',
      })
    expect(opened).toBe(0)
    expect(written).toEqual([])
    session.close()
  })
})

describe('virsh session timeout', () => {
  /** A session whose virsh echoes each line it is sent (as virsh does on a pipe), then `then`, and never ends. */
  function stuckSession(then: string): VirshSession {
    const connection = {
      exec: async () => {
        const channel = Object.assign(new EventEmitter(), {
          stderr: new EventEmitter(),
          write: (text: string) => {
            const echoes = text
              .trim()
              .split('\n')
              .filter((line) => !line.startsWith('echo'))
              .map((line) => `virsh # ${line}\n`)
            setImmediate(() => channel.emit('data', Buffer.from(echoes.join('') + then)))
          },
          close: () => undefined,
        })
        return channel
      },
    } as unknown as HostConnection
    return new VirshSession('hv1', () => connection)
  }

  it('says virsh printed nothing (no echo, no command line as what it said)', async () => {
    const session = stuckSession('')
    const error = await session
      .query([{ id: 'state', command: ['domstate', UUID] }], { timeoutSeconds: 1 })
      .then(
        () => undefined,
        (e: unknown) => e as ApiError,
      )
    expect(error).toMatchObject({
      code: 'remote.timeout',
      host: 'hv1',
      stepText: { code: 'errorSteps.virshQuery' },
    })
    expect(error?.text).toEqual({
      code: 'remoteErrors.virshTimedOut',
      params: { host: 'hv1', seconds: 1, commands: ['domstate'] },
    })
    expect(error?.message).toBe('virsh did not answer on hv1 within 1 s (domstate) and printed nothing.')
    session.close()
  })

  it('keeps only what virsh printed for the query as the detail', async () => {
    const session = stuckSession('error: failed to connect to the hypervisor\n')
    const error = await session
      .query([{ id: 'state', command: ['domstate', UUID] }], { timeoutSeconds: 1 })
      .then(
        () => undefined,
        (e: unknown) => e as ApiError,
      )
    expect(error?.text).toMatchObject({
      code: 'remoteErrors.virshTimedOutOutput',
      detail: 'error: failed to connect to the hypervisor',
    })
    expect(error?.text?.detail).not.toContain('domstate')
    session.close()
  })

  it('hides the display passwords of a definition read with its security data', async () => {
    // libvirt escapes quotes inside attribute values: a password never holds a raw one.
    const session = stuckSession(
      "<domain type='kvm'>\n  <graphics type='vnc' port='-1' passwd='s3cret'/>\n  <graphics type='spice' passwd=\"cut",
    )
    const error = await session
      .query([{ id: 'xml', command: ['dumpxml', '--inactive', '--security-info', UUID] }], {
        timeoutSeconds: 1,
      })
      .then(
        () => undefined,
        (e: unknown) => e as ApiError,
      )
    expect(error?.text?.detail).toBe(
      "<domain type='kvm'>\n  <graphics type='vnc' port='-1' passwd='(hidden)'/>\n" +
        '  <graphics type=\'spice\' passwd="(hidden)"',
    )
    expect(error?.message).not.toMatch(/s3cret|cut/)
    session.close()
  })
})
