import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { OpenSSHAgent, createAgent, utils, type AnyAuthMethod, type BaseAgent, type ParsedKey } from 'ssh2'
import type { ResolvedHost } from '../../../shared/contract'
import { ApiError } from '../../../shared/errors'

/**
 * How the app proves who it is, like OpenSSH: the agent first (SSH_AUTH_SOCK or IdentityAgent), then
 * the identity files in order. With IdentitiesOnly, only the identity files' keys are offered, even
 * from the agent. An encrypted key file needs its passphrase from the user: the decrypted key is kept
 * in memory for this run only, and the passphrase itself is never kept.
 */

export interface AuthPlan {
  methods: AnyAuthMethod[]
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
  return ['id_rsa', 'id_ecdsa', 'id_ecdsa_sk', 'id_ed25519', 'id_ed25519_sk']
    .map((name) => path.join(home, '.ssh', name))
    .filter((file) => fs.existsSync(file))
}

/** Only the agent's keys that are also identity files (IdentitiesOnly with an agent). */
class FilteredAgent extends OpenSSHAgent {
  constructor(
    socketPath: string,
    private readonly allowed: Set<string>,
  ) {
    super(socketPath)
  }
  override getIdentities(cb: (err: Error | undefined, publicKeys?: ParsedKey[]) => void): void {
    super.getIdentities((err, keys) => {
      if (err) return cb(err)
      // The agent's keys are parsed public keys (ParsedKey at runtime).
      const parsed = (keys ?? []) as ParsedKey[]
      cb(
        undefined,
        parsed.filter((key) => this.allowed.has(key.getPublicSSH().toString('base64'))),
      )
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
      throw new ApiError({
        code: 'host.key-file',
        message: `Cannot read ${keyPath}: ${(error as Error).message}`,
        step: 'unlock key',
      })
    }
    const key = firstKey(utils.parseKey(data, passphrase))
    if (key instanceof Error) {
      throw new ApiError({
        code: 'host.bad-passphrase',
        message: `The passphrase does not decrypt ${keyPath}`,
        step: 'unlock key',
        hint: 'Type the passphrase again. Nothing was sent to the host.',
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
    if (agentPath && agentPath.toLowerCase() !== 'none') {
      const agent: BaseAgent = host.identitiesOnly
        ? new FilteredAgent(agentPath, publicKeys)
        : (createAgent(agentPath) as BaseAgent)
      methods.push({ type: 'agent', username, agent })
    }
    methods.push(...keyMethods)
    return { methods, locked, problems }
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
