import fs from 'node:fs/promises'
import path from 'node:path'
import {
  configIssues,
  configProblem,
  parseClusterConfig,
  type ClusterConfig,
  type ConfigProblem,
} from '../../../shared/config'
import type { ConfigState } from '../../../shared/contract'
import { ApiError } from '../../../shared/errors'
import { msg, withDetail, type Message } from '../../../shared/messages'
import { readClusterFileText } from './config-file'
import { resolveHost, sshEnvironment } from './ssh-config'

export interface ConfigStoreOptions {
  /** The cluster file. */
  path: string
  /** OpenSSH client config to apply; defaults to ~/.ssh/config. */
  sshConfigPath?: string
  home?: string
}

/**
 * Loads, validates and saves the cluster file. A missing or broken file is a state the UI shows
 * (with each problem and its field), not an exception: the app must open to let the user fix it.
 */
export class ConfigStore {
  private state: ConfigState

  constructor(private readonly options: ConfigStoreOptions) {
    this.state = { path: options.path, status: 'missing', problems: [], hosts: [] }
  }

  get current(): ConfigState {
    return this.state
  }

  /** The validated config, or an error that says why there is none and where to fix it. */
  requireConfig(): ClusterConfig {
    if (this.state.status === 'ok' && this.state.config) return this.state.config
    const { path: file, problems } = this.state
    throw ApiError.of(
      this.state.status === 'missing' ? 'config.missing' : 'config.invalid',
      this.state.status === 'missing'
        ? msg('clusterFile.missing', { path: file })
        : msg('clusterFile.invalid', { path: file, problems: problemMessages(problems) }),
      { step: msg('errorSteps.readClusterFile'), hint: msg('clusterFile.missingHint') },
    )
  }

  async load(): Promise<ConfigState> {
    let text: string
    try {
      text = await fs.readFile(this.options.path, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        this.state = { path: this.options.path, status: 'missing', problems: [], hosts: [] }
        return this.state
      }
      const text = withDetail(
        msg('clusterFile.unreadable', { path: this.options.path }),
        (error as Error).message,
        'local',
      )
      this.state = this.invalid([configProblem({ path: [], text })])
      return this.state
    }
    // Every problem of the file at once, each at its line: syntax, keys written twice, validation.
    const read = readClusterFileText(text)
    const problems = [
      ...read.problems,
      ...(read.value === undefined
        ? []
        : configIssues(read.value).map((issue) =>
            configProblem(issue, read.locate(issue.key ? issue.path.slice(0, -1) : issue.path, issue.key)),
          )),
    ].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0))
    this.state = problems.length > 0 ? this.invalid(problems) : await this.accept(read.value)
    return this.state
  }

  /** Validates first: an invalid config is refused with its problems and the file is left as it was. */
  async save(input: unknown): Promise<ConfigState> {
    const parsed = parseClusterConfig(input)
    if (!parsed.ok) {
      throw ApiError.of(
        'config.invalid',
        msg('clusterFile.notSaved', { problems: problemMessages(parsed.problems) }),
        {
          step: msg('errorSteps.validateClusterFile'),
          details: { problems: parsed.problems },
        },
      )
    }
    await fs.mkdir(path.dirname(this.options.path), { recursive: true, mode: 0o700 })
    // Write then rename, so a crash never leaves half a file; the file it replaces is kept beside it
    // (a hard link, so the file's name never points at nothing), so a wrong edit can be undone by hand.
    const temporary = `${this.options.path}.${process.pid}.tmp`
    await fs.writeFile(temporary, `${JSON.stringify(parsed.config, null, 2)}\n`, { mode: 0o600 })
    const kept = await this.keepPrevious()
    await fs.rename(temporary, this.options.path)
    const state = await this.load()
    if (kept) this.state = { ...state, previousPath: kept }
    return this.state
  }

  /** The path the previous file is kept at: cluster.json → cluster.json.previous. */
  get previousPath(): string {
    return `${this.options.path}.previous`
  }

  private async keepPrevious(): Promise<string | undefined> {
    try {
      await fs.rm(this.previousPath, { force: true })
      await fs.link(this.options.path, this.previousPath)
      return this.previousPath
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      // A file system without hard links: a copy is as good for the user.
      await fs.copyFile(this.options.path, this.previousPath)
      return this.previousPath
    }
  }

  private async accept(json: unknown): Promise<ConfigState> {
    const parsed = parseClusterConfig(json)
    if (!parsed.ok) return this.invalid(parsed.problems)
    const config = parsed.config
    const env = sshEnvironment(this.options.home)
    // Read per host, as ssh does: a problem in the file refuses the hosts it concerns, with file and line.
    const sshConfigPath = this.options.sshConfigPath ?? path.join(env.home, '.ssh', 'config')
    const hosts = config.hosts.map((host) => resolveHost(host, config, sshConfigPath, env))
    return { path: this.options.path, status: 'ok', config, problems: [], hosts }
  }

  private invalid(problems: ConfigState['problems']): ConfigState {
    return { path: this.options.path, status: 'invalid', problems, hosts: [] }
  }
}

/** Each problem as one message naming its field ("hosts[1].gateway must be an IPv4 address."). */
function problemMessages(problems: readonly ConfigProblem[]): Message[] {
  return problems.map((problem) =>
    problem.text
      ? problem.field === '(file)'
        ? problem.text
        : msg('clusterFile.fieldProblem', { field: problem.field, problem: problem.text })
      : msg('clusterFile.fieldProblem', {
          field: problem.field,
          problem: withDetail(msg('clusterFile.other'), problem.message, 'local'),
        }),
  )
}
