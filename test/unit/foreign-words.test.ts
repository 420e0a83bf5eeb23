/**
 * Issue 18: a sentence the user reads is ours (a message code); what a library, a tool or OVH said
 * in its own words is the message's `detail`, shown verbatim ("the host said", lang="en"). So an
 * error's words — a string `.message` (node, ssh2, zod, fetch, OVH's API, or an ApiError's English)
 * or a command's `.stderr` — never become a parameter of `msg(…)` (or an area's `…Msg(…)` helper),
 * where they would be set inside a French sentence. This reads src/main and src/shared with the type checker: a
 * `.message` that is a Message (a check's) is fine, a string one is not.
 */
import path from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const ROOT = path.resolve(__dirname, '../..')
const FOREIGN = new Set(['message', 'stderr'])

function program(): ts.Program {
  const file = ts.findConfigFile(ROOT, ts.sys.fileExists, 'tsconfig.node.json')!
  const config = ts.readConfigFile(file, ts.sys.readFile)
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT)
  return ts.createProgram(parsed.fileNames, { ...parsed.options, noEmit: true, incremental: false })
}

function isMessageCall(node: ts.Node): node is ts.CallExpression {
  return (
    ts.isCallExpression(node) &&
    ts.isIdentifier(node.expression) &&
    /^(msg|\w+Msg)$/.test(node.expression.text)
  )
}

/**
 * `common.untranslated` is the one marked way to pass English not converted yet (older records and
 * errors): the pseudo-locale walk shows it unmarked, so it is found on screen rather than here.
 */
function isUntranslated(node: ts.CallExpression): boolean {
  const [code] = node.arguments
  return code !== undefined && ts.isStringLiteral(code) && code.text === 'common.untranslated'
}

function calleeName(node: ts.CallExpression): string {
  return ts.isIdentifier(node.expression) ? node.expression.text : ''
}

/** String `.message`/`.stderr` reads inside a message's parameters (a detail or a nested msg is not). */
function foreignWords(checker: ts.TypeChecker, source: ts.SourceFile): string[] {
  const found: string[] = []
  const inParams = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && (calleeName(node) === 'withDetail' || isMessageCall(node))) return
    if (ts.isPropertyAccessExpression(node) && FOREIGN.has(node.name.text)) {
      const type = checker.getTypeAtLocation(node)
      const nonNull = checker.getNonNullableType(type)
      if (nonNull.flags & ts.TypeFlags.StringLike || checker.typeToString(nonNull) === 'string') {
        const { line } = source.getLineAndCharacterOfPosition(node.getStart())
        found.push(`${path.relative(ROOT, source.fileName)}:${line + 1} ${node.getText()}`)
      }
    }
    ts.forEachChild(node, inParams)
  }
  const visit = (node: ts.Node): void => {
    if (isMessageCall(node) && !isUntranslated(node))
      for (const argument of node.arguments.slice(1))
        if (ts.isObjectLiteralExpression(argument)) ts.forEachChild(argument, inParams)
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

describe('foreign words are a detail, never a parameter', () => {
  it('no msg(…) in src/main or src/shared takes an error’s .message or a command’s .stderr as a parameter', () => {
    const built = program()
    const checker = built.getTypeChecker()
    const mains = built.getSourceFiles().filter((source) => /\/src\/(main|shared)\//.test(source.fileName))
    // The walk must have found the core, or the test would pass on nothing.
    expect(mains.length).toBeGreaterThan(100)
    const found = mains.flatMap((source) => foreignWords(checker, source))
    expect(found, 'pass it as the detail: withDetail(msg(…), error.message)').toEqual([])
  }, 120_000)
})
