import type { Duplex } from 'node:stream'
import type { ClientChannel } from 'ssh2'
import { ApiError } from '../../../shared/errors'
import { msg, withDetail, type Message } from '../../../shared/messages/message'
import type { ShellOpened, SerialOpened, VncOpened } from '../../../shared/console'
import { guestLayout, KEYBOARD_LAYOUT_SETTING, type KeyboardLayout } from '../../../shared/keyboard'
import type { InventoryService } from '../inventory/inventory-service'
import { shellCommand } from '../remote/quote'
import type { RemoteRunner } from '../remote/runner'
import { parseDisplayUri } from '../inventory/virsh-parse'
import { sectionError, sectionText } from '../remote/framing'
import { openExec } from '../ssh/connection'
import type { HostPool } from '../ssh/pool'
import { ByteStreams } from './byte-streams'
import { domainArgv } from '../libvirt/domain'

/**
 * Consoles over the host's one SSH connection: a VM's VNC display (a direct-tcpip channel to the
 * host's loopback, or `nc` on the host when sshd forbids forwarding), its serial console
 * (`virsh console` in a pty, never `--force`), and a shell on the host. Each becomes a byte stream
 * (see ByteStreams) that the client attaches to; nothing listens on a local port.
 */

export interface ConsolesDeps {
  hosts: HostPool
  runner: RemoteRunner
  inventory: InventoryService
  streams: ByteStreams
  vmName(uuid: string): string
  /** The cluster file's guestKeyboardLayout. */
  guestKeyboardLayout(): KeyboardLayout
}

const TERM = 'xterm-256color'
/** How long virsh console may still refuse after its banner (it asks libvirt only then). */
const CONSOLE_SETTLE_MS = 600

/**
 * `virsh domdisplay --type vnc` → the TCP address QEMU listens on, as seen from the host; undefined
 * when there is no VNC display. Output of a form libvirt is not known to print is an error naming it
 * (see parseDisplayUri), never a guessed port.
 */
export function parseVncDisplay(
  output: string,
  host?: string,
): { address: string; port: number } | undefined {
  const display = parseDisplayUri(output)
  if (display === null)
    throw ApiError.of(
      'console.display-unknown',
      withDetail(msg('consoleErrors.displayUnreadable'), output.trim().slice(0, 200)),
      {
        ...(host ? { host } : {}),
        step: msg('errorSteps.readVncDisplay'),
        details: { output: output.trim().slice(0, 200) },
      },
    )
  if (!display || display.protocol !== 'vnc' || display.port === undefined) return undefined
  // QEMU listening on every address is still reachable on the host's loopback.
  const raw = display.host
  const address = raw === '0.0.0.0' || raw === '::' || raw === 'localhost' ? '127.0.0.1' : raw
  return { address, port: display.port }
}

/**
 * sshd refuses direct-tcpip with "administratively prohibited" (SSH_OPEN_ADMINISTRATIVELY_PROHIBITED,
 * reason 1) when AllowTcpForwarding is off; a closed port is reason 2 (connect failed): no fallback.
 */
function forwardingRefused(error: unknown): boolean {
  const reason = (error as { reason?: unknown }).reason
  const message = error instanceof Error ? error.message : String(error)
  return (
    reason === 1 || reason === 'ADMINISTRATIVELY_PROHIBITED' || /administratively prohibited/i.test(message)
  )
}

/** A channel opened ahead of the display lookup (see Consoles.earlyChannel). */
interface EarlyChannel {
  /** The channel when the lookup found the display where it was opened to; else undefined (closed). */
  take(host: string, display: { address: string; port: number }): Promise<Duplex | undefined>
  discard(): void
}

export class Consoles {
  /** The address each host's VNC displays were last found on (QEMU's vnc_listen, one per host). */
  private readonly vncAddress = new Map<string, string>()
  /** Hosts whose sshd refused TCP forwarding: no channel is opened there ahead of the lookup. */
  private readonly noForwarding = new Set<string>()

  constructor(private readonly deps: ConsolesDeps) {}

  /** The host a VM runs on now, from the live inventory (events make it current within ms). */
  private runningHost(uuid: string, step: Message): string {
    const vm = this.deps.inventory.vm(uuid)
    const name = this.deps.vmName(uuid)
    if (!vm)
      throw ApiError.of('vm.unknown', msg('consoleErrors.vmUnknown', { uuid }), {
        step,
        hint: msg('consoleErrors.vmUnknownHint'),
      })
    if (vm.runningOn.length > 1)
      throw ApiError.of(
        'vm.running-twice',
        msg('consoleErrors.runningTwice', { name, hosts: vm.runningOn }),
        {
          step,
          hint: msg('consoleErrors.runningTwiceHint'),
        },
      )
    const host = vm.runningOn[0]
    if (!host) {
      const lastKnown = vm.lastKnownRunningOn[0]
      throw lastKnown
        ? ApiError.of('host.offline', msg('consoleErrors.hostUnreachable', { name, host: lastKnown }), {
            step,
            host: lastKnown,
            hint: msg('consoleErrors.hostUnreachableHint'),
          })
        : ApiError.of('vm.not-running', msg('consoleErrors.notRunning', { name }), {
            step,
            hint: msg('consoleErrors.notRunningHint'),
          })
    }
    return host
  }

  async openVnc(uuid: string): Promise<VncOpened> {
    const step = msg('errorSteps.openVncConsole')
    let host = this.runningHost(uuid, step)
    // The channel opens toward where the display probably is while the lookup runs (one round trip
    // instead of two); it is used only if the lookup names that very address and port.
    const early = this.earlyChannel(host, uuid)
    let display: { address: string; port: number } | undefined
    try {
      display = await this.readDisplay(host, uuid)
      if (!display) {
        // It may have just moved or stopped: read that host again, then decide once more.
        await this.deps.inventory.refreshHost(host).catch(() => undefined)
        host = this.runningHost(uuid, step)
        display = await this.readDisplay(host, uuid)
      }
    } catch (error) {
      early?.discard()
      throw error
    }
    if (!display) {
      early?.discard()
      throw ApiError.of(
        'console.no-vnc',
        msg('consoleErrors.noVnc', { name: this.deps.vmName(uuid), host }),
        {
          host,
          step: msg('errorSteps.readVncDisplay'),
          hint: msg('consoleErrors.noVncHint'),
        },
      )
    }
    this.vncAddress.set(host, display.address)
    const forwarded = await early?.take(host, display)
    const { channel, via, release } = forwarded
      ? { channel: forwarded, via: 'forward' as const, release: () => {} }
      : await this.connectTcp(host, display.address, display.port)
    const definition = this.deps.inventory.domain(host, uuid)?.definition
    const vncKeymap = definition?.graphics.find((graphics) => graphics.type === 'vnc')?.keymap
    const streamId = this.deps.streams.register({ kind: 'vnc', host }, channel, release)
    const name = this.deps.vmName(uuid)
    const { layout, from } = guestLayout(
      { setting: definition?.hyperdesk[KEYBOARD_LAYOUT_SETTING], vncKeymap },
      this.deps.guestKeyboardLayout(),
    )
    return {
      streamId,
      host,
      port: display.port,
      via,
      vmName: name,
      // QEMU names its VNC desktop after the domain: the client checks it before showing anything.
      expectedDesktopName: `QEMU (${name})`,
      keyboardLayout: layout,
      layoutFrom: from,
      ...(vncKeymap ? { vncKeymap } : {}),
      hasSerial: definition?.serials.some((serial) => serial.type === 'pty') ?? false,
    }
  }

  /**
   * The display is read at every connect (ports change after a migration and are reused), in the
   * host's virsh session: no new process or libvirt connection, one round trip.
   */
  private async readDisplay(
    host: string,
    uuid: string,
  ): Promise<{ address: string; port: number } | undefined> {
    const step = msg('errorSteps.readVncDisplay')
    const answer = await this.deps.runner.virshQuery(
      host,
      [{ id: 'display', command: domainArgv.display(uuid, 'vnc') }],
      { step, timeoutSeconds: 15 },
    )
    const error = sectionError(answer, 'display')
    if (error !== undefined) {
      if (/not running|No graphical display/i.test(error)) return undefined
      throw ApiError.of(
        'console.display-failed',
        withDetail(msg('consoleErrors.displayFailed', { name: this.deps.vmName(uuid), host }), error),
        { host, step, hint: msg('consoleErrors.checkLibvirtHint') },
      )
    }
    return parseVncDisplay(sectionText(answer, 'display') ?? '', host)
  }

  /**
   * A direct-tcpip channel opened before the display is known, toward the inventory's port on the
   * address the host's displays were last found on; none where forwarding was refused. Nothing is
   * read from it or written to it unless take() finds the lookup named the same host, address and
   * port; otherwise it is closed, and the connect goes where the lookup says.
   */
  private earlyChannel(host: string, uuid: string): EarlyChannel | undefined {
    const port = this.deps.inventory.domain(host, uuid)?.displayPort
    if (port === undefined || this.noForwarding.has(host)) return undefined
    const address = this.vncAddress.get(host) ?? '127.0.0.1'
    let closed = false
    const opening = this.deps.hosts
      .get(host)
      .forwardOut(address, port)
      .then((channel) => {
        // Closed before it was taken (the display went away): its 'close' would reach no stream.
        channel.once('close', () => (closed = true))
        return channel
      })
      .catch((error: unknown) => {
        if (forwardingRefused(error)) this.noForwarding.add(host)
        return undefined
      })
    const discard = () => void opening.then((channel) => channel?.close())
    return {
      discard,
      take: async (to, display) => {
        if (to === host && display.address === address && display.port === port) {
          const channel = await opening
          if (channel && !closed) return channel
        }
        discard()
        return undefined
      },
    }
  }

  /** A TCP stream from the host: direct-tcpip first (no SSH session used), else `nc` on the host. */
  private async connectTcp(
    host: string,
    address: string,
    port: number,
  ): Promise<{ channel: Duplex; via: 'forward' | 'nc'; release: () => void }> {
    const connection = this.deps.hosts.get(host)
    try {
      const channel = await connection.forwardOut(address, port)
      this.noForwarding.delete(host)
      return { channel, via: 'forward', release: () => {} }
    } catch (error) {
      if (forwardingRefused(error)) this.noForwarding.add(host)
      else
        throw this.channelError(
          host,
          msg('errorSteps.openVncChannel'),
          error,
          msg('consoleErrors.vncChannelFailed', { host }),
        )
    }
    const { client, release } = await connection.reserveInteractive()
    try {
      const channel = await openExec(client, shellCommand(['nc', address, String(port)]))
      return { channel, via: 'nc', release }
    } catch (error) {
      release()
      throw this.channelError(
        host,
        msg('errorSteps.openVncChannelNc'),
        error,
        msg('consoleErrors.vncNcFailed', { host }),
        msg('consoleErrors.vncNcHint'),
      )
    }
  }

  async openSerial(uuid: string, cols: number, rows: number): Promise<SerialOpened> {
    const step = msg('errorSteps.openSerial')
    const host = this.runningHost(uuid, step)
    const { client, release } = await this.deps.hosts.get(host).reserveInteractive()
    let channel: ClientChannel
    let banner: Buffer
    try {
      // Never --force: it would steal the console from another admin.
      const command = shellCommand([
        'env',
        'LC_ALL=C',
        'virsh',
        '-c',
        'qemu:///system',
        ...domainArgv.console(uuid),
      ])
      channel = await openExec(client, command, { term: TERM, cols, rows })
      banner = await this.checkConsoleAttached(host, uuid, channel)
    } catch (error) {
      release()
      throw this.channelError(host, step, error, msg('consoleErrors.serialChannelFailed', { host }))
    }
    const streamId = this.deps.streams.register(
      { kind: 'serial', host, resize: (c, r) => channel.setWindow(r, c, 0, 0) },
      channel,
      release,
      banner,
    )
    return { streamId, host, vmName: this.deps.vmName(uuid) }
  }

  /**
   * virsh prints "Connected to domain …" before it asks libvirt for the console, then an error (another
   * session holds it, no serial device) and exits. So: wait for the banner, then a short settle time in
   * which an error or an exit means refused; the user gets a reason, not a dead tab.
   */
  private checkConsoleAttached(host: string, uuid: string, channel: ClientChannel): Promise<Buffer> {
    const name = this.deps.vmName(uuid)
    return new Promise((resolve, reject) => {
      let seen = ''
      let settle: NodeJS.Timeout | undefined
      const timer = setTimeout(() => finish(false), 10_000)
      const onData = (chunk: Buffer) => {
        seen += chunk.toString('utf8')
        if (/^error:.*\n/m.test(seen)) finish(false)
        else if (!settle && /Escape character/i.test(seen))
          settle = setTimeout(() => finish(true), CONSOLE_SETTLE_MS)
      }
      const onClose = () => finish(false)
      const finish = (attached: boolean) => {
        clearTimeout(timer)
        clearTimeout(settle)
        channel.off('data', onData)
        channel.off('close', onClose)
        // The banner goes to the client as well, ahead of what follows.
        if (attached) return resolve(Buffer.from(seen))
        channel.close()
        const busy = /Active console session exists/i.test(seen)
        const noSerial = /cannot find character device|no console available/i.test(seen)
        reject(
          ApiError.of(
            busy ? 'console.busy' : noSerial ? 'console.no-serial' : 'console.failed',
            busy
              ? msg('consoleErrors.serialBusy', { name, host })
              : noSerial
                ? msg('consoleErrors.noSerial', { name })
                : seen.trim()
                  ? withDetail(msg('consoleErrors.serialFailed', { name, host }), seen.trim().slice(-300))
                  : msg('consoleErrors.serialNoAnswer', { name, host }),
            {
              host,
              step: msg('errorSteps.openSerialConsole'),
              hint: msg(
                busy
                  ? 'consoleErrors.serialBusyHint'
                  : noSerial
                    ? 'consoleErrors.noSerialHint'
                    : 'consoleErrors.checkLibvirtHint',
              ),
            },
          ),
        )
      }
      channel.on('data', onData)
      channel.once('close', onClose)
    })
  }

  async openShell(host: string, cols: number, rows: number): Promise<ShellOpened> {
    const { client, release } = await this.deps.hosts.get(host).reserveInteractive()
    let channel: ClientChannel
    try {
      channel = await new Promise<ClientChannel>((resolve, reject) => {
        try {
          client.shell({ term: TERM, cols, rows }, (error, opened) =>
            error ? reject(error) : resolve(opened),
          )
        } catch (error) {
          reject(error as Error)
        }
      })
    } catch (error) {
      release()
      throw this.channelError(
        host,
        msg('errorSteps.openShell'),
        error,
        msg('consoleErrors.shellFailed', { host }),
      )
    }
    const streamId = this.deps.streams.register(
      { kind: 'shell', host, resize: (c, r) => channel.setWindow(r, c, 0, 0) },
      channel,
      release,
    )
    return { streamId, host }
  }

  resize(streamId: string, cols: number, rows: number): void {
    const info = this.deps.streams.info(streamId)
    if (!info)
      throw ApiError.of('console.closed', msg('consoleErrors.closed'), {
        hint: msg('consoleErrors.closedHint'),
      })
    info.resize?.(cols, rows)
  }

  close(streamId: string): void {
    this.deps.streams.close(streamId, 'closed by the user')
  }

  private channelError(host: string, step: Message, error: unknown, text: Message, hint?: Message): ApiError {
    if (error instanceof ApiError) return error
    return ApiError.of(
      'console.channel-failed',
      withDetail(text, error instanceof Error ? error.message : String(error)),
      {
        host,
        step,
        hint: hint ?? msg('consoleErrors.droppedHint'),
      },
    )
  }
}
