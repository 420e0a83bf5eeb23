import type { SecretBox, SecretBoxStatus } from './core/ovh/keychain'

/**
 * The OS keychain across the process boundary: Electron's safeStorage exists in the main process
 * only, so the core (a utility process) asks it through messages on its parent port. Only these
 * three operations cross; the window never takes part (these messages are not the window's API).
 */

export type KeychainOp = 'status' | 'encrypt' | 'decrypt'
export interface KeychainRequest {
  kind: 'keychain'
  id: number
  op: KeychainOp
  data?: string
}
export interface KeychainReply {
  kind: 'keychain-result'
  id: number
  ok: boolean
  value?: string | SecretBoxStatus
  error?: string
}

/** What the main process needs of Electron's safeStorage (typed narrowly so tests can give one). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean
  getSelectedStorageBackend?(): string
  encryptString(text: string): Buffer
  decryptString(data: Buffer): string
}

/** Main process: answers one request with safeStorage. Never logs the data. */
export function answerKeychain(
  safeStorage: SafeStorageLike,
  request: KeychainRequest,
  platform = process.platform,
): KeychainReply {
  try {
    const backend =
      platform === 'darwin'
        ? 'keychain'
        : platform === 'win32'
          ? 'dpapi'
          : (safeStorage.getSelectedStorageBackend?.() ?? 'unknown')
    const status = { available: safeStorage.isEncryptionAvailable(), backend }
    if (!['status', 'encrypt', 'decrypt'].includes(request.op)) throw new Error('unknown keychain request')
    if (request.op === 'status') return { kind: 'keychain-result', id: request.id, ok: true, value: status }
    if (!status.available || backend === 'basic_text' || backend === 'unknown')
      throw new Error(`the OS keychain does not encrypt here (backend ${backend})`)
    const value =
      request.op === 'encrypt'
        ? safeStorage.encryptString(request.data ?? '').toString('base64')
        : safeStorage.decryptString(Buffer.from(request.data ?? '', 'base64'))
    return { kind: 'keychain-result', id: request.id, ok: true, value }
  } catch (error) {
    return {
      kind: 'keychain-result',
      id: request.id,
      ok: false,
      error: error instanceof Error ? error.message : String(error),
    }
  }
}

/** Core process: a SecretBox whose calls go to the main process and back. */
export class PortSecretBox implements SecretBox {
  private nextId = 1
  private readonly pending = new Map<number, (reply: KeychainReply) => void>()

  constructor(private readonly post: (request: KeychainRequest) => void) {}

  /** Feeds a message from the parent port; true when it was a keychain reply. */
  receive(message: unknown): boolean {
    const reply = message as Partial<KeychainReply> | null
    if (reply?.kind !== 'keychain-result' || typeof reply.id !== 'number') return false
    const settle = this.pending.get(reply.id)
    this.pending.delete(reply.id)
    settle?.(reply as KeychainReply)
    return true
  }

  private ask(op: KeychainOp, data?: string): Promise<KeychainReply['value']> {
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id)
        reject(new Error('the main process did not answer the keychain request'))
      }, 10_000)
      this.pending.set(id, (reply) => {
        clearTimeout(timer)
        if (reply.ok) resolve(reply.value)
        else reject(new Error(reply.error ?? 'keychain error'))
      })
      this.post({ kind: 'keychain', id, op, ...(data !== undefined ? { data } : {}) })
    })
  }

  async status(): Promise<SecretBoxStatus> {
    return (await this.ask('status')) as SecretBoxStatus
  }
  async encrypt(text: string): Promise<string> {
    return (await this.ask('encrypt', text)) as string
  }
  async decrypt(base64: string): Promise<string> {
    return (await this.ask('decrypt', base64)) as string
  }
}
