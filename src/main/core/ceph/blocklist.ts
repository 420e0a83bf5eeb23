import { ApiError, commandStep } from '../../../shared/errors'
import { msg, withDetail } from '../../../shared/messages/message'
import { IPV4_PATTERN } from '../../../shared/validators'
import type { RemoteResult, RemoteRunner } from '../remote/runner'
import { blocklistWord, parseBlocklist, type BlocklistEntry } from './formats/blocklist'
import { readShape } from './formats/errors'
import { clusterArgv } from './cluster-commands'
import { CEPH_BINARY, privilegedArgv, refused, throwIfNotConnected } from './privileged'

/**
 * Ceph's blocklist, the fence: the OSDs refuse every request of a blocklisted client address, even
 * after its host comes back. Adding and removing entries needs mon caps the runbook's client.libvirt
 * (`mon 'allow r'`) does not have, so they run as a fencing client (`fenceClientId`) or through
 * `sudo -n /usr/bin/ceph` (`privilegedSudo`); reading the list and the watch timeout only needs
 * `allow r`. Pacific (16) renamed `blacklist` to `blocklist`; Octopus and older know only `blacklist`.
 */

export interface FenceSettings {
  /** The configured, read-only client (client.libvirt). */
  clientId: string
  fenceClientId?: string | undefined
  privilegedSudo?: boolean | undefined
  monitorTimeoutSeconds: number
  /** The SSH user, for the sudoers line. */
  user: string
  /** `ceph --version` on the host (from the doctor), for blocklist vs blacklist. */
  cephVersion?: string | undefined
}

export type BlocklistWord = ReturnType<typeof blocklistWord>
export const FENCE_CLIENT_EXAMPLE = 'hyperdesk-fence'

/**
 * How long an entry lasts: 7 days. Ceph's default (one hour) can end while the lost host is still
 * down or being repaired, and an entry that expires lets its QEMU write again as soon as the host's
 * network is back. A week outlives a long weekend and the diagnosis; the app removes its entries
 * itself once the fenced copy is destroyed, so the length never keeps a healthy client out.
 */
export const FENCE_EXPIRY_SECONDS = 7 * 24 * 3600

/** The word `ceph --version` calls for (formats' blocklistWord); an unknown version: the current word. */
function wordFor(cephVersion: string | undefined): BlocklistWord {
  const major = Number(/(\d+)\.\d+/.exec(cephVersion ?? '')?.[1])
  return Number.isFinite(major) && major > 0 ? blocklistWord(major) : 'blocklist'
}

/** The fencing client's mon caps, nothing more. */
export function fenceMonCaps(word: BlocklistWord): string {
  return `allow r, allow command "osd ${word}" with ${word}op=add, allow command "osd ${word}" with ${word}op=rm`
}

/** `IP:port/nonce` of one client instance (never a whole IP: nonce 0 would match every client). */
const CLIENT_ADDRESS = /^(\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-fA-F:]+\]):\d{1,5}\/(\d{1,10})$/

/** Strips the messenger type Ceph may print before an address (`v1:`, `v2:`, `any:`). */
export function normalizeAddress(address: string): string {
  return address.trim().replace(/^(?:v1|v2|any):/, '')
}

export function isClientAddress(address: string): boolean {
  const match = CLIENT_ADDRESS.exec(address)
  return match !== null && Number(match[2]) !== 0
}

/** The IP part of `IP:port/nonce`. */
export function addressIp(address: string): string | undefined {
  const match = CLIENT_ADDRESS.exec(normalizeAddress(address))
  return match?.[1]
}

/** The whole-IP entry for an IPv4 address: port 0, nonce 0 (Ceph matches every client of that IP). */
export function wholeIpAddress(ip: string): string {
  if (!IPV4_PATTERN.test(ip))
    throw ApiError.of('fence.invalid-address', msg('cephErrors.notIpv4', { value: JSON.stringify(ip) }))
  return `${ip}:0/0`
}

/** Whether an entry is a whole-IP one (`IP:0/0`): it refuses every client of that IP, new ones included. */
export function isWholeIpAddress(address: string): boolean {
  return normalizeAddress(address).endsWith(':0/0')
}

const WHOLE_IP = /^[\d.]+:0\/0$/

function blocklistWordOf(word: BlocklistWord): BlocklistWord {
  if (word === 'blocklist' || word === 'blacklist') return word
  throw ApiError.of('fence.invalid-argument', msg('cephErrors.notBlocklistWord', { value: String(word) }))
}

/** An exact client address or a whole-IP entry, already normalized (Blocklist checks it with its host). */
function entryAddress(address: string): string {
  if (isClientAddress(address) || WHOLE_IP.test(address)) return address
  throw ApiError.of(
    'fence.invalid-address',
    msg('cephErrors.notCephAddress', { value: JSON.stringify(address) }),
  )
}

/**
 * The blocklist by object: the `ceph` argv of its commands (after the client and timeouts), built
 * here and only here, in the word the cluster's version calls for, from checked addresses.
 */
export const blocklistArgv = {
  list: (word: BlocklistWord) => ['osd', blocklistWordOf(word), 'ls', '-f', 'json'],
  add: (word: BlocklistWord, address: string, seconds: number) => {
    if (!Number.isInteger(seconds) || seconds < 60)
      throw ApiError.of('fence.invalid-expiry', msg('cephErrors.badExpiry', { seconds: String(seconds) }))
    return ['osd', blocklistWordOf(word), 'add', entryAddress(address), String(seconds)]
  },
  remove: (word: BlocklistWord, address: string) => [
    'osd',
    blocklistWordOf(word),
    'rm',
    entryAddress(address),
  ],
} as const

/** The argv of a blocklist change: privileged.ts's, with the fencing client as the privileged one. */
export function fenceArgv(settings: FenceSettings, args: readonly string[]): string[] {
  return privilegedArgv({ ...settings, privilegedClientId: settings.fenceClientId }, args)
}

/** What to grant when a blocklist change is refused: caps, the command to create the client, the sudo rule. */
export function fencePermissionHelp(
  settings: FenceSettings,
  word: BlocklistWord,
): {
  caps: string
  createClient: string
  sudoRule: string
  config: string
} {
  const id = settings.fenceClientId ?? FENCE_CLIENT_EXAMPLE
  const keyring = `/etc/ceph/ceph.client.${id}.keyring`
  const caps = fenceMonCaps(word)
  const prefix = `${CEPH_BINARY} --connect-timeout ${settings.monitorTimeoutSeconds} osd ${word}`
  return {
    caps: `mon '${caps}'`,
    createClient:
      `ceph auth get-or-create client.${id} mon '${caps}' -o ${keyring}\n` +
      `# then on every host: copy ${keyring}, chown root:libvirt, chmod 0640`,
    sudoRule: `${settings.user} ALL=(root) NOPASSWD: ${prefix} add *, ${prefix} rm *`,
    config: settings.fenceClientId
      ? `"ceph": { "fenceClientId": "${id}" } is set: give client.${id} these caps`
      : `"ceph": { "fenceClientId": "${id}" } (or "privilegedSudo": true with the sudoers rule)`,
  }
}

/** Reads and changes the blocklist from one host (a reachable one, never the lost host). */
export class Blocklist {
  constructor(
    private readonly runner: RemoteRunner,
    private readonly settings: (host: string) => FenceSettings,
  ) {}

  word(host: string): BlocklistWord {
    return wordFor(this.settings(host).cephVersion)
  }

  async list(host: string): Promise<BlocklistEntry[]> {
    const word = this.word(host)
    const step = `ceph osd ${word} ls`
    const result = await this.runner.ceph(host, blocklistArgv.list(word), { step: commandStep(step) })
    const entries = await readShape(this.runner, host, 'ceph', () => parseBlocklist(result.stdout, step))
    return entries.map((entry) => ({ ...entry, address: normalizeAddress(entry.address) }))
  }

  /** Adds an exact client address (or a whole-IP `IP:0/0` when `wholeIp`) for `seconds`. */
  async add(
    host: string,
    address: string,
    seconds: number,
    options: { wholeIp?: boolean } = {},
  ): Promise<void> {
    const exact = normalizeAddress(address)
    if (!(options.wholeIp ? WHOLE_IP.test(exact) : isClientAddress(exact))) {
      throw ApiError.of(
        'fence.invalid-address',
        msg('cephErrors.notClientAddress', { value: JSON.stringify(address) }),
        {
          host,
        },
      )
    }
    await this.change(host, blocklistArgv.add(this.word(host), exact, seconds))
  }

  async remove(host: string, address: string): Promise<void> {
    const exact = normalizeAddress(address)
    if (!isClientAddress(exact) && !WHOLE_IP.test(exact))
      throw ApiError.of('fence.invalid-address', msg('cephErrors.notCephAddress', { value: address }), {
        host,
      })
    await this.change(host, blocklistArgv.remove(this.word(host), exact))
  }

  /** `osd_client_watch_timeout` as the cluster has it (seconds), or undefined with why. */
  async watchTimeout(host: string): Promise<{ seconds?: number; error?: string }> {
    const result = await this.runner.ceph(host, clusterArgv.watchTimeout(), {
      step: msg('errorSteps.command', { command: 'ceph config get osd osd_client_watch_timeout' }),
      allowFailure: true,
    })
    const seconds = Number(result.stdout.trim())
    if (result.exitCode === 0 && Number.isFinite(seconds) && seconds > 0) return { seconds }
    return { error: (result.stderr.trim().split('\n').at(-1) ?? '') || `exit ${result.exitCode}` }
  }

  /** Runs a blocklistArgv change (`osd <word> add|rm …`) as the fencing client. */
  private async change(host: string, args: string[]): Promise<RemoteResult> {
    const settings = this.settings(host)
    const word = this.word(host)
    const command = `ceph ${args.join(' ')}`
    const argv = fenceArgv(settings, args)
    const result = await this.runner.run(host, argv, {
      step: commandStep(command),
      timeoutSeconds: settings.monitorTimeoutSeconds + 20,
      allowFailure: true,
    })
    if (result.exitCode === 0) return result
    // The fencing client never reached Ceph (its keyring, ceph.conf, a refused key): say which.
    throwIfNotConnected(host, argv, result, commandStep(command), command)
    const refusal = refused(result.stderr, result.exitCode)
    const lastLine = result.stderr.trim().split('\n').at(-1) ?? ''
    if (refusal) {
      const help = fencePermissionHelp(settings, word)
      const who = settings.fenceClientId
        ? msg('cephErrors.whoClient', { client: `client.${settings.fenceClientId}` })
        : settings.privilegedSudo
          ? msg('cephErrors.whoSudo', { user: settings.user })
          : msg('cephErrors.whoClient', { client: `client.${settings.clientId}` })
      const said = { who, command, host, caps: help.caps }
      throw ApiError.of(
        'fence.permission-denied',
        withDetail(
          msg(refusal === 'sudo' ? 'cephErrors.fenceDeniedSudo' : 'cephErrors.fenceDeniedEacces', said),
          lastLine,
        ),
        {
          host,
          step: commandStep(command),
          hint:
            refusal === 'sudo'
              ? msg('cephErrors.sudoersHint', { rule: help.sudoRule })
              : msg('cephErrors.fenceClientHint', {
                  create: help.createClient,
                  config: help.config,
                  rule: help.sudoRule,
                }),
          details: { command, exitCode: result.exitCode, stderr: result.stderr.trim(), ...help },
        },
      )
    }
    throw ApiError.of(
      'fence.failed',
      withDetail(
        msg('remoteErrors.failed', { step: commandStep(command), host, exitCode: result.exitCode ?? '' }),
        lastLine,
      ),
      {
        host,
        step: commandStep(command),
        details: { command, exitCode: result.exitCode, stderr: result.stderr.trim() },
      },
    )
  }
}
