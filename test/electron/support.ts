import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { Server, utils } from 'ssh2'
import { newKeyPair, wellFormedEd25519 } from '../support/fake-sshd'

/** What the Electron smoke tests share: the binary, a throw-away home, a host, a release feed. */
export const root = path.resolve(__dirname, '../..')
export const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }

/** Electron's binary as installed by `npx install-electron` (Electron 45 fetches nothing at npm install). */
export function electronBinary(): string {
  // Read the path the installer recorded, rather than importing 'electron', whose index tries to
  // download the binary when it is missing.
  const electronDir = path.join(root, 'node_modules/electron')
  const recorded = path.join(electronDir, 'path.txt')
  const binary = fs.existsSync(recorded)
    ? path.join(electronDir, 'dist', fs.readFileSync(recorded, 'utf8').trim())
    : ''
  if (!binary || !fs.existsSync(binary)) {
    throw new Error(
      "Electron's binary is missing: run `npx install-electron` (npm install does not download it since Electron 45).",
    )
  }
  return binary
}

/**
 * A one-host cluster on 127.0.0.1: an SSH server in this process that accepts one generated key and
 * answers a shell by echoing in upper case (so a console's bytes can be seen going both ways), and
 * fails every exec quickly (the doctor's probes). known_hosts already vouches for its key.
 */
export async function startOneHostCluster(): Promise<{
  dir: string
  configPath: string
  shells: number
  close(): Promise<void>
}> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hd-electron-'))
  // ssh2 drops a leading zero byte of 1 ed25519 key in 256: such a key in known_hosts is unreadable.
  const hostKey = wellFormedEd25519(() => utils.generateKeyPairSync('ed25519'))
  const client = newKeyPair()
  const allowed = utils.parseKey(client.publicSSH)
  if (allowed instanceof Error) throw allowed
  const allowedBlob = (Array.isArray(allowed) ? allowed[0]! : allowed).getPublicSSH()
  const state = { shells: 0 }
  const server = new Server({ hostKeys: [hostKey.private] }, (connection) => {
    connection.on('error', () => undefined)
    connection.on('authentication', (context) => {
      if (context.method === 'publickey' && context.key.data.equals(allowedBlob)) return context.accept()
      context.reject(['publickey'])
    })
    connection.on('session', (acceptSession) => {
      const session = acceptSession()
      session.on('pty', (accept) => accept?.())
      session.on('window-change', (accept) => accept?.())
      session.on('shell', (accept) => {
        state.shells++
        const stream = accept()
        stream.on('data', (data: Buffer) => stream.write(data.toString('utf8').toUpperCase()))
      })
      session.on('exec', (accept) => {
        const stream = accept()
        stream.stderr.write('not a hypervisor\n')
        stream.exit(1)
        stream.end()
      })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  const identityFile = path.join(dir, 'id_ed25519')
  fs.writeFileSync(identityFile, client.privateKey, { mode: 0o600 })
  const knownHostsFile = path.join(dir, 'known_hosts')
  fs.writeFileSync(knownHostsFile, `[127.0.0.1]:${port} ${hostKey.public.trim()}\n`)
  const configPath = path.join(dir, 'cluster.json')
  fs.writeFileSync(
    configPath,
    JSON.stringify({
      version: 1,
      name: 'smoke',
      ssh: { user: 'etalab', identityFile, knownHostsFile, useSshConfig: false },
      hosts: [{ name: 'hv1', address: '127.0.0.1', port, migrationAddress: '127.0.0.1' }],
    }),
  )
  return {
    dir,
    configPath,
    get shells() {
      return state.shells
    },
    async close() {
      await new Promise((resolve) => server.close(resolve))
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** A release feed on 127.0.0.1 in the shape of GitHub's "latest release" (see test/fixtures). */
export async function startReleaseFeed(
  tag: string,
): Promise<{ url: string; requests: number; close(): Promise<void> }> {
  const documented = JSON.parse(
    fs.readFileSync(path.join(root, 'test/fixtures/github-latest-release.json'), 'utf8'),
  ) as object
  const state = { requests: 0 }
  const server = http.createServer((_request, response) => {
    state.requests++
    response.writeHead(200, { 'content-type': 'application/json' })
    response.end(
      JSON.stringify({
        ...documented,
        tag_name: tag,
        html_url: `https://github.com/etalab/hyperdesk/releases/tag/${tag}`,
      }),
    )
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/releases/latest`,
    get requests() {
      return state.requests
    },
    async close() {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

/** The environment for a launched app: no agent, no user config, this cluster and feed. */
export function appEnv(configPath: string, home: string, feed: string): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !['SSH_AUTH_SOCK', 'ELECTRON_RUN_AS_NODE', 'NODE_OPTIONS'].includes(name))
      env[name] = value
  }
  return { ...env, HOME: home, HYPERDESK_CONFIG: configPath, HYPERDESK_UPDATE_FEED: feed }
}
