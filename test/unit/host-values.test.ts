import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { z } from 'zod'
import type { Core } from '../../src/main/core/core'
import type { CoreContext } from '../../src/main/core/context'
import { createCoreWithContext } from '../support/in-process-core'
import { auditMessage } from '../../src/main/core/remote/audit'
import { argvProblem } from '../../src/main/core/remote/quote'
import { checkArgv } from '../../src/main/core/remote/runner'
import { HostConnection } from '../../src/main/core/ssh/connection'
import { methods, METHOD_NAMES } from '../../src/shared/contract'
import { parseClusterConfig } from '../../src/shared/config'
import { ApiError, commandStep } from '../../src/shared/errors'
import {
  argumentProblem,
  CONTROL_CHARACTER,
  CrushNodeSchema,
  validatorMeta,
} from '../../src/shared/validators'

/**
 * Every value that reaches a host passes one validation (issue 16 item 8). The contract's methods
 * are enumerated from `methods`, so a new method is covered without editing this test: each string
 * parameter (object fields, array items, record keys and values) must use a named validator from
 * src/shared/validators.ts; fed `-x`, `--out-file=/tmp/p`, control characters or shell
 * metacharacters, the call is refused (api.invalid-params) before anything reaches the runner or an
 * SSH connection (spies on both). Values marked localOnly (a passphrase, a typed confirmation) are
 * accepted, and must never reach the runner.
 */

type Schema = z.ZodType & {
  _zod: { def: Record<string, unknown> & { type: string }; bag?: Record<string, unknown> }
}

interface Slot {
  /** Where the value sits, e.g. ["destinations", "<key>"] for a record key. */
  path: (string | number)[]
  recordKey: boolean
  localOnly: boolean
  /** Sent only escaped inside XML on stdin (a description): any text is fine, never an argument. */
  xmlText: boolean
  validator: string
}

/** A valid value for a schema (validators' examples), and every string slot in it. */
function example(schema: Schema, at: (string | number)[] = [], slots: Slot[] = []): unknown {
  const meta = validatorMeta(schema)
  const def = schema._zod.def
  if (meta?.example !== undefined && def.type !== 'object') {
    if (def.type === 'string')
      slots.push({
        path: at,
        recordKey: false,
        localOnly: meta.localOnly === true,
        xmlText: meta.xmlText === true,
        validator: meta.validator,
      })
    return meta.example
  }
  switch (def.type) {
    case 'object': {
      const shape = def.shape as Record<string, Schema>
      const value: Record<string, unknown> = {}
      for (const [key, field] of Object.entries(shape)) value[key] = example(field, [...at, key], slots)
      return value
    }
    case 'optional':
    case 'nullable':
    case 'default':
      return example(def.innerType as Schema, at, slots)
    case 'array':
      return [example(def.element as Schema, [...at, 0], slots)]
    case 'record': {
      const keySlots: Slot[] = []
      const key = example(def.keyType as Schema, [...at, '<key>'], keySlots) as string
      for (const slot of keySlots) slots.push({ ...slot, recordKey: true })
      return { [key]: example(def.valueType as Schema, [...at, key], slots) }
    }
    case 'union':
      // The first option (a discriminated union's first kind): its strings are enumerated like the rest.
      return example((def.options as Schema[])[0]!, at, slots)
    case 'enum':
      return Object.values(def.entries as Record<string, string>)[0]
    case 'literal':
      return (def.values as unknown[])[0]
    case 'boolean':
      return false
    case 'number': {
      const minimum = (schema as { minValue?: number | null }).minValue
      return typeof minimum === 'number' && Number.isFinite(minimum) ? Math.max(minimum, 1) : 1
    }
    case 'unknown':
      return {}
    case 'string':
      // A string a client sends that no named validator checks: exactly what this test forbids.
      slots.push({ path: at, recordKey: false, localOnly: false, xmlText: false, validator: '(none)' })
      return 'x'
    default:
      throw new Error(`example(): no rule for a zod ${def.type} at ${at.join('.')}`)
  }
}

/** The valid value a slot holds in the example call (for a record key: the key). */
function validAt(base: unknown, slot: Slot): string {
  let node = base as Record<string | number, unknown>
  for (const key of slot.path.slice(0, -1)) node = node[key] as Record<string | number, unknown>
  return slot.recordKey ? (Object.keys(node)[0] ?? '') : String(node[slot.path.at(-1) as string | number])
}

function withValue(base: unknown, slot: Slot, value: string): unknown {
  const copy = structuredClone(base) as Record<string, unknown>
  let node: Record<string | number, unknown> = copy
  const pathToParent = slot.path.slice(0, -1)
  for (const key of pathToParent) node = node[key] as Record<string | number, unknown>
  const last = slot.path.at(-1) as string | number
  if (slot.recordKey) {
    const [only] = Object.entries(node)
    for (const key of Object.keys(node)) delete node[key]
    node[value] = only?.[1]
  } else node[last] = value
  return copy
}

/**
 * Option-looking values (alone or in front of a valid value), control characters and shell
 * metacharacters (anywhere). A '-' inside a name is fine (libvirt-ssd): only a leading one is not.
 */
const hostile = (valid: string): fc.Arbitrary<string> => {
  const option = fc.constantFrom('-x', '--out-file=/tmp/p', '-', '--', '-rf', '--id=admin', '-o/tmp/p')
  const anywhere = fc.oneof(
    fc.constantFrom('\n', '\r', '\t', '\u0000', '\u001b[2J', '\u007f', '\u0085', '\u009b', '\u0015'),
    fc.constantFrom(
      ';',
      '; reboot',
      '$(reboot)',
      '`reboot`',
      '| sh',
      '&& id',
      "'",
      '"',
      '\\',
      '*',
      '?',
      ' ',
      '>/tmp/p',
      '<',
      '#',
      '~',
      '{a,b}',
      '!',
    ),
  )
  return fc.oneof(
    option,
    option.map((text) => `${text}${valid}`),
    anywhere,
    anywhere.map((text) => `${valid}${text}`),
    anywhere.map((text) => `${text}${valid}`),
    fc
      .tuple(anywhere, fc.nat({ max: valid.length }))
      .map(([text, at]) => `${valid.slice(0, at)}${text}${valid.slice(at)}`),
  )
}

const closedPortCluster = {
  version: 1,
  ssh: { useSshConfig: false },
  hosts: [
    { name: 'hv1', address: '127.0.0.1', port: 9 },
    { name: 'hv2', address: '127.0.0.1', port: 9 },
  ],
}

let core: Core
let marker = 0
let context: CoreContext
let dir: string
/** Every argument or command line handed to the runner or to an SSH connection. */
const reachedHosts: string[] = []

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hd-values-'))
  const configPath = path.join(dir, 'cluster.json')
  fs.writeFileSync(configPath, JSON.stringify(closedPortCluster))
  ;({ core, context } = await createCoreWithContext({
    configPath,
    home: dir,
    version: 'test',
    autoConnect: false,
  }))
  const runner = context.runner as unknown as Record<string, (...args: unknown[]) => unknown>
  for (const name of ['run', 'virsh', 'virshBatch', 'virshQuery', 'ceph', 'rbd', 'stream']) {
    const original = runner[name]!.bind(runner)
    vi.spyOn(runner, name).mockImplementation((...args: unknown[]) => {
      reachedHosts.push(JSON.stringify(args.slice(0, 2)))
      return original(...args)
    })
  }
  const prototype = HostConnection.prototype as unknown as Record<string, (...args: unknown[]) => unknown>
  for (const name of ['exec', 'forwardOut', 'reserveInteractive']) {
    const original = prototype[name]!
    vi.spyOn(prototype, name).mockImplementation(function (this: unknown, ...args: unknown[]) {
      reachedHosts.push(JSON.stringify([name, ...args.filter((arg) => typeof arg !== 'object')]))
      return original.apply(this, args)
    })
  }
})
afterAll(async () => {
  vi.restoreAllMocks()
  await core?.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

async function outcome(method: string, params: unknown): Promise<string> {
  try {
    await core.call(method, params)
    return 'ok'
  } catch (error) {
    return ApiError.from(error).code
  }
}

describe('the contract: every value that can reach a host passes a named validator', () => {
  const plans = METHOD_NAMES.map((method) => {
    const slots: Slot[] = []
    const base = example(methods[method].params as unknown as Schema, [], slots)
    return { method, base, slots }
  })

  it('builds a valid call for every method from the validators’ examples', () => {
    for (const { method, base } of plans) {
      const parsed = methods[method].params.safeParse(base)
      expect(parsed.success, `${method}: ${JSON.stringify(base)}`).toBe(true)
    }
  })

  it('has no string parameter without a named validator', () => {
    const unchecked = plans.flatMap(({ method, slots }) =>
      slots.filter((slot) => slot.validator === '(none)').map((slot) => `${method}.${slot.path.join('.')}`),
    )
    expect(unchecked).toEqual([])
    // The enumeration found the parameters (the test would pass vacuously otherwise).
    expect(plans.reduce((count, plan) => count + plan.slots.length, 0)).toBeGreaterThan(40)
  })

  it('property: hostile values in any string parameter of any method are refused before the runner', async () => {
    const cases = plans.flatMap(({ method, base, slots }) => slots.map((slot) => ({ method, base, slot })))
    await fc.assert(
      fc.asyncProperty(
        fc
          .constantFrom(...cases)
          .chain((chosen) => fc.tuple(fc.constant(chosen), hostile(validAt(chosen.base, chosen.slot)))),
        async ([{ method, base, slot }, hostileValue]) => {
          // A unique tail makes the value findable in whatever reached a host ('-' alone is in every command).
          const value = `${hostileValue}Zq${++marker}`
          const result = await outcome(method, withValue(base, slot, value))
          if (!slot.localOnly && !slot.xmlText)
            expect(result, `${method} ${slot.path.join('.')} = ${JSON.stringify(value)}`).toBe(
              'api.invalid-params',
            )
          // Refused in core.call before any handler runs; and nothing sent to a host ever holds it
          // (a localOnly value is accepted: a job it started may still be running, so all calls count).
          const escaped = JSON.stringify(value).slice(1, -1)
          expect(reachedHosts.filter((line) => line.includes(escaped))).toEqual([])
        },
      ),
      { numRuns: 1500 },
    )
  }, 60_000)

  it('refuses the CRUSH node that reached root’s ceph through the sudo rule', async () => {
    const before = reachedHosts.length
    expect(await outcome('ceph.setFlag', { flag: 'noout', set: true, node: '--out-file=/tmp/p' })).toBe(
      'api.invalid-params',
    )
    expect(await outcome('ceph.setFlag', { flag: 'noout', set: true, node: '-x' })).toBe('api.invalid-params')
    expect(reachedHosts.length).toBe(before)
    // Real CRUSH bucket names (Ceph's rule: letters, digits, '-', '_', '.') still pass.
    for (const node of ['hv1', 'ceph-a-sata', 'rack_2.b', 'ns235513'])
      expect(CrushNodeSchema.safeParse(node).success).toBe(true)
  })
})

describe('the runner refuses what no validator should have let through', () => {
  it('refuses control characters anywhere and stray options before "--", before any channel', () => {
    expect(
      argvProblem(['ceph', '--id', 'libvirt', 'osd', 'set-group', 'noout', '--out-file=/tmp/p']),
    ).toMatch(/not an option Hyperdesk writes/)
    expect(argvProblem(['rbd', 'info', 'libvirt-ssd/web1\n'])).toMatch(/U\+000A/)
    expect(argvProblem(['virsh', 'dominfo', 'x\u009by'])).toMatch(/U\+009B/)
    // The app's own options and values pass; after "--" a value may start with '-' (logger's message).
    expect(
      argvProblem(['rbd', '--id', 'libvirt', 'lock', 'add', 'p/i', '--rbd-blocklist-on-break-lock=false']),
    ).toBeNull()
    expect(argvProblem(['logger', '-t', 'hyperdesk', '--', '-admin: start web1'])).toBeNull()
    // The text of `sh -c <script>` is the app's own script; its arguments are checked.
    expect(argvProblem(['sh', '-c', 'echo a\necho b', 'doctor', 'libvirt'])).toBeNull()
    expect(argvProblem(['sh', '-c', 'echo "$1"', 'doctor', 'a\nb'])).toMatch(/U\+000A/)
    expect(() =>
      checkArgv('hv1', ['ceph', 'osd', 'set-group', 'noout', '--out-file=/tmp/p'], commandStep('set noout')),
    ).toThrow(expect.objectContaining({ code: 'remote.unsafe-argument', host: 'hv1' }))
  })

  it('property: any argument with a control character is refused; plain values pass', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 20 }),
        fc.integer({ min: 0, max: 0x9f }).filter((code) => code < 0x20 || code >= 0x7f),
        fc.string({ maxLength: 20 }),
        (a, code, b) => {
          const value = `${a}${String.fromCodePoint(code)}${b}`
          expect(argvProblem(['virsh', 'dumpxml', value])).not.toBeNull()
          expect(argumentProblem(value)).not.toBeNull()
        },
      ),
    )
  })
})

describe('audit lines', () => {
  it('carry no control character, whatever the VM name read from a host holds', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 40 }),
        fc.string({ unit: 'binary', maxLength: 20 }),
        (vm, action) => {
          const line = auditMessage({ admin: 'etalab', action, vm })
          expect(line).not.toMatch(CONTROL_CHARACTER)
          expect(argvProblem(['logger', '-t', 'hyperdesk', '--', line])).toBeNull()
        },
      ),
    )
    expect(auditMessage({ admin: 'etalab', action: 'start', vm: 'evil\nFAKE: root: rm\u001b[2J' })).toBe(
      'etalab: start evil\\x0aFAKE: root: rm\\x1b[2J',
    )
  })
})

describe('the cluster file', () => {
  it('refuses control characters in key paths and a reboot command, and a program starting with "-"', () => {
    const base = { version: 1, hosts: [{ name: 'hv1', address: '10.77.11.1' }] }
    const problems = (edit: Record<string, unknown>) => {
      const parsed = parseClusterConfig({ ...base, ...edit })
      return parsed.ok ? [] : parsed.problems.map((problem) => `${problem.field} ${problem.message}`)
    }
    expect(problems({ ssh: { identityFile: '/home/a/.ssh/id\n' } }).join()).toMatch(/U\+000A/)
    expect(problems({ maintenance: { rebootCommand: ['sudo', '-n', '/sbin/reboot\r'] } }).join()).toMatch(
      /U\+000D/,
    )
    expect(problems({ maintenance: { rebootCommand: ['--out-file=/tmp/p'] } }).join()).toMatch(
      /starts with "-"/,
    )
    expect(problems({ maintenance: { rebootCommand: ['sudo', '-n', '/sbin/reboot'] } })).toEqual([])
  })
})
