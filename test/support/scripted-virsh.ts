import { EventEmitter } from 'node:events'
import { endOfAnswer, parseAnswer, sessionNonce, type BatchSection } from '../../src/main/core/remote/framing'
import type { RemoteResult, RemoteRunner, RunOptions } from '../../src/main/core/remote/runner'
import type { QueryOptions } from '../../src/main/core/remote/virsh-session'
import { queryLines } from '../../src/main/core/remote/virsh-session'
import type { HostConnection } from '../../src/main/core/ssh/connection'

/**
 * What virsh 9.0 prints when it reads these lines on a pipe, as the lab shows it (virsh -q, stderr
 * merged: remote/virsh-session.ts): "virsh # " and the line echoed before each command's output, and
 * `echo` printing its words with no newline. `answer` gives a command line's output (stdout and
 * stderr, in the order virsh prints them).
 */
export function virshTranscript(lines: readonly string[], answer: (command: string) => string): string {
  return lines
    .map((line) => {
      const echo = /^echo (.*)$/.exec(line)
      return `virsh # ${line}\n${echo ? echo[1]!.replaceAll("'", '') : answer(line)}`
    })
    .join('')
}

/**
 * A host connection whose channel is that virsh: each write is answered by its transcript (`answer`
 * returning undefined for a line: virsh hangs there, printing nothing more).
 */
export function scriptedVirshConnection(answer: (command: string) => string | undefined): HostConnection {
  return {
    exec: async () => {
      const channel = Object.assign(new EventEmitter(), {
        stderr: new EventEmitter(),
        write: (text: string) => {
          // Each command asked once, in order; virsh stops at the first that hangs.
          const answered: string[] = []
          const outputs: string[] = []
          for (const line of text.replace(/\n$/, '').split('\n')) {
            if (!line.startsWith('echo ')) {
              const said = answer(line)
              if (said === undefined) break
              outputs.push(said)
            }
            answered.push(line)
          }
          let next = 0
          const output = virshTranscript(answered, () => outputs[next++] ?? '')
          setImmediate(() => channel.emit('data', Buffer.from(output)))
        },
        close: () => undefined,
      })
      return channel
    },
  } as unknown as HostConnection
}

type OneShot = (host: string, args: readonly string[], options?: RunOptions) => Promise<RemoteResult>

/**
 * A runner's virshQuery for a unit test's fake one-shot `virsh`: each section's command is asked of
 * it, and what it prints (stdout then stderr) is framed and judged as the host's session would
 * (framing.ts: parseAnswer). A fake that throws is a session that failed (host offline…).
 */
export function sessionOverOneShot(virsh: OneShot): RemoteRunner['virshQuery'] {
  return async (host: string, sections: readonly BatchSection[], options?: QueryOptions) => {
    const printed: string[] = []
    for (const { command } of sections) {
      const result = await virsh(host, command, {
        ...(options?.timeoutSeconds ? { timeoutSeconds: options.timeoutSeconds } : {}),
        ...(options?.step ? { step: options.step } : {}),
        allowFailure: true,
      })
      const stdout = result.stdout && !result.stdout.endsWith('\n') ? `${result.stdout}\n` : result.stdout
      printed.push(stdout + result.stderr)
    }
    const { nonce, lines } = queryLines(sections, sessionNonce())
    // The command lines come in the sections' order, each after its marker's echo.
    let next = 0
    const output = virshTranscript(lines, () => printed[next++] ?? '')
    const end = endOfAnswer(output, nonce)
    return parseAnswer(output.slice(0, end?.at), nonce, sections)
  }
}
