import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { accessRulesOf, OvhApi, OVH_ACCESS_RULES, OVH_CALLS } from '../../src/main/core/ovh/api'
import { ruleAllows } from '../lab/ovh-double/server'
import { OvhClient, OvhHttpError, pathOf } from '../../src/main/core/ovh/client'
import {
  endpointUrl,
  parseIni,
  readOvhCredentials,
  type OvhCredentials,
} from '../../src/main/core/ovh/credentials'
import { OvhClock, ovhSignature } from '../../src/main/core/ovh/signer'

/**
 * OVH's signature against OVH's own test vectors: ovh/python-ovh, tests/test_client.py at commit
 * 3a1485d0563916f449fddfe86fa1e5a93c0e1b3b (test_call_signature and test_version_in_url), whose mock
 * keys, time 1457018875 and body '{"a":"b","c":"d"}' give these signatures. The formula is the one
 * OVH documents ("First steps with the OVHcloud APIs"): "$1$" + SHA1_HEX(AS+"+"+CK+"+"+METHOD+"+"+QUERY+"+"+BODY+"+"+TSTAMP).
 */
const AK = 'TDPKJdwZwAQPwKX2'
const AS = '9ufkBmLaTQ9nz5yMUlg79taH0GNnzDjk'
const CK = '5mBuy6SUQcRw2ZUxg0cG68BoDKpED4KY'
const TIME = 1457018875

describe('ovhSignature (python-ovh test vectors)', () => {
  const sign = (method: string, url: string, body: string) =>
    ovhSignature({ applicationSecret: AS, consumerKey: CK, method, url, body, timestamp: TIME })
  it('signs GET, POST, PUT and DELETE like OVH’s own client', () => {
    const url = 'https://eu.api.ovh.com/1.0/auth'
    expect(sign('GET', url, '')).toBe('$1$e9556054b6309771395efa467c22e627407461ad')
    expect(sign('POST', url, '{"a":"b","c":"d"}')).toBe('$1$ec2fb5c7a81f64723c77d2e5b609ae6f58a84fc1')
    expect(sign('PUT', url, '{"a":"b","c":"d"}')).toBe('$1$8a75a9e7c8e7296c9dbeda6a2a735eb6bd58ec4b')
    expect(sign('DELETE', url, '')).toBe('$1$a1eecd00b3b02b6cf5708b84b9ff42059a950d85')
  })
  it('signs the full URL, version prefix included', () => {
    expect(sign('GET', 'https://eu.api.ovh.com/1.0/call', '')).toBe(
      '$1$7f2db49253edfc41891023fcd1a54cf61db05fbb',
    )
    expect(sign('GET', 'https://eu.api.ovh.com/v1/call', '')).toBe(
      '$1$e6e7906d385eb28adcbfbe6b66c1528a42d741ad',
    )
  })
  it('upper-cases the method and changes with every element', () => {
    const base = sign('GET', 'https://eu.api.ovh.com/1.0/auth', '')
    expect(sign('get', 'https://eu.api.ovh.com/1.0/auth', '')).toBe(base)
    expect(
      ovhSignature({
        applicationSecret: AS,
        consumerKey: CK,
        method: 'GET',
        url: 'https://eu.api.ovh.com/1.0/auth',
        body: '',
        timestamp: TIME + 1,
      }),
    ).not.toBe(base)
  })
})

describe('OvhClock', () => {
  it('keeps OVH’s offset from /auth/time and refuses to sign before knowing it', () => {
    let now = 1_000_000_000_000
    const clock = new OvhClock(() => now)
    expect(() => clock.seconds()).toThrow(/auth\/time/)
    clock.set(1_000_000_042)
    expect(clock.offsetSeconds).toBe(42)
    now += 10_000
    expect(clock.seconds()).toBe(1_000_000_052)
  })
})

const credentials: OvhCredentials = {
  endpoint: 'ovh-eu',
  baseUrl: 'https://eu.api.ovh.com/1.0',
  applicationKey: AK,
  applicationSecret: AS,
  consumerKey: CK,
  source: 'test',
}

describe('OvhClient', () => {
  it('reads /auth/time unsigned, then signs with OVH’s clock; never sends the secret', async () => {
    const seen: { url: string; init: RequestInit }[] = []
    const fetcher = async (url: string, init: RequestInit) => {
      seen.push({ url, init })
      if (url.endsWith('/auth/time')) return new Response(String(TIME))
      return new Response('{"taskId":1,"function":"genericMoveFloatingIp","status":"init"}')
    }
    // our clock is 100 s late: the timestamp must be OVH's
    const client = new OvhClient(credentials, { fetch: fetcher, now: () => (TIME - 100) * 1000 })
    const api = new OvhApi(client)
    await api.ipMove('ns235977.ip-1-2-3.eu', '1.2.3.8/29')
    expect(seen.map((s) => s.url)).toEqual([
      'https://eu.api.ovh.com/1.0/auth/time',
      'https://eu.api.ovh.com/1.0/dedicated/server/ns235977.ip-1-2-3.eu/ipMove',
    ])
    const timeHeaders = seen[0]!.init.headers as Record<string, string>
    expect(timeHeaders['X-Ovh-Signature']).toBeUndefined()
    const headers = seen[1]!.init.headers as Record<string, string>
    expect(headers['X-Ovh-Timestamp']).toBe(String(TIME))
    expect(seen[1]!.init.body).toBe('{"ip":"1.2.3.8/29"}')
    expect(headers['X-Ovh-Signature']).toBe(
      ovhSignature({
        applicationSecret: AS,
        consumerKey: CK,
        method: 'POST',
        url: seen[1]!.url,
        body: '{"ip":"1.2.3.8/29"}',
        timestamp: TIME,
      }),
    )
    expect(JSON.stringify(seen)).not.toContain(AS)
  })

  it('turns OVH’s error answers into errors that quote OVH and never the secret', async () => {
    const client = new OvhClient(credentials, {
      fetch: async (url) =>
        url.endsWith('/auth/time')
          ? new Response(String(TIME))
          : new Response('{"message":"This call has not been granted"}', { status: 403 }),
    })
    const error = (await new OvhApi(client).servers().catch((e: unknown) => e)) as OvhHttpError
    expect(error).toBeInstanceOf(OvhHttpError)
    expect(error.code).toBe('ovh.http.403')
    // OVH's own words are the message's detail, shown verbatim beside the sentence.
    expect(error.text).toEqual({
      code: 'ovhErrors.httpRefused',
      params: { method: 'GET', path: '/dedicated/server', status: 403 },
      detail: 'This call has not been granted',
      detailFrom: 'ovh',
    })
    expect(error.hintText).toEqual({ code: 'ovhErrors.http403Hint' })
    expect(error.hint).toMatch(/access rule/)
    expect(JSON.stringify(error.toData())).not.toContain(AS)
  })

  it('encodes path parameters (a block’s slash) and the query', async () => {
    expect(pathOf('/ip/{ip}', { ip: '1.2.3.8/29' })).toBe('/ip/1.2.3.8%2F29')
    const urls: string[] = []
    const client = new OvhClient(credentials, {
      fetch: async (url) => {
        urls.push(url)
        return new Response(url.endsWith('/auth/time') ? String(TIME) : 'null')
      },
    })
    await new OvhApi(client).ipCanBeMovedTo('ns1.ip-1-2-3.eu', '1.2.3.8/29')
    expect(urls[1]).toBe(
      'https://eu.api.ovh.com/1.0/dedicated/server/ns1.ip-1-2-3.eu/ipCanBeMovedTo?ip=1.2.3.8%2F29',
    )
  })

  it('asks a consumer key for the paths the app uses only, never /*', () => {
    expect(OVH_ACCESS_RULES.some((rule) => rule.path === '/*')).toBe(false)
    expect(OVH_ACCESS_RULES.map((rule) => `${rule.method} ${rule.path}`)).toContain(
      'POST /dedicated/server/*/ipMove',
    )
  })

  it('derives the access rules from the code’s own list of calls: one rule per call, each parameter a *', () => {
    const rules = accessRulesOf(OVH_CALLS)
    expect(rules).toEqual(OVH_ACCESS_RULES)
    for (const call of Object.values(OVH_CALLS)) {
      const example = call.path.replace(/\{[A-Za-z]+\}/g, 'x')
      // each call is allowed (OVH's matching, a * spans anything, as the lab's double does it)
      expect(rules.some((rule) => ruleAllows(rule, call.method, example))).toBe(true)
    }
    // only reads and the two changes the app makes: no other POST, no PUT/DELETE, nothing of /me
    expect(rules.filter((rule) => rule.method !== 'GET').map((rule) => rule.path)).toEqual([
      '/dedicated/server/*/ipMove',
      '/dedicated/server/*/virtualMac',
    ])
    expect(rules.some((rule) => ruleAllows(rule, 'POST', '/ip/1.2.3.4%2F32/move'))).toBe(false)
    expect(rules.some((rule) => ruleAllows(rule, 'POST', '/dedicated/server/x/reboot'))).toBe(false)
    expect(rules.some((rule) => ruleAllows(rule, 'GET', '/me'))).toBe(false)
    // and api.ts calls OVH only through OVH_CALLS (plus the unsigned POST /auth/credential)
    const whole = fs.readFileSync(path.join(__dirname, '../../src/main/core/ovh/api.ts'), 'utf8')
    const source = whole.slice(whole.indexOf('export function accessRulesOf')) // after OVH_CALLS
    expect(source.match(/this\.client\.request</g)).toHaveLength(2)
    expect(source.match(/path: '\/[^']*'/g)).toEqual(["path: '/auth/credential'"])
  })
})

describe('credentials like OVH’s tools read them', () => {
  let dir: string
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))
  const write = (name: string, text: string, mode: number) => {
    const file = path.join(dir, name)
    fs.writeFileSync(file, text)
    fs.chmodSync(file, mode)
    return file
  }
  // python-ovh's README shape (and its tests/data/user.ini): [default] endpoint, [ovh-eu] keys
  const conf =
    '[default]\n; general configuration: default endpoint\nendpoint=ovh-eu\n\n[ovh-eu]\napplication_key=user\napplication_secret=user-secret\nconsumer_key=user-ck\n'

  it('reads ovh.conf in python-ovh’s order, later files overriding earlier ones', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovhconf-'))
    const system = write('etc.conf', conf.replace('user-ck', 'system-ck'), 0o600)
    const user = write('home.conf', '[ovh-eu]\nconsumer_key = home-ck\n', 0o600)
    const result = readOvhCredentials({ env: {}, files: [system, user, path.join(dir, 'absent.conf')] })
    expect(result.problems).toEqual([])
    expect(result.credentials).toMatchObject({
      endpoint: 'ovh-eu',
      baseUrl: 'https://eu.api.ovh.com/1.0',
      applicationKey: 'user',
      applicationSecret: 'user-secret',
      consumerKey: 'home-ck',
    })
  })

  it('lets each environment variable override the files', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovhconf-'))
    const file = write('ovh.conf', conf, 0o600)
    const result = readOvhCredentials({
      env: { OVH_CONSUMER_KEY: 'env-ck', OVH_ENDPOINT: 'ovh-eu' },
      files: [file],
    })
    expect(result.credentials?.consumerKey).toBe('env-ck')
    expect(result.credentials?.source).toContain('environment')
  })

  it('refuses a file holding secrets that others may read, naming chmod 600', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovhconf-'))
    const file = write('ovh.conf', conf, 0o644)
    const result = readOvhCredentials({ env: {}, files: [file] })
    expect(result.credentials).toBeUndefined()
    expect(result.problems).toEqual([
      expect.objectContaining({
        code: 'ovh.conf.permissions',
        file,
        message: expect.stringContaining(`chmod 600 ${file}`),
      }),
    ])
  })

  it('names what is missing and refuses unknown endpoints and remote plain-http URLs', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovhconf-'))
    const file = write('ovh.conf', '[ovh-eu]\napplication_key=a\n', 0o600)
    const partial = readOvhCredentials({ env: { OVH_ENDPOINT: 'ovh-eu' }, files: [file] })
    expect(partial.problems[0]).toMatchObject({
      code: 'ovh.credentials.incomplete',
      text: {
        code: 'ovhErrors.credentialsIncomplete',
        params: { endpoint: 'ovh-eu', missing: ['application_secret', 'consumer_key'] },
      },
    })
    expect(readOvhCredentials({ env: { OVH_ENDPOINT: 'ovh-mars' }, files: [] }).problems[0]?.code).toBe(
      'ovh.endpoint.unknown',
    )
    expect(endpointUrl('http://127.0.0.1:8080/1.0/')).toBe('http://127.0.0.1:8080/1.0')
    expect(endpointUrl('http://198.51.100.7/1.0')).toBeUndefined()
    expect(endpointUrl('https://eu.api.ovh.com.evil.example/1.0')).toBeUndefined()
  })

  it('parses INI like RawConfigParser: both separators, comments, case-insensitive keys', () => {
    const ini = parseIni('# c\n[ovh-eu]\nApplication_Key: A\n; x\napplication_secret = S = T\n')
    expect(ini.get('ovh-eu')?.get('application_key')).toBe('A')
    expect(ini.get('ovh-eu')?.get('application_secret')).toBe('S = T')
  })
})
