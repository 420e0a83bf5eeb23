import { createHash, randomBytes } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { blockAddresses, blockContains, parseBlock } from '../../../src/shared/ovh'
import { OvhSchema, type MatchedOperation } from './schema'

/**
 * A fake OVH API v1 for the lab: the endpoints Hyperdesk uses, with OVH's request signing, shapes
 * (checked against OVH's published schema, schema/SOURCE.md) and rules:
 * - every authenticated call is signed: "$1$" + SHA1(secret+consumer+METHOD+fullURL+body+timestamp),
 *   the timestamp within 5 minutes of the double's clock (GET /auth/time, which can be skewed);
 * - consumer keys carry access rules (`GET /dedicated/server/*`…): anything else is 403;
 * - IPs move as whole blocks (an address inside a bigger block is refused), within a region, never
 *   a block with duplicate virtual MACs, never twice at once (409); `ipCanBeMovedTo` says so first;
 * - moves and virtual MAC creation answer tasks that go init → todo → doing → done over time
 *   (or, when a test sets `failNext`, end cancelled / customerError / ovhError changing nothing);
 *   during a move the block's virtual MACs are suspended (listed nowhere) and reappear on the
 *   destination when it is done; then `onRouted` changes the lab's real routing (lab failover-ip).
 * OVH's exact error sentences for refused moves are not published: these are stand-ins in OVH's
 * error shape ({"errorCode"?, "httpCode", "message"}).
 * It listens only on loopback or the lab's 10.77.0.0/16.
 */

export interface DoubleState {
  servers: { serviceName: string; region: string }[]
  blocks: { block: string; routedTo: string | null; region: string }[]
  virtualMacs: {
    server: string
    macAddress: string
    type: string
    addresses: { ipAddress: string; virtualMachineName: string }[]
  }[]
}

export interface DoubleOptions {
  listenHost?: string
  application: { key: string; secret: string }
  consumers: { key: string; rules: { method: string; path: string }[] }[]
  state: DoubleState
  /** How long a move takes (default 4 s) and a virtual MAC creation (default 1.5 s). */
  moveMs?: number
  vmacMs?: number
  /** The double's clock minus the real one, in seconds (tests the client's /auth/time offset). */
  clockSkewSeconds?: number
  /** Called when a move is done, before the task reads "done": the lab's routing follows. */
  onRouted?(block: string, serviceName: string): Promise<void>
}

interface Task {
  taskId: number
  server: string
  function: 'genericMoveFloatingIp' | 'virtualMacAdd'
  startedAt: number
  durationMs: number
  block?: string
  status: 'init' | 'todo' | 'doing' | 'done' | TaskFailure['status']
  comment: string | null
  doneDate: string | null
  apply(): Promise<void>
}

/** How a test makes OVH's next task of a kind end badly (OVH's task statuses other than done). */
export interface TaskFailure {
  status: 'cancelled' | 'customerError' | 'ovhError'
  comment: string
}

type Reply = { status: number; body: unknown }
class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errorCode?: string,
  ) {
    super(message)
  }
}

const HTTP_TEXT: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  500: 'Internal Server Error',
}

function allowedListenHost(host: string): boolean {
  if (host === '127.0.0.1' || host === '::1' || host === 'localhost') return true
  const parts = host.split('.').map(Number)
  return (
    parts.length === 4 &&
    parts[0] === 10 &&
    parts[1] === 77 &&
    parts.every((p) => Number.isInteger(p) && p >= 0 && p <= 255)
  )
}

/** Does an access rule (`GET /dedicated/server/*`) allow this call? `*` matches any rest of a path segment run. */
export function ruleAllows(rule: { method: string; path: string }, method: string, path: string): boolean {
  if (rule.method !== method) return false
  const pattern = new RegExp(
    '^' +
      rule.path
        .split('*')
        .map((part) => part.replace(/[.+?^$()|[\]\\{}]/g, '\\$&'))
        .join('.*') +
      '$',
  )
  return pattern.test(path)
}

export class OvhDouble {
  readonly schema = new OvhSchema()
  /** Schema violations of requests received and answers built; a test expects none. */
  readonly violations: string[] = []
  /** Every call, for tests: method, path (decoded template path), status. */
  readonly calls: { method: string; path: string; status: number }[] = []
  private readonly tasks = new Map<number, Task>()
  private nextTaskId = 4_200_000
  private nextMac = 0x10
  /** The next task of this function ends this way instead of done, changing nothing. */
  failNext: Partial<Record<Task['function'], TaskFailure>> = {}
  private server: http.Server | undefined
  private readonly timers = new Set<NodeJS.Timeout>()
  url = ''

  constructor(private readonly options: DoubleOptions) {}

  get state(): DoubleState {
    return this.options.state
  }

  async start(): Promise<string> {
    const host = this.options.listenHost ?? '127.0.0.1'
    if (!allowedListenHost(host))
      throw new Error(`the OVH double listens only on loopback or 10.77.0.0/16, not ${host}`)
    this.server = http.createServer((req, res) => void this.handle(req, res))
    await new Promise<void>((resolve) => this.server!.listen(0, host, resolve))
    const { port } = this.server.address() as AddressInfo
    this.url = `http://${host}:${port}/1.0`
    return this.url
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer)
    this.server?.closeAllConnections()
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()))
  }

  /** Waits until every task has ended (tests' cleanup). */
  async settle(): Promise<void> {
    const ended = ['done', 'cancelled', 'customerError', 'ovhError']
    while ([...this.tasks.values()].some((task) => !ended.includes(task.status)))
      await new Promise((resolve) => setTimeout(resolve, 100))
  }

  private now(): number {
    return Math.floor(Date.now() / 1000) + (this.options.clockSkewSeconds ?? 0)
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const rawBody = Buffer.concat(chunks).toString('utf8')
    const method = req.method ?? 'GET'
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`)
    let reply: Reply
    let matched: MatchedOperation | undefined
    try {
      if (!url.pathname.startsWith('/1.0/')) throw new Refusal(404, 'Not found')
      const apiPath = url.pathname.slice('/1.0'.length)
      matched = this.schema.match(method, apiPath)
      if (!matched) throw new Refusal(404, `Got an invalid (or empty) URL`)
      let body: unknown
      if (rawBody !== '') {
        try {
          body = JSON.parse(rawBody)
        } catch {
          throw new Refusal(400, 'Invalid JSON received')
        }
      }
      const problems = this.schema.checkRequest(matched, url.searchParams, body)
      if (problems.length > 0) {
        this.violations.push(...problems.map((p) => `request: ${p}`))
        throw new Refusal(400, problems.join('; '))
      }
      if (!matched.operation.noAuthentication)
        this.authenticate(req, method, apiPath, `http://${req.headers.host}${req.url}`, rawBody)
      reply = await this.route(method, matched, url.searchParams, body as Record<string, unknown> | undefined)
      const answerProblems = this.schema.checkResponse(matched, reply.body)
      if (answerProblems.length > 0) {
        this.violations.push(...answerProblems.map((p) => `answer: ${p}`))
        reply = {
          status: 500,
          body: { message: `double's answer breaks OVH's schema: ${answerProblems.join('; ')}` },
        }
      }
    } catch (error) {
      const refusal = error instanceof Refusal ? error : new Refusal(500, String(error))
      reply = {
        status: refusal.status,
        body: {
          ...(refusal.errorCode ? { errorCode: refusal.errorCode } : {}),
          httpCode: `${refusal.status} ${HTTP_TEXT[refusal.status] ?? ''}`.trim(),
          message: refusal.message,
        },
      }
    }
    this.calls.push({ method, path: decodeURIComponent(url.pathname.slice(4)), status: reply.status })
    res.writeHead(reply.status, { 'Content-Type': 'application/json; charset=utf-8' })
    res.end(JSON.stringify(reply.body))
  }

  private authenticate(
    req: http.IncomingMessage,
    method: string,
    apiPath: string,
    fullUrl: string,
    body: string,
  ): void {
    const header = (name: string): string => {
      const value = req.headers[name]
      return Array.isArray(value) ? (value[0] ?? '') : (value ?? '')
    }
    const { application } = this.options
    if (header('x-ovh-application') !== application.key)
      throw new Refusal(403, 'This application key is invalid', 'INVALID_KEY')
    const consumer = this.options.consumers.find((c) => c.key === header('x-ovh-consumer'))
    if (!consumer) throw new Refusal(403, 'This credential does not exist', 'INVALID_CREDENTIAL')
    const timestamp = Number(header('x-ovh-timestamp'))
    if (!Number.isInteger(timestamp) || Math.abs(timestamp - this.now()) > 300)
      throw new Refusal(400, 'Invalid timestamp', 'INVALID_TIMESTAMP')
    const expected =
      '$1$' +
      createHash('sha1')
        .update([application.secret, consumer.key, method, fullUrl, body, String(timestamp)].join('+'))
        .digest('hex')
    if (header('x-ovh-signature') !== expected)
      throw new Refusal(400, 'Invalid signature', 'INVALID_SIGNATURE')
    const decodedPath = decodeURIComponent(apiPath)
    if (
      !consumer.rules.some(
        (rule) => ruleAllows(rule, method, apiPath) || ruleAllows(rule, method, decodedPath),
      )
    )
      throw new Refusal(403, 'This call has not been granted', 'NOT_GRANTED_CALL')
  }

  // ------------------------------------------------------------------ OVH's behaviour

  private serverNamed(serviceName: string): DoubleState['servers'][number] {
    const server = this.state.servers.find((s) => s.serviceName === serviceName)
    if (!server) throw new Refusal(404, `The requested object (serviceName = ${serviceName}) does not exist`)
    return server
  }

  private blockNamed(ip: string): DoubleState['blocks'][number] {
    const block = this.state.blocks.find(
      (b) => b.block === ip || (!ip.includes('/') && b.block === `${ip}/32`),
    )
    if (block) return block
    const containing = this.state.blocks.find((b) => blockContains(b.block, ip.split('/')[0]!))
    if (containing)
      throw new Refusal(400, `${ip} is part of the block ${containing.block}: IPs move as whole blocks`)
    throw new Refusal(404, `The requested object (ip = ${ip}) does not exist`)
  }

  private pendingMove(block: string): Task | undefined {
    return [...this.tasks.values()].find(
      (t) => t.block === block && t.status !== 'done' && t.status !== 'ovhError',
    )
  }

  private duplicateMacs(block: string): string | undefined {
    const macs = this.state.virtualMacs.filter((m) =>
      m.addresses.some((a) => blockContains(block, a.ipAddress)),
    )
    const seen = new Map<string, string>()
    for (const mac of macs)
      for (const address of mac.addresses) {
        if (!blockContains(block, address.ipAddress)) continue
        if (seen.has(address.ipAddress)) return `${address.ipAddress} has two virtual MACs`
        seen.set(address.ipAddress, mac.macAddress)
      }
    const servers = new Map<string, string>()
    for (const mac of macs) {
      const other = servers.get(mac.macAddress.toLowerCase())
      if (other && other !== mac.server) return `the virtual MAC ${mac.macAddress} exists on two servers`
      servers.set(mac.macAddress.toLowerCase(), mac.server)
    }
    return undefined
  }

  /** OVH's checks before a move (shared by ipCanBeMovedTo and ipMove). */
  private checkMove(serviceName: string, ip: string): DoubleState['blocks'][number] {
    const server = this.serverNamed(serviceName)
    const block = this.blockNamed(ip)
    if (block.routedTo === serviceName)
      throw new Refusal(400, `${block.block} is already routed to ${serviceName}`)
    if (this.pendingMove(block.block))
      throw new Refusal(409, `A move of ${block.block} is already in progress`)
    if (block.region !== server.region)
      throw new Refusal(
        400,
        `${block.block} belongs to ${block.region} and cannot be moved to a server in ${server.region}`,
      )
    const duplicate = this.duplicateMacs(block.block)
    if (duplicate)
      throw new Refusal(400, `${block.block} cannot be moved: ${duplicate} (duplicate virtual MAC)`)
    return block
  }

  private newTask(
    server: string,
    fn: Task['function'],
    durationMs: number,
    apply: () => Promise<void>,
    block?: string,
  ): Task {
    const task: Task = {
      taskId: this.nextTaskId++,
      server,
      function: fn,
      startedAt: Date.now(),
      durationMs,
      status: 'init',
      comment: null,
      doneDate: null,
      apply,
      ...(block ? { block } : {}),
    }
    this.tasks.set(task.taskId, task)
    const failure = this.failNext[fn]
    delete this.failNext[fn]
    const at = (fraction: number, status: Task['status']): void => {
      const timer = setTimeout(() => {
        this.timers.delete(timer)
        if (status !== 'done') {
          task.status = status
          return
        }
        if (failure) {
          task.status = failure.status
          task.comment = failure.comment
          task.doneDate = new Date().toISOString()
          return
        }
        task
          .apply()
          .then(() => {
            task.status = 'done'
            task.doneDate = new Date().toISOString()
          })
          .catch((error: unknown) => {
            task.status = 'ovhError'
            task.comment = `double: ${String(error)}`
            task.doneDate = new Date().toISOString()
          })
      }, durationMs * fraction)
      this.timers.add(timer)
    }
    at(0.1, 'todo')
    at(0.3, 'doing')
    at(1, 'done')
    return task
  }

  private taskBody(task: Task): Record<string, unknown> {
    return {
      taskId: task.taskId,
      function: task.function,
      status: task.status,
      comment: task.comment,
      startDate: new Date(task.startedAt).toISOString(),
      doneDate: task.doneDate,
      lastUpdate: new Date().toISOString(),
      needSchedule: false,
      note: null,
      plannedInterventionId: null,
      tags: null,
      ticketReference: null,
    }
  }

  private async route(
    method: string,
    matched: MatchedOperation,
    query: URLSearchParams,
    body: Record<string, unknown> | undefined,
  ): Promise<Reply> {
    const p = matched.pathParams
    const ok = (value: unknown): Reply => ({ status: 200, body: value })
    switch (`${method} ${matched.template}`) {
      case 'GET /auth/time':
        return ok(this.now())
      case 'POST /auth/credential': {
        const key = createHash('sha1').update(`ck-${Date.now()}-${Math.random()}`).digest('hex').slice(0, 32)
        const rules = (body?.['accessRules'] as { method: string; path: string }[]) ?? []
        this.options.consumers.push({ key, rules })
        return ok({
          consumerKey: key,
          state: 'pendingValidation',
          // OVH's credentialToken is a token of its own (64 characters), not the consumer key
          validationUrl: `${this.url.replace(/\/1\.0$/, '')}/auth/?credentialToken=${randomBytes(48).toString('base64url')}`,
        })
      }
      case 'GET /ip': {
        const type = query.get('type')
        return ok(this.state.blocks.filter(() => type === null || type === 'failover').map((b) => b.block))
      }
      case 'GET /ip/{ip}': {
        const block = this.blockNamed(p['ip']!)
        return ok({
          ip: block.block,
          type: 'failover',
          routedTo: { serviceName: block.routedTo },
          description: null,
          canBeTerminated: true,
          country: 'fr',
          isAdditionalIp: true,
          campus: null,
          regions: null,
          bringYourOwnIp: false,
          organisationId: null,
          rir: 'RIPE',
          version: '4',
        })
      }
      case 'GET /dedicated/server':
        return ok(this.state.servers.map((s) => s.serviceName))
      case 'GET /dedicated/server/{serviceName}/ipCanBeMovedTo':
        this.checkMove(p['serviceName']!, query.get('ip')!)
        return ok(null)
      case 'POST /dedicated/server/{serviceName}/ipMove': {
        const to = p['serviceName']!
        const block = this.checkMove(to, String(body!['ip']))
        // the block's virtual MACs are suspended during the move, then reappear on the destination
        const moving = this.state.virtualMacs.filter((m) =>
          m.addresses.some((a) => blockContains(block.block, a.ipAddress)),
        )
        this.state.virtualMacs = this.state.virtualMacs.filter((m) => !moving.includes(m))
        const task = this.newTask(
          to,
          'genericMoveFloatingIp',
          this.options.moveMs ?? 4000,
          async () => {
            await this.options.onRouted?.(block.block, to)
            block.routedTo = to
            this.state.virtualMacs.push(...moving.map((m) => ({ ...m, server: to })))
          },
          block.block,
        )
        return ok(this.taskBody(task))
      }
      case 'GET /dedicated/server/{serviceName}/task/{taskId}': {
        const task = this.tasks.get(Number(p['taskId']))
        if (!task || task.server !== p['serviceName'])
          throw new Refusal(404, `The requested object (taskId = ${p['taskId']}) does not exist`)
        return ok(this.taskBody(task))
      }
      case 'GET /dedicated/server/{serviceName}/virtualMac':
        this.serverNamed(p['serviceName']!)
        return ok(
          this.state.virtualMacs.filter((m) => m.server === p['serviceName']).map((m) => m.macAddress),
        )
      case 'POST /dedicated/server/{serviceName}/virtualMac': {
        const serviceName = p['serviceName']!
        this.serverNamed(serviceName)
        const ipAddress = String(body!['ipAddress'])
        const block = this.state.blocks.find((b) => blockContains(b.block, ipAddress))
        if (!block) throw new Refusal(404, `The requested object (ipAddress = ${ipAddress}) does not exist`)
        if (this.pendingMove(block.block))
          throw new Refusal(409, `${block.block} is being moved: try again when the move is done`)
        if (block.routedTo !== serviceName)
          throw new Refusal(400, `${ipAddress} is not routed to ${serviceName}`)
        if (this.state.virtualMacs.some((m) => m.addresses.some((a) => a.ipAddress === ipAddress)))
          throw new Refusal(409, `A virtual MAC already exists for ${ipAddress}`)
        const macAddress = `02:00:00:${[0x77, 0x0f, this.nextMac++].map((n) => n.toString(16).padStart(2, '0')).join(':')}`
        const name = String(body!['virtualMachineName'])
        const task = this.newTask(serviceName, 'virtualMacAdd', this.options.vmacMs ?? 1500, async () => {
          this.state.virtualMacs.push({
            server: serviceName,
            macAddress,
            type: String(body!['type']),
            addresses: [{ ipAddress, virtualMachineName: name }],
          })
        })
        return ok(this.taskBody(task))
      }
      case 'GET /dedicated/server/{serviceName}/virtualMac/{macAddress}':
        return ok((({ macAddress, type }) => ({ macAddress, type }))(this.macNamed(p)))
      case 'GET /dedicated/server/{serviceName}/virtualMac/{macAddress}/virtualAddress':
        return ok(this.macNamed(p).addresses.map((a) => a.ipAddress))
      case 'GET /dedicated/server/{serviceName}/virtualMac/{macAddress}/virtualAddress/{ipAddress}': {
        const address = this.macNamed(p).addresses.find((a) => a.ipAddress === p['ipAddress'])
        if (!address)
          throw new Refusal(404, `The requested object (ipAddress = ${p['ipAddress']}) does not exist`)
        return ok(address)
      }
    }
    throw new Refusal(404, `The lab's OVH double does not implement ${method} ${matched.template}`)
  }

  private macNamed(p: Record<string, string>): DoubleState['virtualMacs'][number] {
    const mac = this.state.virtualMacs.find(
      (m) => m.server === p['serviceName'] && m.macAddress === p['macAddress'],
    )
    if (!mac) throw new Refusal(404, `The requested object (macAddress = ${p['macAddress']}) does not exist`)
    return mac
  }
}

/** Every address of a block, for the lab's routing (a /32 is itself). */
export function routedAddresses(block: string): string[] {
  const parsed = parseBlock(block)
  if (!parsed) return []
  return parsed.prefix === 32 ? [block.split('/')[0]!] : blockAddresses(block)
}
