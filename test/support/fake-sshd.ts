import { spawn } from 'node:child_process'
import net, { type AddressInfo } from 'node:net'
import { Server, utils, type Connection } from 'ssh2'

/**
 * A small in-process SSH server for unit tests: one accepted client key, a chosen host key, and exec
 * requests run by the local `sh -c` in a new session (as sshd does), so the remote-command layer can
 * be tested for real — quoting, exit codes, timeouts, killing a cancelled command — without the lab.
 */
export interface FakeSshd {
  port: number
  /** Public keys offered by clients, one entry per offer (the fail2ban count). */
  keyOffers: string[]
  /** Exec requests received. */
  commands: string[]
  /** direct-tcpip channels asked for, as `address:port` (with `allowForwarding` only). */
  forwards: string[]
  /** Drops every open connection (like a host going away) and stops listening. */
  stop(): Promise<void>
  /** Listens again on the same port. */
  start(): Promise<void>
}

/**
 * ssh2's generateKeyPairSync('ed25519') strips every leading zero byte of the public key, so about
 * one key in 256 comes out 31 bytes long: "Malformed OpenSSH public key" to ssh2, and a known_hosts line
 * holding it is skipped as unusable (as ssh skips it). A test that writes such a key as "the key known
 * before" then sees an unknown host instead of a changed key, and with StrictHostKeyChecking
 * accept-new it connects. Such pairs are drawn again.
 */
export function wellFormedEd25519<T extends { public: string }>(generate: () => T): T {
  for (;;) {
    const pair = generate()
    // string "ssh-ed25519" (4 + 11) and string key (4 + 32)
    if (Buffer.from(pair.public.split(' ')[1] ?? '', 'base64').length === 51) return pair
  }
}

export function newKeyPair(): { privateKey: string; publicSSH: string } {
  const pair = wellFormedEd25519(() => utils.generateKeyPairSync('ed25519'))
  return { privateKey: pair.private, publicSSH: pair.public }
}

export async function startFakeSshd(options: {
  hostKey: string
  clientPublicKey: string
  port?: number
  /**
   * Without it, direct-tcpip is refused as `AllowTcpForwarding no` does ("administratively
   * prohibited"); with it, each channel is a connection from here to its address and port.
   */
  allowForwarding?: boolean
}): Promise<FakeSshd> {
  const allowed = utils.parseKey(options.clientPublicKey)
  if (allowed instanceof Error) throw allowed
  const allowedBlob = (Array.isArray(allowed) ? allowed[0]! : allowed).getPublicSSH()
  const keyOffers: string[] = []
  const commands: string[] = []
  const forwards: string[] = []
  const connections = new Set<Connection>()
  let server: Server | undefined
  let port = options.port ?? 0

  const listen = () =>
    new Promise<void>((resolve) => {
      server = new Server({ hostKeys: [options.hostKey] }, (client) => {
        connections.add(client)
        client.on('close', () => connections.delete(client))
        client.on('error', () => undefined)
        client.on('authentication', (context) => {
          if (context.method !== 'publickey') return context.reject(['publickey'])
          if (!context.signature) keyOffers.push(context.key.data.toString('base64'))
          if (!context.key.data.equals(allowedBlob)) return context.reject(['publickey'])
          context.accept()
        })
        // ssh2 refuses as administratively prohibited only when nobody listens for 'tcpip'.
        if (options.allowForwarding)
          client.on('tcpip', (accept, reject, info) => {
            forwards.push(`${info.destIP}:${info.destPort}`)
            const socket = net.connect(info.destPort, info.destIP)
            socket.once('error', () => reject())
            socket.once('connect', () => {
              const channel = accept()
              socket.pipe(channel).pipe(socket)
              channel.on('close', () => socket.destroy())
              socket.on('close', () => channel.close())
            })
          })
        client.on('session', (acceptSession) => {
          const session = acceptSession()
          session.on('exec', (accept, _reject, info) => {
            const stream = accept()
            commands.push(info.command)
            // detached: a new session, like sshd's setsid(), so `kill -- -$$` works as on a host.
            const child = spawn('sh', ['-c', info.command], { detached: true, stdio: 'pipe' })
            stream.pipe(child.stdin).on('error', () => undefined)
            child.stdout.pipe(stream, { end: false })
            child.stderr.pipe(stream.stderr, { end: false })
            child.on('close', (code, signal) => {
              if (code !== null) stream.exit(code)
              else stream.exit(signal ?? 'KILL', false, '')
              stream.end()
            })
          })
        })
      })
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as AddressInfo).port
        resolve()
      })
    })

  await listen()
  return {
    get port() {
      return port
    },
    keyOffers,
    commands,
    forwards,
    async stop() {
      for (const connection of connections) connection.end()
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
      server = undefined
    },
    start: listen,
  }
}
