import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createCore, type Core } from '../../src/main/core/core'
import { typedCall } from '../support/in-process-core'
import { UpdateChecker } from '../../src/main/core/updates/update-check'
import { UpdateStatusSchema, isReleasePage, type UpdateStatus } from '../../src/shared/updates'
import { updatesFr } from '../../src/renderer/src/i18n/updates.fr'
import { UPDATE_TEXTS } from '../../src/shared/updates'

/**
 * The release check against a local feed on 127.0.0.1 (never the real one). The feed's shape is
 * GitHub's documented "Get the latest release" example response (docs.github.com/en/rest/releases/
 * releases#get-the-latest-release, octocat/Hello-World v1.0.0), in test/fixtures/github-latest-release.json.
 */
const documented = JSON.parse(
  fs.readFileSync(path.join(__dirname, '../fixtures/github-latest-release.json'), 'utf8'),
) as Record<string, unknown>
const ours = (tag: string) => ({
  ...documented,
  tag_name: tag,
  html_url: `https://github.com/etalab/hyperdesk/releases/tag/${tag}`,
})

type Reply = { status?: number; body?: string; hang?: boolean }
let reply: Reply = {}
let requests: http.IncomingMessage[] = []
let server: http.Server
let feed: string

beforeAll(async () => {
  server = http.createServer((request, response) => {
    requests.push(request)
    if (reply.hang) return
    response.writeHead(reply.status ?? 200, { 'content-type': 'application/json' })
    response.end(reply.body ?? '')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  feed = `http://127.0.0.1:${(server.address() as AddressInfo).port}/repos/etalab/hyperdesk/releases/latest`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})
afterEach(() => {
  reply = {}
  requests = []
})

const serve = (body: unknown, status = 200) => (reply = { status, body: JSON.stringify(body) })
const checker = (currentVersion = '0.1.0', extra: { timeoutMs?: number } = {}) =>
  new UpdateChecker({ feedUrl: feed, currentVersion, ...extra })

function expectValid(status: UpdateStatus): void {
  expect(UpdateStatusSchema.parse(status)).toEqual(status)
}

describe('release check', () => {
  it('tells about a newer release, with its page, and asks the feed as GitHub expects', async () => {
    serve(ours('v0.2.0'))
    const status = await checker().check(false)
    expectValid(status)
    expect(status).toMatchObject({
      state: 'newer',
      text: 'newer',
      current: '0.1.0',
      latest: '0.2.0',
      url: 'https://github.com/etalab/hyperdesk/releases/tag/v0.2.0',
      params: { current: '0.1.0', latest: '0.2.0' },
      manual: false,
    })
    expect(status.message).toBe(
      'Hyperdesk 0.2.0 is available (this is 0.1.0). Download it from the release page: the app never installs updates by itself.',
    )
    expect(requests).toHaveLength(1)
    expect(requests[0]!.method).toBe('GET')
    expect(requests[0]!.headers.accept).toBe('application/vnd.github+json')
    expect(requests[0]!.headers['user-agent']).toBe('Hyperdesk/0.1.0')
  })

  it('says the version is current when the feed has the same or an older one', async () => {
    serve(ours('v0.1.0'))
    expect(await checker().check(true)).toMatchObject({ state: 'current', text: 'current', manual: true })
    serve(ours('0.0.9'))
    expect(await checker().check(true)).toMatchObject({ state: 'current', latest: '0.0.9' })
    serve(ours('v0.2.0-rc.1'))
    // A pre-release tag is lower than its release, and is never offered over 0.2.0.
    expect(await checker('0.2.0').check(true)).toMatchObject({ state: 'current' })
  })

  it('never links to a page outside the project releases (the documented example is octocat’s)', async () => {
    serve(documented)
    const status = await checker().check(false)
    expect(status).toMatchObject({ state: 'newer', latest: '1.0.0' })
    expect(status.url).toBeUndefined()
    expect(isReleasePage('https://github.com/etalab/hyperdesk/releases/tag/v1.0.0')).toBe(true)
    expect(isReleasePage('https://github.com/etalab/hyperdesk-evil/releases/tag/v1.0.0')).toBe(false)
    expect(isReleasePage('http://github.com/etalab/hyperdesk/releases/tag/v1.0.0')).toBe(false)
    expect(isReleasePage('https://x@github.com/etalab/hyperdesk/releases/')).toBe(false)
    expect(isReleasePage('javascript:alert(1)')).toBe(false)
  })

  it('reports each way the feed can fail, with what to do', async () => {
    reply = { status: 404, body: '{"message":"Not Found"}' }
    expect(await checker().check(true)).toMatchObject({
      state: 'failed',
      text: 'failedHttp',
      params: { status: '404', feed },
    })
    reply = { body: '<html>' }
    expect(await checker().check(true)).toMatchObject({ text: 'failedFeed', params: { problem: 'not JSON' } })
    serve({ message: 'API rate limit exceeded' })
    expect(await checker().check(true)).toMatchObject({ text: 'failedFeed' })
    serve({ ...ours('v0.3.0'), prerelease: true })
    expect(await checker().check(true)).toMatchObject({
      text: 'failedFeed',
      params: { problem: 'a draft or pre-release' },
    })
    serve(ours('nightly'))
    expect(await checker().check(true)).toMatchObject({
      text: 'failedFeed',
      params: { problem: 'tag "nightly" is not a version' },
    })
    serve(ours('v0.2.0'))
    expect(await checker('dev').check(true)).toMatchObject({
      text: 'failedVersion',
      params: { current: 'dev' },
    })
  })

  it('gives up on a feed that does not answer, and on one that is not there', async () => {
    reply = { hang: true }
    const started = Date.now()
    const status = await checker('0.1.0', { timeoutMs: 300 }).check(true)
    expect(status).toMatchObject({ state: 'failed', text: 'failedTimeout' })
    expect(Date.now() - started).toBeLessThan(5_000)

    const closed = http.createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise((resolve) => closed.close(resolve))
    const refused = await new UpdateChecker({
      feedUrl: `http://127.0.0.1:${port}/latest`,
      currentVersion: '0.1.0',
    }).check(true)
    expect(refused).toMatchObject({ state: 'failed', text: 'failedNetwork' })
    expect(refused.params.error).toMatch(/ECONNREFUSED/)
  })

  it('is off without a feed, and refuses a feed that is not https without sending anything', async () => {
    expect(await new UpdateChecker({ currentVersion: '0.1.0' }).check(true)).toMatchObject({
      state: 'disabled',
    })
    for (const bad of ['http://example.com/latest', 'ftp://127.0.0.1/x', 'not a url']) {
      const status = await new UpdateChecker({ feedUrl: bad, currentVersion: '0.1.0' }).check(true)
      expect(status).toMatchObject({ state: 'failed', text: 'failedFeedUrl', params: { feed: bad } })
    }
    expect(requests).toHaveLength(0)
  })

  it('reuses a recent answer for automatic checks; the Help menu always asks again', async () => {
    serve(ours('v0.2.0'))
    let now = new Date('2026-12-03T09:00:00Z')
    const shared = new UpdateChecker({ feedUrl: feed, currentVersion: '0.1.0', now: () => now })
    await Promise.all([shared.check(false), shared.check(false)])
    expect(requests).toHaveLength(1)
    await shared.check(false)
    expect(requests).toHaveLength(1)
    expect(await shared.check(true)).toMatchObject({ state: 'newer', manual: true })
    expect(requests).toHaveLength(2)
    now = new Date('2026-12-03T16:00:00Z')
    await shared.check(false)
    expect(requests).toHaveLength(3)
  })

  it('has every sentence in French with the same placeholders', () => {
    const placeholders = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort()
    for (const [key, english] of Object.entries(UPDATE_TEXTS)) {
      const french = updatesFr.updates.texts[key as keyof typeof UPDATE_TEXTS]
      expect(french, key).toBeTruthy()
      expect(placeholders(french), key).toEqual(placeholders(english))
    }
  })
})

describe('release check through the core', () => {
  let core: Core
  let dir: string
  afterEach(async () => {
    await core?.close()
    if (dir) fs.rmSync(dir, { recursive: true, force: true })
  })

  it('answers app.checkForUpdates and sends the same status as app.updateStatus', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hd-updates-'))
    core = await createCore({
      configPath: path.join(dir, 'cluster.json'),
      version: '0.1.0',
      autoConnect: false,
      updateFeedUrl: feed,
    })
    serve(ours('v0.2.0'))
    const events: UpdateStatus[] = []
    core.subscribe('app.updateStatus', (status) => events.push(status))
    const status = await typedCall(core, 'app.checkForUpdates', { manual: true })
    expect(status).toMatchObject({ state: 'newer', latest: '0.2.0', manual: true })
    expect(events).toEqual([status])
    await expect(core.call('app.checkForUpdates', { manual: 'yes' })).rejects.toMatchObject({
      code: 'api.invalid-params',
    })
  })
})

describe('browser mode', () => {
  it('refuses a release feed that is not https before starting, and says which', () => {
    const serve = path.resolve(__dirname, '../../out/main/serve.js')
    if (!fs.existsSync(serve)) throw new Error('out/ is missing: run `npm run build` first (npm test does)')
    for (const [args, env] of [
      [['--update-feed', 'http://example.com/latest'], {}],
      [[], { HYPERDESK_UPDATE_FEED: 'ftp://127.0.0.1/latest' }],
    ] as const) {
      const result = spawnSync(process.execPath, [serve, '--config', '/nonexistent/cluster.json', ...args], {
        env: { ...process.env, ...env },
        encoding: 'utf8',
        timeout: 15_000,
      })
      expect(result.status).toBe(1)
      expect(result.stderr).toMatch(
        /^hyperdesk: The release feed \S+ must be https \(plain http only on 127\.0\.0\.1\)\.$/m,
      )
      expect(result.stdout).not.toContain('Open:')
    }
  })
})
