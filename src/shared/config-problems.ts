import { z } from 'zod'
import { msg, withDetail, type Message } from './messages/message'

/**
 * A cluster file's validation problems as messages: each zod issue becomes a code from the
 * `clusterFile` area with its values, so the settings screen shows it in the user's language, and an
 * unknown key names the nearest key the schema knows at that place ("did you mean `address`?").
 */

/** How two keys differ: insertions, deletions, substitutions and swaps of neighbours (Damerau–Levenshtein, optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1
  const cols = b.length + 1
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  )
  for (let i = 1; i < rows; i++)
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1)
      d[i]![j] = best
    }
  return d[a.length]![b.length]!
}

/**
 * The known key a typo most likely meant: case differences alone, or at most 1 edit for short keys
 * (≤ 4 characters), 2 up to 8, 3 beyond; none when two keys are equally near.
 */
export function closestKey(typed: string, known: readonly string[]): string | undefined {
  const lower = typed.toLowerCase()
  const sameCase = known.filter((key) => key.toLowerCase() === lower)
  if (sameCase.length === 1) return sameCase[0]
  const allowed = typed.length <= 4 ? 1 : typed.length <= 8 ? 2 : 3
  let best: string | undefined
  let bestDistance = Infinity
  let tie = false
  for (const key of known) {
    const distance = editDistance(lower, key.toLowerCase())
    if (distance < bestDistance) {
      best = key
      bestDistance = distance
      tie = false
    } else if (distance === bestDistance) tie = true
  }
  return best !== undefined && bestDistance <= allowed && !tie ? best : undefined
}

function inner(schema: z.ZodType | undefined): z.ZodType | undefined {
  let current = schema
  for (let depth = 0; current && depth < 8; depth++) {
    const def = (current as { _zod?: { def?: { innerType?: z.ZodType; in?: z.ZodType } } })._zod?.def
    const next = def?.innerType ?? def?.in
    if (!next) break
    current = next
  }
  return current
}

/** The keys an object accepts at `path` in `schema` (through optional, default, arrays). */
export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current: z.ZodType | undefined = schema
  for (const key of path) {
    current = inner(current)
    if (typeof key === 'number')
      current = current instanceof z.ZodArray ? (current.element as z.ZodType) : undefined
    else current = current instanceof z.ZodObject ? (current.shape[String(key)] as z.ZodType) : undefined
  }
  current = inner(current)
  return current instanceof z.ZodObject ? Object.keys(current.shape) : []
}

/** The value at `path` in what was parsed (to tell a missing field from a wrong one). */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined
    current = (current as Record<PropertyKey, unknown>)[key]
  }
  return current
}

/** Problems written by the schema's own refinements and validators, by their English. */
const BY_TEXT: Array<[RegExp, (match: RegExpExecArray) => Message]> = [
  [/must be a host name or an IP address/, () => msg('clusterFile.notAddress')],
  [/must be an IPv4 address/, () => msg('clusterFile.notIpv4')],
  [/must be a Unix user name/, () => msg('clusterFile.notUnixUser')],
  [/must be an absolute path or start with ~\//, () => msg('clusterFile.notAbsolutePath')],
  [/must be an OVH service name/, () => msg('clusterFile.notOvhServiceName')],
  [/needs at least one host/, () => msg('clusterFile.needsHost')],
  [/privilegedClientId and privilegedSudo exclude each other/, () => msg('clusterFile.privilegeBoth')],
  [/^duplicates (hosts\[\d+\])\.name$/, (m) => msg('clusterFile.duplicateHost', { first: m[1]! })],
  [/^pool (.+) is listed twice$/, (m) => msg('clusterFile.duplicatePool', { pool: m[1]! })],
  [
    /contains the control character (U\+[0-9A-F]{4,6})/,
    (m) => msg('clusterFile.controlCharacter', { character: m[1]! }),
  ],
  [/starts with "-"/, () => msg('clusterFile.startsWithDash')],
  [/must start with a letter or a digit/, () => msg('clusterFile.nameStart')],
  [/contains (".*"): only ASCII letters/, (m) => msg('clusterFile.nameCharacter', { character: m[1]! })],
  [/is longer than (\d+) characters/, (m) => msg('clusterFile.tooLong', { count: Number(m[1]) })],
  [/is empty$/, () => msg('clusterFile.notEmpty')],
]

/** One zod issue as a message (without its field, which the problem carries). */
export function issueMessage(issue: z.core.$ZodIssue, input: unknown): Message {
  for (const [pattern, make] of BY_TEXT) {
    const match = pattern.exec(issue.message)
    if (match) return make(match)
  }
  switch (issue.code) {
    case 'invalid_type': {
      if (valueAt(input, issue.path) === undefined) return msg('clusterFile.required')
      const expected = {
        string: msg('clusterFile.expectString'),
        number: msg('clusterFile.expectNumber'),
        int: msg('clusterFile.notInteger'),
        boolean: msg('clusterFile.expectBoolean'),
        array: msg('clusterFile.expectArray'),
        object: msg('clusterFile.expectObject'),
      }[issue.expected as string]
      if (expected) return expected
      break
    }
    case 'invalid_value':
      return msg('clusterFile.mustBe', {
        value: issue.values.map((value) => JSON.stringify(value)).join(' | '),
      })
    case 'too_small':
      if (issue.origin === 'array') return msg('clusterFile.needsItem')
      if (issue.origin === 'string') return msg('clusterFile.notEmpty')
      return msg('clusterFile.tooSmallNumber', { minimum: Number(issue.minimum) })
    case 'too_big':
      if (issue.origin === 'string') return msg('clusterFile.tooLong', { count: Number(issue.maximum) })
      return msg('clusterFile.tooBigNumber', { maximum: Number(issue.maximum) })
  }
  // A problem this table does not know yet: its English is the detail, shown as the validator wrote it.
  return withDetail(msg('clusterFile.other'), issue.message, 'local')
}

/** One problem per unknown key, with the nearest known key when one is near enough. */
export function unknownKeyMessages(schema: z.ZodType, path: readonly PropertyKey[], keys: readonly string[]) {
  const known = knownKeysAt(schema, path)
  return keys.map((key) => {
    const suggestion = closestKey(key, known)
    return {
      key,
      text: suggestion
        ? msg('clusterFile.unknownKeySuggest', { key, suggestion })
        : msg('clusterFile.unknownKey', { key, known: known.join(', ') }),
    }
  })
}
