import {
  createScanner,
  findNodeAtLocation,
  getNodeValue,
  parseTree,
  printParseErrorCode,
  type Node as JsonNode,
  type ParseError,
} from 'jsonc-parser'
import { fieldPath, type ConfigProblem } from '../../../shared/config'
import { englishText, msg, type Message } from '../../../shared/messages'

/**
 * Reads the cluster file's text the way a person wrote it: every problem in one pass, each with its
 * line and column. JSON.parse stops at the first error with a character offset, keeps the last of two
 * equal keys without a word, and refuses a trailing comma with "Unexpected token }". Here jsonc-parser
 * (already the core's reader of Ceph's JSON) gives the syntax errors with their offsets; a trailing
 * comma is pointed at exactly (the comma itself, not the brace after it); every key written twice is
 * a problem; and the value's validation problems (shared/config.ts) get the line and column of the
 * value they are about.
 */

export interface ClusterFileText {
  /** The JSON value, when the text is JSON apart from trailing commas. */
  value?: unknown
  /** Syntax, trailing commas and repeated keys, in the order of the file. */
  problems: ConfigProblem[]
  /** Where a field's value is written, for the validation problems. */
  locate(path: readonly (string | number)[], key?: string): { line: number; column: number } | undefined
}

const SYNTAX_TEXTS: Partial<Record<ReturnType<typeof printParseErrorCode>, Message>> = {
  InvalidSymbol: msg('clusterFile.invalidSymbol'),
  InvalidNumberFormat: msg('clusterFile.invalidNumberFormat'),
  PropertyNameExpected: msg('clusterFile.propertyNameExpected'),
  ValueExpected: msg('clusterFile.valueExpected'),
  ColonExpected: msg('clusterFile.colonExpected'),
  CommaExpected: msg('clusterFile.commaExpected'),
  CloseBraceExpected: msg('clusterFile.closeBraceExpected'),
  CloseBracketExpected: msg('clusterFile.closeBracketExpected'),
  EndOfFileExpected: msg('clusterFile.endOfFileExpected'),
  InvalidCommentToken: msg('clusterFile.invalidCommentToken'),
  UnexpectedEndOfComment: msg('clusterFile.unexpectedEndOfComment'),
  UnexpectedEndOfString: msg('clusterFile.unexpectedEndOfString'),
  UnexpectedEndOfNumber: msg('clusterFile.unexpectedEndOfNumber'),
  InvalidUnicode: msg('clusterFile.invalidUnicode'),
  InvalidEscapeCharacter: msg('clusterFile.invalidEscapeCharacter'),
  InvalidCharacter: msg('clusterFile.invalidCharacter'),
}

function problem(field: string, text: Message, at?: { line: number; column: number }): ConfigProblem {
  return { field, message: englishText(text), text, ...(at ?? {}) }
}

/** 1-based line and column of a character offset. */
function positions(text: string): (offset: number) => { line: number; column: number } {
  const starts = [0]
  for (let index = 0; index < text.length; index++) if (text[index] === '\n') starts.push(index + 1)
  return (offset) => {
    let low = 0
    let high = starts.length - 1
    while (low < high) {
      const middle = (low + high + 1) >> 1
      if (starts[middle]! <= offset) low = middle
      else high = middle - 1
    }
    return { line: low + 1, column: offset - starts[low]! + 1 }
  }
}

/** jsonc-parser's SyntaxKind values (a const enum, which isolated modules cannot read). */
const TOKEN = { closeBrace: 2, closeBracket: 4, comma: 5, lineBreak: 14, trivia: 15, eof: 17 } as const

/** Every comma directly before a closing brace or bracket (comments are JSON errors found elsewhere). */
function trailingCommas(text: string): Array<{ offset: number; container: 'object' | 'array' }> {
  const scanner = createScanner(text, true)
  const found: Array<{ offset: number; container: 'object' | 'array' }> = []
  let comma: number | undefined
  for (let kind: number = scanner.scan(); kind !== TOKEN.eof; kind = scanner.scan()) {
    if (kind === TOKEN.trivia || kind === TOKEN.lineBreak) continue
    if (comma !== undefined && (kind === TOKEN.closeBrace || kind === TOKEN.closeBracket))
      found.push({ offset: comma, container: kind === TOKEN.closeBrace ? 'object' : 'array' })
    comma = kind === TOKEN.comma ? scanner.getTokenOffset() : undefined
  }
  return found
}

/** Keys written twice in one object, anywhere in the tree. */
function repeatedKeys(
  node: JsonNode,
  path: (string | number)[],
  at: (offset: number) => { line: number; column: number },
  out: ConfigProblem[],
): void {
  if (node.type === 'object') {
    const seen = new Map<string, number>()
    for (const property of node.children ?? []) {
      const [keyNode, value] = property.children ?? []
      if (!keyNode) continue
      const key = String(keyNode.value)
      const first = seen.get(key)
      const where = at(keyNode.offset)
      if (first !== undefined)
        out.push(
          problem(
            fieldPath([...path, key]),
            msg('clusterFile.duplicateKey', { field: fieldPath([...path, key]), first, second: where.line }),
            where,
          ),
        )
      else seen.set(key, where.line)
      if (value) repeatedKeys(value, [...path, key], at, out)
    }
  } else if (node.type === 'array') {
    node.children?.forEach((child, index) => repeatedKeys(child, [...path, index], at, out))
  }
}

export function readClusterFileText(text: string): ClusterFileText {
  const at = positions(text)
  const errors: ParseError[] = []
  const tree = parseTree(text, errors, { disallowComments: true, allowTrailingComma: true })
  // A comma the syntax error is about (",," before "}") is that error, not a trailing comma as well.
  const syntaxAt = errors[0]?.offset
  const commas = trailingCommas(text).filter(({ offset }) => offset !== syntaxAt)
  const problems: ConfigProblem[] = commas.map(({ offset, container }) =>
    problem(
      '(file)',
      msg('clusterFile.trailingComma', {
        ...at(offset),
        container: container === 'object' ? '{ … }' : '[ … ]',
      }),
      at(offset),
    ),
  )
  const locate: ClusterFileText['locate'] = (path, key) => {
    if (!tree) return undefined
    // A missing field is pointed at in the object that lacks it.
    let node: JsonNode | undefined
    for (let depth = path.length; depth >= 0 && !node; depth--)
      node = findNodeAtLocation(tree, path.slice(0, depth))
    if (key !== undefined && node?.type === 'object') {
      const property = node.children?.find((child) => child.children?.[0]?.value === key)
      if (property) return at(property.offset)
    }
    return node ? at(node.parent?.type === 'property' ? node.parent.offset : node.offset) : undefined
  }
  if (text.trim() === '') return { problems: [problem('(file)', msg('clusterFile.empty'))], locate }
  // The first syntax error only: the ones after it are usually its echoes ("{a:1}" gives three).
  const first = errors[0]
  if (first) {
    const where = at(first.offset)
    const what = SYNTAX_TEXTS[printParseErrorCode(first.error)] ?? msg('clusterFile.invalidSymbol')
    problems.push(problem('(file)', msg('clusterFile.syntax', { ...where, problem: what }), where))
    problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0))
    return { problems, locate }
  }
  if (tree) repeatedKeys(tree, [], at, problems)
  return { value: tree ? getNodeValue(tree) : undefined, problems, locate }
}
