import {
  getNodeValue,
  parseTree,
  printParseErrorCode,
  type Node as JsonNode,
  type ParseError,
} from 'jsonc-parser'
import type { z } from 'zod'

/**
 * What Ceph prints with `--format json`, read the way each release writes it. Ceph's JSON formatter
 * writes an object section's children under their own names, so an object can hold the same key
 * several times (Luminous's `rbd status`: `"watchers": {"watcher": {…}, "watcher": {…}}`), which
 * `JSON.parse` would silently reduce to the last one; some commands print two JSON values back to
 * back (Pacific's `ceph osd blocklist ls`: `[…][]`). jsonc-parser keeps every property and says
 * where a value ends, so both read as written.
 *
 * A parser tries the schema of each release family in turn; output that none of them accepts is a
 * `CephShapeError` (the caller adds the host and the Ceph version): never a guess.
 */

export type { JsonNode }

/** A family of Ceph releases that print one shape, e.g. "luminous-mimic" or "nautilus-tentacle". */
export interface ShapeFamily<T> {
  family: string
  schema: z.ZodType<T>
}

export class CephShapeError extends Error {
  constructor(
    /** The command as the user would type it, e.g. `rbd status libvirt-ssd/vm1`. */
    readonly command: string,
    /** Why each family refused it (or why the text is not JSON). */
    readonly problems: string[],
    /** The start of what was printed, for the details. */
    readonly excerpt: string,
  ) {
    super(`${command} printed output of a shape Hyperdesk does not know: ${problems.join('; ')}`)
    this.name = 'CephShapeError'
  }
}

/**
 * The JSON values in `text`, in order (usually one). Leading blank lines are fine (`ceph … -f json`
 * starts with a newline on some versions); anything else that is not JSON is a CephShapeError.
 */
export function jsonTrees(text: string, command: string): JsonNode[] {
  const trees: JsonNode[] = []
  let rest = text
  let offset = 0
  while (rest.trim() !== '') {
    const errors: ParseError[] = []
    const tree = parseTree(rest, errors, { disallowComments: true, allowTrailingComma: false })
    const first = errors[0]
    const endsEarly = first !== undefined && printParseErrorCode(first.error) === 'EndOfFileExpected'
    if (!tree || (first && !endsEarly) || errors.length > 1) {
      const at = offset + (first?.offset ?? 0)
      throw new CephShapeError(command, [`not JSON (at character ${at})`], excerpt(text))
    }
    trees.push(tree)
    if (!endsEarly) break
    rest = rest.slice(first.offset)
    offset += first.offset
  }
  if (trees.length === 0) throw new CephShapeError(command, ['printed nothing'], '')
  return trees
}

/** The single JSON value in `text`, as a plain value (a repeated key keeps its last value). */
export function jsonValue(text: string, command: string): unknown {
  const trees = jsonTrees(text, command)
  if (trees.length > 1)
    throw new CephShapeError(command, [`${trees.length} JSON values where one was expected`], excerpt(text))
  return getNodeValue(trees[0] as JsonNode)
}

/** Every property of an object node, repeated keys included, in order. */
export function properties(node: JsonNode | undefined): Array<{ key: string; value: JsonNode }> {
  if (node?.type !== 'object') return []
  const out: Array<{ key: string; value: JsonNode }> = []
  for (const property of node.children ?? []) {
    const [key, value] = property.children ?? []
    if (key && value) out.push({ key: String(key.value), value })
  }
  return out
}

export function valueOf(node: JsonNode): unknown {
  return getNodeValue(node)
}

export function excerpt(text: string): string {
  return text.trim().slice(0, 300)
}

/** Reads `value` with the first family whose schema accepts it; none → CephShapeError. */
export function readFamilies<T>(
  value: unknown,
  families: ReadonlyArray<ShapeFamily<T>>,
  command: string,
  /** The printed text, for the error's excerpt (the value itself when absent). */
  text?: string,
): { family: string; data: T } {
  const problems: string[] = []
  for (const { family, schema } of families) {
    const parsed = schema.safeParse(value)
    if (parsed.success) return { family, data: parsed.data }
    problems.push(`${family}: ${describeIssues(parsed.error)}`)
  }
  throw new CephShapeError(command, problems, excerpt(text ?? JSON.stringify(value) ?? ''))
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(top)'}: ${issue.message}`)
    .join(', ')
}

/** Ceph prints some booleans as the strings "true"/"false" (snapshot `protected`). */
export function cephBoolean(value: boolean | 'true' | 'false'): boolean {
  return value === true || value === 'true'
}
