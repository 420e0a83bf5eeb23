import { StringDecoder } from 'node:string_decoder'
import type { ClientChannel } from 'ssh2'
import { ApiError, stepFields, type ErrorStep } from '../../../shared/errors'
import { msg, withDetail } from '../../../shared/messages/message'
import type { HostConnection } from '../ssh/connection'
import {
  endOfAnswer,
  parseAnswer,
  sessionNonce,
  virshSessionLines,
  type BatchSection,
  type Sections,
} from './framing'
import { argvProblem } from './quote'
import { runUrgently } from './urgent'

/**
 * A long-lived `virsh` on one host, fed commands on its stdin: one process and one libvirt connection
 * for every question. A new exec costs a virsh start and a libvirt connection (~60 ms of CPU each on
 * the lab's hosts, three times that when a few run at once), which was most of a migration's
 * pre-checks. It answers short READ-ONLY questions only (see READ_ONLY_COMMANDS): anything that
 * changes a host goes through the runner's own execs, with their audit and timeouts.
 *
 * virsh reading a pipe still behaves as its interactive shell: it prints "virsh # " and echoes each
 * command line (readline, which scrolls a line longer than the screen: COLUMNS is set wide), and
 * `echo` prints no newline there. So each query is framed by markers carrying a random nonce, which a
 * VM's description or any other output cannot forge (framing.ts: virshSessionLines, parseAnswer):
 *   echo '@@hd'-section-<nonce>-<id>-@@   the section's command   …   echo '@@hd'-end-<nonce>--@@
 * The answer is complete when the end marker has been printed.
 */

/** virsh commands that only read: the only ones a session runs. */
const READ_ONLY_COMMANDS = new Set([
  'capabilities',
  'domcapabilities',
  'domdisplay',
  'domstate',
  'dominfo',
  'domjobinfo',
  'domstats',
  'dumpxml',
  'hostname',
  'list',
  'net-info',
  'nodeinfo',
  'nodememstats',
  'pool-dumpxml',
  'pool-info',
  'secret-get-value',
  'secret-list',
  'version',
  'vol-list',
])

const PID_MARK = 'HYPERDESK_PID '
/** More than an end marker's length (framing.ts: sessionMarker), so one cut between packets is seen. */
const TAIL_CHARS = 128
export const DEFAULT_QUERY_TIMEOUT_SECONDS = 15
/** A session nobody asked anything for this long is closed (it holds one of the host's exec slots). */
const IDLE_CLOSE_MS = 5 * 60_000

/**
 * The remote side: our process group first (to kill a hung virsh), then virsh with stderr merged into
 * stdout, both line-buffered so each error lands in its own section. It ends at stdin's EOF, which
 * closing the channel or losing the connection gives it.
 */
export const VIRSH_SESSION_COMMAND =
  `printf '${PID_MARK}%d\\n' "$$" >&2; LC_ALL=C COLUMNS=4096; export LC_ALL COLUMNS; ` +
  'exec stdbuf -oL -eL virsh -q -c qemu:///system 2>&1'

export interface QueryOptions {
  timeoutSeconds?: number
  /** The step errors name, e.g. msg('errorSteps.preChecks'). */
  step?: ErrorStep
}

interface Pending {
  nonce: string
  sections: readonly BatchSection[]
  step: ErrorStep
  resolve(sections: Sections): void
  reject(error: ApiError): void
}

export class VirshSession {
  private channel: ClientChannel | undefined
  private opening: Promise<ClientChannel> | undefined
  private pid: number | undefined
  private output = ''
  /** The end of `output`: where a marker cut between two packets begins (see attach). */
  private tail = ''
  private pending: Pending | undefined
  /** Queries run one at a time, in order. */
  private queue: Promise<unknown> = Promise.resolve()
  private idleTimer: NodeJS.Timeout | undefined

  constructor(
    readonly host: string,
    private readonly connection: () => HostConnection,
  ) {}

  /** Runs the sections' commands in this host's session; each section is judged on its own. */
  query(sections: readonly BatchSection[], options: QueryOptions = {}): Promise<Sections> {
    const run = () => this.send(sections, options)
    const result = this.queue.then(run, run)
    this.queue = result.catch(() => undefined)
    return result
  }

  /** Closes the session; the next query opens a new one. */
  close(): void {
    clearTimeout(this.idleTimer)
    this.channel?.close()
  }

  private async send(sections: readonly BatchSection[], options: QueryOptions): Promise<Sections> {
    clearTimeout(this.idleTimer)
    const step = options.step ?? msg('errorSteps.virshQuery')
    // Refused before a session is opened; checked again where the lines are written.
    this.frame(sections)
    const channel = await this.open().catch((error: unknown) => {
      // The host's connection says why (offline, key…) but not what was being done: the step says.
      const failure = ApiError.from(error)
      throw failure.step === undefined ? ApiError.from({ ...failure.toData(), ...stepFields(step) }) : failure
    })
    const timeoutSeconds = options.timeoutSeconds ?? DEFAULT_QUERY_TIMEOUT_SECONDS
    try {
      return await new Promise<Sections>((resolve, reject) => {
        const timer = setTimeout(() => {
          // What virsh printed for this query so far (its markers left out) is the detail.
          const printed = this.printedSoFar()
          this.pending = undefined
          const said = {
            host: this.host,
            seconds: timeoutSeconds,
            commands: sections.map((s) => s.command[0] ?? ''),
          }
          reject(
            ApiError.of(
              'remote.timeout',
              printed
                ? withDetail(msg('remoteErrors.virshTimedOutOutput', said), printed)
                : msg('remoteErrors.virshTimedOut', said),
              { host: this.host, step, hint: msg('remoteErrors.virshTimedOutHint') },
            ),
          )
          this.kill()
        }, timeoutSeconds * 1000)
        let framed: { nonce: string; lines: string[] }
        try {
          framed = this.write(channel, sections)
        } catch (error) {
          clearTimeout(timer)
          // The channel closed between opening and writing (connection lost), or a refused line.
          reject(error instanceof ApiError ? error : this.ended(step))
          return
        }
        this.pending = {
          nonce: framed.nonce,
          sections,
          step,
          resolve: (answer) => {
            clearTimeout(timer)
            resolve(answer)
          },
          reject: (error) => {
            clearTimeout(timer)
            reject(error)
          },
        }
        this.readAnswer()
      })
    } finally {
      this.idleTimer = setTimeout(() => this.close(), IDLE_CLOSE_MS)
      this.idleTimer.unref()
    }
  }

  /**
   * The one place that writes to virsh's stdin: the lines are built and checked here (read-only
   * verbs, no control character, no stray option: queryLines), so nothing else can reach virsh.
   */
  private write(
    channel: ClientChannel,
    sections: readonly BatchSection[],
  ): { nonce: string; lines: string[] } {
    const framed = this.frame(sections)
    channel.write(`${framed.lines.join('\n')}\n`)
    return framed
  }

  /** The query's lines, or the refusal as an error naming the host. */
  private frame(sections: readonly BatchSection[]): { nonce: string; lines: string[] } {
    try {
      return queryLines(sections, sessionNonce())
    } catch (error) {
      // queryLines' refusal names the argument in English: reaching this is a bug (validators first).
      const problem = withDetail(
        msg('common.internal'),
        error instanceof Error ? error.message : String(error),
        'local',
      )
      throw ApiError.of('remote.unsafe-argument', msg('remoteErrors.notSent', { host: this.host, problem }), {
        host: this.host,
        step: msg('errorSteps.virshQuery'),
        hint: msg('remoteErrors.notSentHint'),
      })
    }
  }

  /** The session's channel; errors opening it (host offline…) come from the connection, as ApiErrors. */
  private open(): Promise<ClientChannel> {
    if (this.channel) return Promise.resolve(this.channel)
    this.opening ??= this.connection()
      .exec(VIRSH_SESSION_COMMAND)
      .then((channel) => {
        this.attach(channel)
        return channel
      })
      .finally(() => {
        this.opening = undefined
      })
    return this.opening
  }

  private attach(channel: ClientChannel): void {
    this.channel = channel
    this.output = ''
    this.tail = ''
    const decoder = new StringDecoder('utf8')
    this.pid = undefined
    let stderrHead = ''
    channel.on('data', (chunk: Buffer) => {
      const text = decoder.write(chunk)
      const seen = this.tail + text
      this.output += text
      this.tail = seen.slice(-TAIL_CHARS)
      // Only the new text, with the few characters before it, can complete the end marker. Searching
      // the whole output at each packet made a large answer quadratic: a first inventory's
      // definitions come in thousands of line-buffered packets over hundreds of KB.
      if (this.pending && endOfAnswer(seen, this.pending.nonce)) this.readAnswer()
    })
    channel.stderr.on('data', (chunk: Buffer) => {
      if (this.pid !== undefined) return
      stderrHead += chunk.toString('utf8')
      const newline = stderrHead.indexOf('\n')
      if (newline >= 0 && stderrHead.startsWith(PID_MARK))
        this.pid = Number.parseInt(stderrHead.slice(PID_MARK.length, newline), 10)
    })
    channel.on('close', () => {
      if (this.channel !== channel) return
      this.channel = undefined
      const pending = this.pending
      this.pending = undefined
      pending?.reject(this.ended(pending.step))
    })
  }

  /** The session ended under a query: the error names that query's step. */
  private ended(step: ErrorStep): ApiError {
    return ApiError.of('host.offline', msg('remoteErrors.virshSessionEnded', { host: this.host }), {
      host: this.host,
      step,
      hint: msg('remoteErrors.virshSessionEndedHint'),
    })
  }

  /** Completes the pending query once its end marker's output has arrived. */
  private readAnswer(): void {
    const pending = this.pending
    if (!pending) return
    const end = endOfAnswer(this.output, pending.nonce)
    if (!end) return
    const answer = this.output.slice(0, end.at)
    this.output = this.output.slice(end.next)
    this.tail = this.output.slice(-TAIL_CHARS)
    this.pending = undefined
    pending.resolve(parseAnswer(answer, pending.nonce, pending.sections))
  }

  /**
   * The pending query's output so far, without virsh's echo of what it was sent: the lines that carry
   * its markers, the prompt with the echoed command ("virsh # domstate …"), readline's scrolled echoes.
   * A definition read with --security-info carries display passwords: they are hidden, since this
   * becomes an error's detail (the window, the host's recent errors).
   */
  private printedSoFar(): string {
    const nonce = this.pending?.nonce
    const lines = this.output
      .split('\n')
      .filter(
        (line) => !(nonce && line.includes(nonce)) && !line.startsWith('virsh # ') && !line.includes('\r'),
      )
    const printed = lines
      .join('\n')
      .trim()
      // A value the timeout cut short is hidden too.
      .replace(/(\spasswd\s*=\s*)(['"])[^'"\n]*(?:\2|$)/gm, '$1$2(hidden)$2')
    return printed.length > 2000 ? `…${printed.slice(-2000)}` : printed
  }

  /** A virsh that does not answer: stop its process group and drop the session. */
  private kill(): void {
    const channel = this.channel
    this.channel = undefined
    if (this.pid !== undefined && Number.isInteger(this.pid))
      runUrgently(this.connection, `kill -s KILL -- -${this.pid} 2>/dev/null; true`)
    channel?.close()
  }
}

/**
 * The lines to send, after this session's own checks: read-only verbs, no control character, no stray
 * option. The markers come from framing.ts.
 */
export function queryLines(
  sections: readonly BatchSection[],
  nonce: string,
): { nonce: string; lines: string[] } {
  if (sections.length === 0) throw new Error('A virsh query needs at least one section')
  for (const { command } of sections) {
    const verb = command[0] ?? ''
    if (!READ_ONLY_COMMANDS.has(verb))
      throw new Error(`virsh ${JSON.stringify(verb)} is not a read-only command: run it with the runner`)
    // One command per line: a newline would let an argument become a command of its own, and
    // virsh's line editor acts on other control characters. Options only of the shape the app writes.
    const problem = argvProblem(command)
    if (problem) throw new Error(`virsh query argument refused: ${problem}`)
  }
  return { nonce, lines: virshSessionLines(sections, nonce) }
}
