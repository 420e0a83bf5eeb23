/**
 * OVH credentials typed in the app (issue 20, item 1): kept encrypted by the OS keychain through
 * Electron's safeStorage (asked across the process boundary, main/keychain-bridge.ts), refused in
 * browser mode and when safeStorage would fall back to plain text; never in the cluster file, never
 * in what the window receives. The guided consumer key: OVH's answer stays in the core (the window
 * gets the validation URL), with exactly the app's access rules. Moving a block: OVH's pre-check
 * and its task followed, against the OVH double (signatures and OVH's schema checked).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createCore, type Core } from '../../src/main/core/core'
import { OVH_ACCESS_RULES } from '../../src/main/core/ovh/api'
import { OvhKeychain, type SecretBox } from '../../src/main/core/ovh/keychain'
import { answerKeychain, PortSecretBox, type SafeStorageLike } from '../../src/main/keychain-bridge'
import type { Job } from '../../src/shared/jobs'
import { OvhDouble } from '../lab/ovh-double/server'
import { typedCall } from '../support/in-process-core'

const APP_KEY = 'keychainApp00001'
const APP_SECRET = 'keychainSecret000000000000000001'
const SERVERS = ['ns1.ip-10-77-11.eu', 'ns2.ip-10-77-12.eu']

/** A safeStorage stand-in that really encrypts (AES-GCM with a key of its own), on a given backend. */
function fakeSafeStorage(backend: string, available = true): SafeStorageLike & { key: Buffer } {
  const key = randomBytes(32)
  return {
    key,
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend,
    encryptString(text) {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()])
      return Buffer.concat([iv, cipher.getAuthTag(), body])
    },
    decryptString(data) {
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12))
      decipher.setAuthTag(data.subarray(12, 28))
      return Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]).toString('utf8')
    },
  }
}

/** The core's SecretBox wired to the main process's answer, as core-process.ts and core-bridge.ts do. */
function boxOver(safeStorage: SafeStorageLike): SecretBox {
  const box: PortSecretBox = new PortSecretBox((request) =>
    setImmediate(() => box.receive(answerKeychain(safeStorage, request, 'linux'))),
  )
  return box
}

let dir: string
let double: OvhDouble
/** The double's consumer keys: it adds the ones POST /auth/credential grants. */
const consumers: { key: string; rules: { method: string; path: string }[] }[] = []

beforeAll(async () => {
  double = new OvhDouble({
    application: { key: APP_KEY, secret: APP_SECRET },
    consumers,
    moveMs: 800, // long enough to see the task "todo" and stop following it; three moves wait for it
    state: {
      servers: SERVERS.map((serviceName) => ({ serviceName, region: 'eu' })),
      blocks: [
        { block: '10.77.100.8/30', routedTo: SERVERS[0]!, region: 'eu' },
        { block: '10.77.100.12/30', routedTo: SERVERS[0]!, region: 'eu' },
      ],
      virtualMacs: [
        // a duplicate virtual MAC: OVH refuses to move the second block
        ...SERVERS.map((server) => ({
          server,
          macAddress: '02:00:00:00:00:0d',
          type: 'ovh',
          addresses: [{ ipAddress: '10.77.100.13', virtualMachineName: 'dup' }],
        })),
      ],
    },
  })
  await double.start()
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hd-ovh-keychain-'))
  fs.writeFileSync(
    path.join(dir, 'cluster.json'),
    JSON.stringify({
      version: 1,
      ssh: { user: 'etalab', useSshConfig: false },
      hosts: [
        { name: 'hv1', address: '127.0.0.1', port: 1, ovhServiceName: SERVERS[0] },
        { name: 'hv2', address: '127.0.0.1', port: 1, ovhServiceName: SERVERS[1] },
        { name: 'hv3', address: '127.0.0.1', port: 1 },
      ],
    }),
  )
})

afterAll(async () => {
  await double?.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

async function coreWith(secretBox: SecretBox | undefined): Promise<Core> {
  return createCore({
    configPath: path.join(dir, 'cluster.json'),
    home: dir,
    version: 'test',
    autoConnect: false,
    ovhCredentials: { env: {}, files: [path.join(dir, 'no-ovh.conf')] },
    ovhTaskIntervalMs: 100,
    ...(secretBox ? { secretBox } : {}),
  })
}

async function waitJob(core: Core, id: string): Promise<Job> {
  for (;;) {
    const job = (await core.call('jobs.get', { id })) as Job
    if (job.state !== 'running') return job
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

describe('the OS keychain across the process boundary', () => {
  it('answers status, and encrypts only when safeStorage really encrypts', () => {
    const plain = fakeSafeStorage('basic_text')
    expect(answerKeychain(plain, { kind: 'keychain', id: 1, op: 'status' }, 'linux')).toMatchObject({
      ok: true,
      value: { available: true, backend: 'basic_text' },
    })
    expect(
      answerKeychain(plain, { kind: 'keychain', id: 2, op: 'encrypt', data: 'x' }, 'linux'),
    ).toMatchObject({ ok: false, error: expect.stringContaining('basic_text') })
    const mac = answerKeychain(
      fakeSafeStorage('unknown'),
      { kind: 'keychain', id: 3, op: 'status' },
      'darwin',
    )
    expect(mac.value).toMatchObject({ backend: 'keychain' })
  })

  it('keeps the sealed file 0600 beside the cluster file, without the secrets in clear', async () => {
    const keychain = OvhKeychain.beside(
      path.join(dir, 'cluster.json'),
      boxOver(fakeSafeStorage('gnome_libsecret')),
    )
    const status = await keychain.save({
      endpoint: 'ovh-eu',
      applicationKey: APP_KEY,
      applicationSecret: APP_SECRET,
      consumerKey: 'keychainConsumer0000000000000001',
    })
    expect(status).toMatchObject({ state: 'ok', backend: 'gnome_libsecret', stored: { endpoint: 'ovh-eu' } })
    const stat = fs.statSync(keychain.file)
    expect(stat.mode & 0o777).toBe(0o600)
    const text = fs.readFileSync(keychain.file, 'utf8')
    expect(text).not.toContain(APP_SECRET)
    expect(text).not.toContain('keychainConsumer')
    expect(fs.readFileSync(path.join(dir, 'cluster.json'), 'utf8')).not.toContain('keychain')
    expect(await keychain.load()).toMatchObject({
      endpoint: 'ovh-eu',
      baseUrl: 'https://eu.api.ovh.com/1.0',
      applicationSecret: APP_SECRET,
      source: 'keychain',
    })
    await keychain.forget()
    expect(fs.existsSync(keychain.file)).toBe(false)
  })
})

describe('credentials typed in the app', () => {
  it('refuses to keep them in browser mode and in plain text, naming the way out', async () => {
    const params = {
      endpoint: double.url,
      applicationKey: APP_KEY,
      applicationSecret: APP_SECRET,
      consumerKey: 'c'.repeat(32),
    }
    for (const [box, code] of [
      [undefined, 'ovh.keychain.browserMode'],
      [boxOver(fakeSafeStorage('basic_text')), 'ovh.keychain.plainText'],
      [boxOver(fakeSafeStorage('gnome_libsecret', false)), 'ovh.keychain.unavailable'],
    ] as const) {
      const core = await coreWith(box)
      try {
        const status = await typedCall(core, 'ovh.status', {})
        expect(status.keychain.state).toBe(code.split('.')[2])
        const refused = await core.call('ovh.saveCredentials', params).catch((e: unknown) => e)
        expect(refused).toMatchObject({ code, hint: expect.stringContaining('ovh.conf') })
        expect(JSON.stringify(refused)).not.toContain(APP_SECRET)
      } finally {
        await core.close()
      }
    }
    expect(fs.existsSync(path.join(dir, 'ovh-credentials.sealed'))).toBe(false)
  })

  it('refuses malformed keys without echoing them', async () => {
    const core = await coreWith(boxOver(fakeSafeStorage('kwallet5')))
    try {
      const refused = await core
        .call('ovh.saveCredentials', {
          endpoint: 'ovh-eu',
          applicationKey: APP_KEY,
          applicationSecret: 'secret with spaces!',
        })
        .catch((e: unknown) => e)
      expect(refused).toMatchObject({ code: 'api.invalid-params' })
      expect(JSON.stringify(refused)).not.toContain('secret with spaces')
      const params = { applicationKey: APP_KEY, applicationSecret: APP_SECRET, consumerKey: 'c'.repeat(32) }
      // a remote URL is never an endpoint (only OVH's names, or a loopback test double)
      await expect(
        core.call('ovh.saveCredentials', { endpoint: 'http://example.org', ...params }),
      ).rejects.toMatchObject({ code: 'api.invalid-params' })
      await expect(core.call('ovh.saveCredentials', { endpoint: 'ovh-xx', ...params })).rejects.toMatchObject(
        {
          code: 'ovh.endpoint.unknown',
          message: expect.stringContaining('ovh-eu'),
        },
      )
    } finally {
      await core.close()
    }
  })

  /** This session's keyring: the same for the next two tests (the second reads what the first saved). */
  const keyring = fakeSafeStorage('gnome_libsecret')

  it('guides a consumer key with the app’s rules only, keeps it in the core, then uses it', async () => {
    const core = await coreWith(boxOver(keyring))
    try {
      const consumersBefore = consumers.length
      const request = await typedCall(core, 'ovh.requestConsumerKey', {
        endpoint: double.url,
        applicationKey: APP_KEY,
      })
      const granted = consumers[consumersBefore]!
      expect(granted.rules).toEqual(OVH_ACCESS_RULES)
      expect(granted.rules.map((rule) => rule.path)).not.toContain('/*')
      // the window gets the URL to validate, never the key itself
      expect(request.validationUrl).toContain('/auth/')
      expect(JSON.stringify(request)).not.toContain(granted.key)
      const status = await typedCall(core, 'ovh.status', {})
      expect(status.pendingConsumerKey).toEqual({
        endpoint: double.url,
        validationUrl: request.validationUrl,
      })
      expect(JSON.stringify(status)).not.toContain(granted.key)

      const saved = await typedCall(core, 'ovh.saveCredentials', {
        endpoint: double.url,
        applicationKey: APP_KEY,
        applicationSecret: APP_SECRET,
      })
      expect(saved).toMatchObject({ configured: true, source: 'keychain', keychain: { state: 'ok' } })
      expect(saved.pendingConsumerKey).toBeUndefined()
      expect(JSON.stringify(saved)).not.toContain(APP_SECRET)
      const view = await typedCall(core, 'ovh.failoverView', {})
      expect(view.blocks.map((block) => block.block)).toEqual(['10.77.100.8/30', '10.77.100.12/30'])
      expect(double.violations).toEqual([])
    } finally {
      await core.close()
    }
  })

  it('moves a block: OVH’s pre-check, then its task followed to the end', async () => {
    const core = await coreWith(boxOver(keyring))
    try {
      // the credentials saved by the previous test, read back through the keychain
      expect(await typedCall(core, 'ovh.moveCheck', { block: '10.77.100.9', to: 'hv2' })).toMatchObject({
        block: '10.77.100.8/30',
        canMove: true,
        already: false,
      })
      const duplicate = await typedCall(core, 'ovh.moveCheck', { block: '10.77.100.12/30', to: 'hv2' })
      expect(duplicate).toMatchObject({
        canMove: false,
        refusal: { code: 'ovh.http.400', message: expect.stringContaining('duplicate virtual MAC') },
      })
      await expect(core.call('ovh.moveCheck', { block: '10.77.100.8/30', to: 'hv3' })).rejects.toMatchObject({
        code: 'ovh.host.unmapped',
        host: 'hv3',
      })
      await expect(core.call('ovh.moveBlock', { block: '10.77.100.8/33', to: 'hv2' })).rejects.toMatchObject({
        code: 'api.invalid-params',
      })
      const started = (await core.call('ovh.moveBlock', { block: '10.77.100.8/30', to: 'hv2' })) as Job
      const job = await waitJob(core, started.id)
      expect(job.state, JSON.stringify(job.error)).toBe('succeeded')
      expect(job.result).toMatchObject({ block: '10.77.100.8/30', serviceName: SERVERS[1], moved: true })
      expect(job.log.map((line) => line.text).join('\n')).toMatch(/OVH task \d+: done/)
      expect(double.state.blocks[0]!.routedTo).toBe(SERVERS[1])
      // "stop following": the job ends cancelled saying the move may still happen; OVH carries it out
      const back = (await core.call('ovh.moveBlock', { block: '10.77.100.8/30', to: 'hv1' })) as Job
      while (
        !((await core.call('jobs.get', { id: back.id })) as Job).log.some((line) =>
          /OVH task \d+: (todo|doing)/.test(line.text),
        )
      )
        await new Promise((resolve) => setTimeout(resolve, 20))
      await core.call('jobs.cancel', { id: back.id })
      const stopped = await waitJob(core, back.id)
      expect(stopped.state).toBe('cancelled')
      expect(stopped.error).toMatchObject({
        code: 'ovh.task.unfollowed',
        message: expect.stringContaining('may still carry it out'),
      })
      await vi.waitFor(() => expect(double.state.blocks[0]!.routedTo).toBe(SERVERS[0]), { timeout: 5000 })
      await waitJob(
        core,
        ((await core.call('ovh.moveBlock', { block: '10.77.100.8/30', to: 'hv2' })) as Job).id,
      )
      const again = await waitJob(
        core,
        ((await core.call('ovh.moveBlock', { block: '10.77.100.9', to: 'hv2' })) as Job).id,
      )
      expect(again.result).toMatchObject({ moved: false })
      expect(double.violations).toEqual([])
    } finally {
      await core.close()
    }
  })
})
