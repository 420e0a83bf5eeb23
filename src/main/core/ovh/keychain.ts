import fs from 'node:fs'
import path from 'node:path'
import { ApiError } from '../../../shared/errors'
import { msg, withDetail } from '../../../shared/messages'
import type { OvhKeychainStatus } from '../../../shared/ovh'
import { checkedEndpointUrl, endpointUrl, type OvhCredentials } from './credentials'

/**
 * OVH credentials entered in the app, kept encrypted by the OS keychain through Electron's
 * safeStorage (macOS Keychain, Windows DPAPI, libsecret/kwallet on Linux). safeStorage lives in the
 * Electron main process only, so the core (a utility process) asks it through a SecretBox; in
 * browser mode there is none and saving is refused. When safeStorage would fall back to plain text
 * (Linux `basic_text`: no keyring running) saving is refused too, naming the fix.
 *
 * The encrypted blob is written to its own file (never the cluster file), mode 0600, beside the
 * cluster file; the decrypted secrets stay in the core: the window only ever sees OvhKeychainStatus.
 */

export interface SecretBoxStatus {
  /** safeStorage.isEncryptionAvailable() */
  available: boolean
  /** safeStorage's backend: keychain (macOS), dpapi (Windows), gnome_libsecret, kwallet*, basic_text… */
  backend: string
}

export interface SecretBox {
  status(): Promise<SecretBoxStatus>
  encrypt(text: string): Promise<string>
  decrypt(base64: string): Promise<string>
}

/** Backends that store nothing in a keyring: safeStorage then "encrypts" with a key in the code. */
const PLAIN_TEXT_BACKENDS = new Set(['basic_text', 'unknown'])

interface StoredFile {
  version: 1
  /** Not secret: shown in the window. */
  endpoint: string
  savedAt: number
  backend: string
  /** safeStorage.encryptString(JSON of the keys), base64. */
  sealed: string
}

interface Sealed {
  applicationKey: string
  applicationSecret: string
  consumerKey: string
}

export class OvhKeychain {
  private cached: { mtimeMs: number; credentials: OvhCredentials } | undefined

  constructor(
    readonly file: string,
    private readonly box: SecretBox | undefined,
  ) {}

  static beside(configPath: string, box: SecretBox | undefined): OvhKeychain {
    return new OvhKeychain(path.join(path.dirname(configPath), 'ovh-credentials.sealed'), box)
  }

  private readFile(): StoredFile | undefined {
    let text: string
    try {
      text = fs.readFileSync(this.file, 'utf8')
    } catch {
      return undefined
    }
    try {
      const parsed = JSON.parse(text) as StoredFile
      return parsed.version === 1 && typeof parsed.sealed === 'string' ? parsed : undefined
    } catch {
      return undefined
    }
  }

  async status(): Promise<OvhKeychainStatus> {
    const stored = this.readFile()
    const saved = stored ? { stored: { endpoint: stored.endpoint, savedAt: stored.savedAt } } : {}
    if (!this.box) return { state: 'browserMode', ...saved }
    const box = await this.box.status()
    if (!box.available) return { state: 'unavailable', backend: box.backend, ...saved }
    if (PLAIN_TEXT_BACKENDS.has(box.backend)) return { state: 'plainText', backend: box.backend, ...saved }
    return { state: 'ok', backend: box.backend, ...saved }
  }

  /** Refuses unless the OS keychain really encrypts (not browser mode, not plain text). */
  private async secureBox(): Promise<SecretBox> {
    const status = await this.status()
    if (status.state === 'ok' && this.box) return this.box
    throw ApiError.of(
      `ovh.keychain.${status.state}`,
      status.state === 'browserMode'
        ? msg('ovhErrors.keychainBrowserMode')
        : status.state === 'plainText'
          ? msg('ovhErrors.keychainPlainText', { backend: status.backend ?? '?' })
          : msg('ovhErrors.keychainUnavailable'),
      {
        step: msg('errorSteps.keepOvhKeychain'),
        hint:
          status.state === 'browserMode'
            ? msg('ovhErrors.keychainBrowserModeHint')
            : msg('ovhErrors.keychainHint'),
      },
    )
  }

  async save(credentials: Omit<OvhCredentials, 'baseUrl' | 'source'>): Promise<OvhKeychainStatus> {
    checkedEndpointUrl(credentials.endpoint)
    const box = await this.secureBox()
    const sealed: Sealed = {
      applicationKey: credentials.applicationKey,
      applicationSecret: credentials.applicationSecret,
      consumerKey: credentials.consumerKey,
    }
    const { backend } = await box.status()
    const stored: StoredFile = {
      version: 1,
      endpoint: credentials.endpoint,
      savedAt: Date.now(),
      backend,
      sealed: await box.encrypt(JSON.stringify(sealed)),
    }
    fs.mkdirSync(path.dirname(this.file), { recursive: true })
    const temporary = `${this.file}.${process.pid}.tmp`
    fs.writeFileSync(temporary, JSON.stringify(stored) + '\n', { mode: 0o600 })
    fs.renameSync(temporary, this.file)
    this.cached = undefined
    return this.status()
  }

  forget(): Promise<OvhKeychainStatus> {
    fs.rmSync(this.file, { force: true })
    this.cached = undefined
    return this.status()
  }

  /** The stored credentials, decrypted by the OS keychain; undefined when none are stored. */
  async load(): Promise<OvhCredentials | undefined> {
    let mtimeMs: number
    try {
      mtimeMs = fs.statSync(this.file).mtimeMs
    } catch {
      return undefined
    }
    if (this.cached?.mtimeMs === mtimeMs) return this.cached.credentials
    const stored = this.readFile()
    const baseUrl = stored ? endpointUrl(stored.endpoint) : undefined
    if (!stored || !baseUrl) return undefined
    if (!this.box) return undefined
    let sealed: Sealed
    try {
      sealed = JSON.parse(await this.box.decrypt(stored.sealed)) as Sealed
    } catch (error) {
      throw ApiError.of(
        'ovh.keychain.unreadable',
        withDetail(
          msg('ovhErrors.keychainUnreadable', { file: this.file }),
          error instanceof Error ? error.message : String(error),
          'local',
        ),
        { step: msg('errorSteps.readOvhKeychain'), hint: msg('ovhErrors.keychainUnreadableHint') },
      )
    }
    const credentials: OvhCredentials = {
      endpoint: stored.endpoint,
      baseUrl,
      applicationKey: sealed.applicationKey,
      applicationSecret: sealed.applicationSecret,
      consumerKey: sealed.consumerKey,
      source: 'keychain',
    }
    this.cached = { mtimeMs, credentials }
    return credentials
  }
}
