import type { ClientChannel } from 'ssh2'
import { ApiError, commandStep, type ErrorStep } from '../../../shared/errors'
import { msg, withDetail, type Message } from '../../../shared/messages/message'
import type { HostConnection } from '../ssh/connection'
import type { BatchSection, Sections } from './framing'
import { argvProblem, shellCommand, virshCommandString, virshQuote } from './quote'
import { VirshSession, type QueryOptions } from './virsh-session'
import { cephCaller, connectFailureError } from '../ceph/connect-failure'
import {
  ONE_CONNECTION_PROGRAM,
  oneConnectionArgv,
  oneConnectionValues,
  type MonCommand,
} from '../ceph/one-connection'

/**
 * Runs commands on the hypervisors, safely: argv arrays through one quoting function, a timeout
 * enforced on the host (`timeout -k 5 N`: closing a channel does not stop a hung `ceph`), `LC_ALL=C`
 * (virsh translates its output), cancellation that kills the remote process group, and errors that
 * name the host, the step, the command, its exit code and the end of its stderr.
 */

export interface RunOptions {
  /** Default 30; enforced on the host with `timeout -k 5 N`. */
  timeoutSeconds?: number
  signal?: AbortSignal
  stdin?: string
  /** Return a non-zero exit instead of throwing. */
  allowFailure?: boolean
  /** The step errors name, e.g. msg('errorSteps.readDefinitions'). */
  step?: ErrorStep
  /**
   * Each piece of stdout as it arrives (the result still holds it all): lets a caller start work on
   * the first part of a long output while the rest is on its way.
   */
  onStdout?: (chunk: Buffer) => void
}

export interface RemoteResult {
  stdout: string
  stderr: string
  exitCode: number
  durationMs: number
}

export interface RemoteStream {
  close(): void
  /** The exit code, or null when the stream was closed or the connection lost. */
  done: Promise<number | null>
}

/**
 * A command fed from the app through its stdin (vol-upload): write() resolves once the channel took
 * the bytes (SSH's window is the flow control), end() sends EOF and waits for the exit, abort() kills
 * the remote process group without EOF (a half-written volume is never reported as done).
 */
export interface RemoteUpload {
  write(data: Uint8Array): Promise<void>
  end(): Promise<RemoteResult>
  abort(): void
  /** Settles when the command ended, however it ended (never rejects). */
  readonly ended: Promise<void>
}

/** Runners that can feed a command's stdin as a stream (the SSH runner; fakes in unit tests). */
export interface RemoteUploader {
  upload(host: string, argv: readonly string[], options?: RunOptions): Promise<RemoteUpload>
}

export interface RemoteRunner {
  run(host: string, argv: readonly string[], options?: RunOptions): Promise<RemoteResult>
  /** `LC_ALL=C virsh -c qemu:///system <args>`; each arg stays one argument. */
  virsh(host: string, args: readonly string[], options?: RunOptions): Promise<RemoteResult>
  /** Several virsh commands in one process and one libvirt connection; exit code is the last one's. */
  virshBatch(
    host: string,
    commands: readonly (readonly string[])[],
    options?: RunOptions,
  ): Promise<RemoteResult>
  /**
   * Read-only virsh commands in the host's long-lived virsh session (virsh-session.ts): no new
   * process or libvirt connection per question. Each section is judged on its own.
   */
  virshQuery(host: string, sections: readonly BatchSection[], options?: QueryOptions): Promise<Sections>
  /** `ceph --id <client> --connect-timeout <monitor timeout> <args>` */
  ceph(host: string, args: readonly string[], options?: RunOptions): Promise<RemoteResult>
  /** `rbd --id <client>` with the monitor timeouts set */
  rbd(host: string, args: readonly string[], options?: RunOptions): Promise<RemoteResult>
  /**
   * Read-only monitor commands as the configured client over one librados connection
   * (ceph/one-connection.ts): each output parsed as JSON, or null when that path cannot answer (the
   * caller then asks `ceph`, whose errors users see).
   */
  cephMonCommands(
    host: string,
    commands: readonly MonCommand[],
    options?: RunOptions,
  ): Promise<unknown[] | null>
  /** Long-running (e.g. `virsh event --loop`): no timeout, one callback per stdout line. */
  stream(
    host: string,
    argv: readonly string[],
    onLine: (line: string) => void,
    options?: { signal?: AbortSignal },
  ): Promise<RemoteStream>
}

export interface CephSettings {
  clientId: string
  monitorTimeoutSeconds: number
}

export const DEFAULT_TIMEOUT_SECONDS = 30
/** Grace between timeout's TERM and its KILL. */
const KILL_AFTER_SECONDS = 5
/** If the host does not even report the timeout (network gone), give up locally this much later. */
const LOCAL_MARGIN_SECONDS = 10
const PID_MARK = 'HYPERDESK_PID '
const STDERR_TAIL_CHARS = 600

/**
 * The remote command line. sshd makes each session's shell a session leader, so `$$` is also the
 * process group of everything the command starts: that group is what a cancel kills.
 */
export function remoteCommandLine(argv: readonly string[], timeoutSeconds?: number): string {
  const timed =
    timeoutSeconds === undefined
      ? argv
      : ['timeout', '-k', String(KILL_AFTER_SECONDS), String(timeoutSeconds), ...argv]
  return `printf '${PID_MARK}%d\\n' "$$" >&2; exec env LC_ALL=C ${shellCommand(timed)}`
}

/**
 * A long-running command (no timeout) must not outlive its channel: closing a channel, or losing the
 * connection, does not stop a remote process that has nothing to write. So the command runs in the
 * background of a shell whose `cat` watches the session's stdin: at EOF (channel closed, connection
 * gone) it stops the session's whole process group; the command's own exit is still reported as the exit code.
 */
export function remoteStreamLine(argv: readonly string[]): string {
  return (
    `printf '${PID_MARK}%d\\n' "$$" >&2; LC_ALL=C; export LC_ALL; ` +
    // A background job's stdin is /dev/null unless redirected: keep the session's stdin as fd 3.
    `exec 3<&0; ${shellCommand(argv)} </dev/null 3<&- & c=$!; ` +
    `{ cat <&3 >/dev/null 2>&1; kill -s TERM 0; } & w=$!; exec 3<&-; ` +
    `wait "$c"; rc=$?; kill "$w" 2>/dev/null; exit "$rc"`
  )
}

interface HostSource {
  get(name: string): HostConnection
}

/**
 * Refuses, before any channel is opened, an argv that must not reach a host (quote.ts: argvProblem).
 * The contract's validators refuse such values first; reaching this is a bug the error names.
 */
export function checkArgv(host: string, argv: readonly string[], step: ErrorStep | undefined): void {
  const problem = argvProblem(argv)
  if (!problem) return
  // The problem names the argument in English: reaching this is a bug (the validators refuse first).
  throw ApiError.of(
    'remote.unsafe-argument',
    msg('remoteErrors.notSent', { host, problem: withDetail(msg('common.internal'), problem, 'local') }),
    {
      host,
      ...(step ? { step } : {}),
      hint: msg('remoteErrors.notSentHint'),
    },
  )
}

export class SshRunner implements RemoteRunner {
  private readonly sessions = new Map<string, VirshSession>()

  constructor(
    private readonly hosts: HostSource,
    private readonly cephSettings: () => CephSettings,
    /** Every command that ends in an error (the host's recent errors are kept from here). */
    private readonly onFailure: (error: ApiError) => void = () => undefined,
  ) {}

  async run(host: string, argv: readonly string[], options: RunOptions = {}): Promise<RemoteResult> {
    const command = await this.start(host, argv, options)
    if (options.stdin !== undefined) command.channel.end(options.stdin)
    else command.channel.end()
    try {
      return await command.result()
    } finally {
      command.release()
    }
  }

  async upload(host: string, argv: readonly string[], options: RunOptions = {}): Promise<RemoteUpload> {
    const command = await this.start(host, argv, options)
    const { channel, process, display } = command
    let closed = false
    const ended = process.finished.then(() => {
      closed = true
      command.release()
    })
    return {
      ended,
      write: async (data) => {
        // The command ended early (libvirt refused, the host went away): its error says why.
        if (closed) {
          await command.result()
          const step = stepNamed(options, display)
          throw ApiError.of('remote.failed', msg('remoteErrors.endedEarly', { step, host }), {
            host,
            step,
            details: { command: display },
          })
        }
        if (channel.write(data)) return
        await Promise.race([new Promise<void>((resolve) => channel.once('drain', () => resolve())), ended])
        if (closed) await command.result()
      },
      end: async () => {
        if (!closed) channel.end()
        return command.result()
      },
      abort: () => process.abort('cancelled'),
    }
  }

  /**
   * What run and upload share: the argv checked, the command started under its remote timeout, a local
   * timer and the caller's cancel wired to it; `result` judges the outcome (and reports failures),
   * `release` drops the timer and the cancel listener.
   */
  private async start(host: string, argv: readonly string[], options: RunOptions) {
    const timeoutSeconds = options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS
    if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1)
      throw new Error(`timeoutSeconds must be a positive integer, not ${timeoutSeconds}`)
    checkArgv(host, argv, options.step)
    const display = shellCommand(argv)
    const connection = this.hosts.get(host)
    const started = performance.now()
    const channel = await connection.exec(remoteCommandLine(argv, timeoutSeconds), options.signal)
    const process = new RemoteProcess(connection, channel, undefined, options.onStdout)
    const localTimer = setTimeout(
      () => process.abort('local-timeout'),
      (timeoutSeconds + KILL_AFTER_SECONDS + LOCAL_MARGIN_SECONDS) * 1000,
    )
    const onAbort = () => process.abort('cancelled')
    // A cancel that came while the channel was opening would never fire the listener: honour it now.
    if (options.signal?.aborted) onAbort()
    else options.signal?.addEventListener('abort', onAbort, { once: true })
    const result = async (): Promise<RemoteResult> => {
      try {
        return judgeOutcome(await process.finished, {
          host,
          argv,
          display,
          options,
          timeoutSeconds,
          durationMs: Math.round(performance.now() - started),
        })
      } catch (error) {
        if (error instanceof ApiError) this.onFailure(error)
        throw error
      }
    }
    const release = () => {
      clearTimeout(localTimer)
      options.signal?.removeEventListener('abort', onAbort)
    }
    return { channel, process, display, result, release }
  }

  async virsh(host: string, args: readonly string[], options?: RunOptions): Promise<RemoteResult> {
    // Checked before quoting: a lone argument is quoted into a command string for virsh to re-parse.
    checkArgv(host, args, options?.step)
    // virsh re-parses a lone argument as a command string: quoting it for virsh keeps it one argument.
    const safe = args.length === 1 && args[0] !== undefined ? [virshQuote(args[0])] : args
    return this.run(host, ['virsh', '-c', 'qemu:///system', ...safe], options)
  }

  async virshBatch(
    host: string,
    commands: readonly (readonly string[])[],
    options?: RunOptions,
  ): Promise<RemoteResult> {
    for (const command of commands) checkArgv(host, command, options?.step)
    return this.run(host, ['virsh', '-c', 'qemu:///system', virshCommandString(commands)], options)
  }

  async virshQuery(
    host: string,
    sections: readonly BatchSection[],
    options?: QueryOptions,
  ): Promise<Sections> {
    let session = this.sessions.get(host)
    if (!session) {
      session = new VirshSession(host, () => this.hosts.get(host))
      this.sessions.set(host, session)
    }
    try {
      return await session.query(sections, options)
    } catch (error) {
      if (error instanceof ApiError) this.onFailure(error)
      throw error
    }
  }

  ceph(host: string, args: readonly string[], options: RunOptions = {}): Promise<RemoteResult> {
    const { clientId, monitorTimeoutSeconds } = this.cephSettings()
    return this.run(
      host,
      ['ceph', '--id', clientId, '--connect-timeout', String(monitorTimeoutSeconds), ...args],
      { ...options, timeoutSeconds: options.timeoutSeconds ?? monitorTimeoutSeconds + 20 },
    )
  }

  rbd(host: string, args: readonly string[], options: RunOptions = {}): Promise<RemoteResult> {
    const { clientId, monitorTimeoutSeconds } = this.cephSettings()
    const seconds = String(monitorTimeoutSeconds)
    return this.run(
      host,
      [
        'rbd',
        '--id',
        clientId,
        '--client-mount-timeout',
        seconds,
        '--rados-mon-op-timeout',
        seconds,
        ...args,
      ],
      { ...options, timeoutSeconds: options.timeoutSeconds ?? monitorTimeoutSeconds + 20 },
    )
  }

  async cephMonCommands(
    host: string,
    commands: readonly MonCommand[],
    options: RunOptions = {},
  ): Promise<unknown[] | null> {
    const { clientId, monitorTimeoutSeconds } = this.cephSettings()
    const result = await this.run(host, oneConnectionArgv(clientId, monitorTimeoutSeconds, commands), {
      ...options,
      stdin: ONE_CONNECTION_PROGRAM,
      allowFailure: true,
      timeoutSeconds: options.timeoutSeconds ?? monitorTimeoutSeconds + 20,
    })
    return result.exitCode === 0 ? oneConnectionValues(result.stdout, commands.length) : null
  }

  async stream(
    host: string,
    argv: readonly string[],
    onLine: (line: string) => void,
    options: { signal?: AbortSignal } = {},
  ): Promise<RemoteStream> {
    checkArgv(host, argv, commandStep(argv.join(' ')))
    const connection = this.hosts.get(host)
    const channel = await connection.exec(remoteStreamLine(argv), options.signal)
    // stdin stays open: its EOF is what stops the command when the channel or connection goes.
    const process = new RemoteProcess(connection, channel, onLine)
    const close = () => process.abort('cancelled')
    if (options.signal?.aborted) close()
    else options.signal?.addEventListener('abort', close, { once: true })
    const done = process.finished.then((outcome) => {
      options.signal?.removeEventListener('abort', close)
      return outcome.aborted ? null : outcome.exitCode
    })
    return { close, done }
  }
}

interface Outcome {
  stdout: string
  stderr: string
  /** null when the channel closed without an exit status (connection lost, or aborted). */
  exitCode: number | null
  aborted?: 'cancelled' | 'local-timeout'
}

const SIGNAL_NUMBERS: Record<string, number> = { HUP: 1, INT: 2, QUIT: 3, KILL: 9, PIPE: 13, TERM: 15 }

/** A shell's exit code for death by signal (128 + number); ssh2 names signals "SIGKILL" and the like. */
function signalExitCode(signal: string | undefined): number | null {
  if (!signal) return null
  return 128 + (SIGNAL_NUMBERS[signal.replace(/^SIG/, '')] ?? 0)
}

/** One remote command on its channel: collects output, knows its process group, can kill it. */
class RemoteProcess {
  readonly finished: Promise<Outcome>
  private pid: number | undefined
  private aborted: Outcome['aborted']
  private exited = false
  private killSent = false

  constructor(
    private readonly connection: HostConnection,
    private readonly channel: ClientChannel,
    onLine?: (line: string) => void,
    onStdout?: (chunk: Buffer) => void,
  ) {
    const stdout: Buffer[] = []
    let stderr = ''
    let stderrHead = ''
    let lineBuffer = ''
    let exitCode: number | null = null
    channel.on('data', (chunk: Buffer) => {
      if (!onLine) {
        stdout.push(chunk)
        onStdout?.(chunk)
        return
      }
      lineBuffer += chunk.toString('utf8')
      const lines = lineBuffer.split('\n')
      lineBuffer = lines.pop() ?? ''
      for (const line of lines) onLine(line)
    })
    channel.stderr.on('data', (chunk: Buffer) => {
      if (this.pid !== undefined) {
        stderr += chunk.toString('utf8')
        return
      }
      // The first stderr line is ours: the process group to kill on cancel.
      stderrHead += chunk.toString('utf8')
      const newline = stderrHead.indexOf('\n')
      if (newline < 0) return
      const first = stderrHead.slice(0, newline)
      stderr += stderrHead.slice(newline + 1)
      this.pid = first.startsWith(PID_MARK) ? Number.parseInt(first.slice(PID_MARK.length), 10) : NaN
      if (this.aborted) this.killAndClose()
    })
    channel.on('exit', (code: number | null, signal?: string) => {
      this.exited = true
      exitCode = code ?? signalExitCode(signal)
    })
    this.finished = new Promise((resolve) => {
      // ssh2 repeats the exit status on 'close'. It matters: a fast command's exit-status can arrive
      // in the same read as the exec reply, before the 'exit' listener above exists (seen under load).
      channel.on('close', (code?: number | null, signal?: string) => {
        if (!this.exited && (code !== undefined || signal !== undefined)) {
          this.exited = true
          exitCode = code ?? signalExitCode(signal)
        }
        if (onLine && lineBuffer) onLine(lineBuffer)
        resolve({
          stdout: Buffer.concat(stdout).toString('utf8'),
          // Our PID line is never the host's words; what came before it was ever complete is.
          stderr: this.pid === undefined ? stderrHead : stderr,
          exitCode,
          ...(this.aborted ? { aborted: this.aborted } : {}),
        })
      })
    })
  }

  abort(reason: NonNullable<Outcome['aborted']>): void {
    if (this.aborted || this.exited) return
    this.aborted = reason
    if (this.pid !== undefined) this.killAndClose()
    // Not started yet: the process group arrives with the first stderr line (then killAndClose).
    else setTimeout(() => this.channel.close(), 2000).unref?.()
  }

  private killAndClose(): void {
    this.killRemote()
    // Closing our end frees the session slot; the kill stops what is still running.
    this.channel.close()
  }

  private killRemote(): void {
    if (this.killSent || this.exited || this.pid === undefined || !Number.isInteger(this.pid)) return
    this.killSent = true
    const command = `kill -s KILL -- -${this.pid} 2>/dev/null; true`
    this.connection.exec(command, undefined, true).then(
      (channel) => {
        channel.resume()
        channel.stderr.resume()
        channel.end()
      },
      () => {
        // The connection is gone: sshd then hangs up the session, and `timeout` still ends it.
      },
    )
  }
}

interface JudgeInput {
  host: string
  argv: readonly string[]
  display: string
  options: RunOptions
  timeoutSeconds: number
  durationMs: number
}

/** A finished command as a result, or the error that names its host, step, exit and stderr. */
function judgeOutcome(outcome: Outcome, input: JudgeInput): RemoteResult {
  const { host, argv, display, options, timeoutSeconds, durationMs } = input
  const base = { host, step: options.step, display, stderr: outcome.stderr }
  const said = { step: stepNamed(options, display), host }
  if (outcome.aborted === 'cancelled')
    throw remoteError({ ...base, code: 'remote.cancelled', text: msg('remoteErrors.cancelled', said) })
  const killedByTimeout =
    outcome.exitCode === 124 || (outcome.exitCode === 137 && durationMs >= timeoutSeconds * 1000)
  // A Ceph tool that could not connect says why (keyring, ceph.conf, key, monitors), not its log. A
  // caller that allows failures reads the rest itself; monitors that never answered fail everyone.
  const caller = outcome.exitCode !== 0 && outcome.exitCode !== null ? cephCaller(argv) : undefined
  const connect =
    caller && !outcome.aborted && !killedByTimeout
      ? connectFailureError({
          host,
          ...caller,
          stderr: outcome.stderr,
          exitCode: outcome.exitCode,
          step: options.step ?? commandStep(briefCommand(display)),
          details: { command: display },
        })
      : undefined
  if (connect && (!options.allowFailure || connect.code === 'remote.timeout')) throw connect
  // ceph/rbd giving up on the monitors by themselves (--connect-timeout) is a timeout too.
  const cephGaveUp = isCeph(argv) && outcome.exitCode !== 0 && /timed out|errno 110/i.test(outcome.stderr)
  if (cephGaveUp)
    throw remoteError({
      ...base,
      code: 'remote.timeout',
      text: msg('remoteErrors.cephUnreachable', said),
      exitCode: outcome.exitCode,
      hint: msg('remoteErrors.cephTimeoutHint'),
    })
  if (outcome.aborted === 'local-timeout' || killedByTimeout) {
    // What the host printed before it was stopped (stderr, else stdout) is the detail; the step names
    // the operation, so the sentence never carries the whole command line.
    const output = outcome.stderr.trim() ? outcome.stderr : outcome.stdout
    throw remoteError({
      ...base,
      stderr: output,
      code: 'remote.timeout',
      text: msg(output.trim() ? 'remoteErrors.timedOut' : 'remoteErrors.timedOutSilent', {
        ...said,
        seconds: timeoutSeconds,
      }),
      exitCode: outcome.exitCode,
      hint: msg(isCeph(argv) ? 'remoteErrors.cephTimeoutHint' : 'remoteErrors.timeoutHint'),
    })
  }
  if (outcome.exitCode === null)
    throw remoteError({
      ...base,
      code: 'host.offline',
      text: msg('remoteErrors.connectionLost', said),
      hint: msg('remoteErrors.connectionLostHint'),
    })
  const result: RemoteResult = {
    stdout: outcome.stdout,
    stderr: outcome.stderr,
    exitCode: outcome.exitCode,
    durationMs,
  }
  if (result.exitCode !== 0 && !options.allowFailure) {
    throw remoteError({
      ...base,
      code: 'remote.failed',
      text: msg('remoteErrors.failed', { ...said, exitCode: result.exitCode }),
      exitCode: result.exitCode,
      hint: hintForExit(argv, result.exitCode),
    })
  }
  return result
}

/** What an error's sentence names: the caller's step, else the command's start (never a whole batch). */
function stepNamed(options: RunOptions, display: string): ErrorStep {
  return options.step ?? commandStep(briefCommand(display))
}

/** A command short enough to name a step: its start, cut at a word (the whole one is in details.command). */
export function briefCommand(display: string, max = 60): string {
  const line = display.replace(/\s+/g, ' ').trim()
  if (line.length <= max) return line
  const cut = line.slice(0, max)
  const space = cut.lastIndexOf(' ')
  return `${space > max / 2 ? cut.slice(0, space) : cut} …`
}

function tail(text: string): string {
  const trimmed = text.trim()
  return trimmed.length > STDERR_TAIL_CHARS ? `…${trimmed.slice(-STDERR_TAIL_CHARS)}` : trimmed
}

function remoteError(input: {
  code: string
  host: string
  step: ErrorStep | undefined
  display: string
  stderr: string
  /** What happened, naming the command and the host; stderr becomes its detail. */
  text: Message
  exitCode?: number | null
  hint?: Message | undefined
}): ApiError {
  const stderr = tail(input.stderr)
  return ApiError.of(input.code, withDetail(input.text, stderr), {
    host: input.host,
    ...(input.step ? { step: input.step } : {}),
    ...(input.hint ? { hint: input.hint } : {}),
    details: { command: input.display, exitCode: input.exitCode ?? null, stderr },
  })
}

function isCeph(argv: readonly string[]): boolean {
  return argv[0] === 'ceph' || argv[0] === 'rbd'
}

function hintForExit(argv: readonly string[], exitCode: number): Message | undefined {
  const tool = argv[0] ?? ''
  if (exitCode === 127) return msg('remoteErrors.notInstalled', { tool })
  if (exitCode === 126) return msg('remoteErrors.notRunnable', { tool })
  return undefined
}
