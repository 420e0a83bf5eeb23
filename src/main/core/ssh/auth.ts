import fs from 'node:fs'
import os from 'node:os'
import { OpenSSHAgent, createAgent, utils, type AnyAuthMethod, type BaseAgent, type ParsedKey } from 'ssh2'
import type { ResolvedHost } from '../../../shared/contract'
import { ApiError } from '../../../shared/errors'
import { msg, withDetail } from '../../../shared/messages/message'
import { OPENSSH_DEFAULT_IDENTITY_FILES } from '../config/openssh-config'
import { expandHome } from '../paths'

/**
 * How the app proves who it is, like OpenSSH: the agent first (SSH_AUTH_SOCK or IdentityAgent), then
 * the identity files in order. With IdentitiesOnly, only the identity files' keys are offered, even
 * from the agent. An encrypted key file needs its passphrase from the user: the decrypted key is kept
 * in memory for this run only, and the passphrase itself is never kept.
 */

export interface AuthPlan {
  methods: AnyAuthMethod[]
  /** How many keys the agent offered during this attempt (undefined: no agent, or not asked yet). */
  agentKeys(): number | undefined
  /** Encrypted key files the user has not unlocked yet. */
  locked: string[]
  /** Key files that could not be used, with why. */
  problems: string[]
}

type Parsed = ParsedKey | ParsedKey[] | Error
function firstKey(parsed: Parsed): ParsedKey | Error {
  return Array.isArray(parsed) ? (parsed[0] ?? new Error('no key in file')) : parsed
}

function isEncryptedKeyError(error: Error): boolean {
  return /encrypted|passphrase/i.test(error.message)
}

/** OpenSSH's default identity files, used when nothing is configured. */
function defaultIdentityFiles(home: string): string[] {
  // OpenSSH 9.2 lists id_xmss and id_dsa too but offers neither by default (XMSS is an experimental
  // build option; ssh-dss is not in its PubkeyAcceptedAlgorithms): offering them would only add
  // refused keys, each counted by fail2ban.
  return OPENSSH_DEFAULT_IDENTITY_FILES.filter((file) => !/id_(xmss|dsa)$/.test(file))
    .map((file) => expandHome(file, home))
    .filter((file) => fs.existsSync(file))
}

/**
 * The agent as OpenSSH uses it: its keys that are also identity files first (so the configured key
 * is the first refused or accepted, not the sixth), then the others, or with IdentitiesOnly none of
 * the others. It counts what it offered, for the "too many keys" hint.
 */
class PlanAgent extends OpenSSHAgent {
  offered: number | undefined
  constructor(
    socketPath: string,
    private readonly configured: Set<string>,
    private readonly only: boolean,
  ) {
    super(socketPath)
  }
  override getIdentities(cb: (err: Error | undefined, publicKeys?: ParsedKey[]) => void): void {
    super.getIdentities((err, keys) => {
      if (err) return cb(err)
      // The agent's keys are parsed public keys (ParsedKey at runtime).
      const parsed = (keys ?? []) as ParsedKey[]
      const isConfigured = (key: ParsedKey) => this.configured.has(key.getPublicSSH().toString('base64'))
      const ordered = [
        ...parsed.filter(isConfigured),
        ...(this.only ? [] : parsed.filter((key) => !isConfigured(key))),
      ]
      this.offered = ordered.length
      cb(undefined, ordered)
    })
  }
}

export class KeyStore {
  /** Decrypted keys, by file path: in memory only. */
  private readonly unlocked = new Map<string, ParsedKey>()

  constructor(
    private readonly home = os.homedir(),
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** Decrypts a key file with the user's passphrase; a wrong one is refused here, never sent anywhere. */
  unlock(keyPath: string, passphrase: string): void {
    let data: Buffer
    try {
      data = fs.readFileSync(keyPath)
    } catch (error) {
      throw ApiError.of(
        'host.key-file',
        withDetail(msg('sshErrors.keyFileUnreadable', { file: keyPath }), (error as Error).message),
        { step: msg('errorSteps.unlockKey'), hint: msg('sshErrors.keyFileHint') },
      )
    }
    const key = firstKey(utils.parseKey(data, passphrase))
    if (key instanceof Error) {
      throw ApiError.of('host.bad-passphrase', msg('sshErrors.badPassphrase', { file: keyPath }), {
        step: msg('errorSteps.unlockKey'),
        hint: msg('sshErrors.badPassphraseHint'),
      })
    }
    this.unlocked.set(keyPath, key)
  }

  isUnlocked(keyPath: string): boolean {
    return this.unlocked.has(keyPath)
  }

  plan(host: ResolvedHost): AuthPlan {
    const username = host.user
    const files = host.identityFiles.length > 0 ? host.identityFiles : defaultIdentityFiles(this.home)
    const methods: AnyAuthMethod[] = []
    const keyMethods: AnyAuthMethod[] = []
    const locked: string[] = []
    const problems: string[] = []
    const publicKeys = new Set<string>()

    for (const file of files) {
      const cached = this.unlocked.get(file)
      if (cached) {
        publicKeys.add(cached.getPublicSSH().toString('base64'))
        keyMethods.push({ type: 'publickey', username, key: cached })
        continue
      }
      let data: Buffer
      try {
        data = fs.readFileSync(file)
      } catch (error) {
        // OpenSSH silently skips a missing configured identity file too; say so in diagnostics.
        problems.push(`${file}: ${(error as Error).message}`)
        continue
      }
      const key = firstKey(utils.parseKey(data))
      if (key instanceof Error) {
        if (isEncryptedKeyError(key)) {
          locked.push(file)
          const pub = this.publicKeyFile(file)
          if (pub) publicKeys.add(pub)
        } else problems.push(`${file}: ${key.message}`)
        continue
      }
      publicKeys.add(key.getPublicSSH().toString('base64'))
      keyMethods.push({ type: 'publickey', username, key })
    }

    const agentPath = host.identityAgent ?? this.env.SSH_AUTH_SOCK
    let planAgent: PlanAgent | undefined
    if (agentPath && agentPath.toLowerCase() !== 'none') {
      // Pageant and Windows pipes keep ssh2's own agent classes.
      const unixSocket = agentPath.startsWith('/')
      if (unixSocket) planAgent = new PlanAgent(agentPath, publicKeys, host.identitiesOnly)
      const agent: BaseAgent = planAgent ?? (createAgent(agentPath) as BaseAgent)
      methods.push({ type: 'agent', username, agent })
    }
    methods.push(...keyMethods)
    return { methods, locked, problems, agentKeys: () => planAgent?.offered }
  }

  /** The public half of an encrypted key, from its .pub file (lets IdentitiesOnly pick it in the agent). */
  private publicKeyFile(file: string): string | undefined {
    try {
      const text = fs.readFileSync(`${file}.pub`, 'utf8').trim()
      return text.split(/\s+/)[1]
    } catch {
      return undefined
    }
  }
}
