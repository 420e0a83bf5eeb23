import fs from 'node:fs'
import path from 'node:path'

/**
 * Checks requests and answers against OVH's published schema (schema/*.json, verbatim, see
 * schema/SOURCE.md): the operation must exist for that method and path, parameters must be the
 * declared ones with the declared types (ipBlock, ipv4, long, enums…), bodies carry no unknown
 * field, and answers have the declared response type, model by model. The double answers 500 and
 * records the violation when its own answer breaks the schema, so a lab test fails loudly.
 */

interface Parameter {
  name?: string | null
  dataType: string
  paramType: 'path' | 'query' | 'body'
  required: boolean
}
interface Operation {
  httpMethod: string
  parameters: Parameter[]
  responseType: string
  noAuthentication: boolean
}
interface Api {
  path: string
  operations: Operation[]
}
interface Model {
  enum?: string[]
  properties?: Record<string, { type: string; canBeNull: boolean }>
}
interface SchemaDocument {
  apis: Api[]
  models: Record<string, Model>
}

export const SCHEMA_FILES = ['ip.json', 'dedicated-server.json', 'auth.json'] as const

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/

export interface MatchedOperation {
  template: string
  operation: Operation
  pathParams: Record<string, string>
}

export class OvhSchema {
  private readonly apis: { template: string; pattern: RegExp; names: string[]; operations: Operation[] }[] =
    []
  private readonly models: Record<string, Model> = {}

  constructor(dir = path.join(__dirname, 'schema')) {
    for (const file of SCHEMA_FILES) {
      const document = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as SchemaDocument
      Object.assign(this.models, document.models)
      for (const api of document.apis) {
        const names: string[] = []
        const pattern = new RegExp(
          '^' +
            api.path
              .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
              .replace(/\\?\{([A-Za-z]+)\\?\}/g, (_, name: string) => {
                names.push(name)
                return '([^/]+)'
              }) +
            '$',
        )
        this.apis.push({ template: api.path, pattern, names, operations: api.operations })
      }
    }
  }

  /** The operation for a method and a raw (encoded) path; the most literal template wins. */
  match(method: string, rawPath: string): MatchedOperation | undefined {
    const candidates = this.apis
      .map((api) => ({ api, match: api.pattern.exec(rawPath) }))
      .filter((c) => c.match && c.api.operations.some((op) => op.httpMethod === method))
      .sort((a, b) => a.api.names.length - b.api.names.length)
    const best = candidates[0]
    if (!best) return undefined
    const pathParams: Record<string, string> = {}
    best.api.names.forEach((name, index) => (pathParams[name] = decodeURIComponent(best.match![index + 1]!)))
    return {
      template: best.api.template,
      operation: best.api.operations.find((op) => op.httpMethod === method)!,
      pathParams,
    }
  }

  /** Problems of a request for a matched operation (empty when it conforms). */
  checkRequest(matched: MatchedOperation, query: URLSearchParams, body: unknown): string[] {
    const problems: string[] = []
    const where = `${matched.operation.httpMethod} ${matched.template}`
    for (const p of matched.operation.parameters.filter((p) => p.paramType === 'path'))
      problems.push(
        ...this.check(
          scalarFromText(matched.pathParams[p.name!] ?? '', p.dataType),
          p.dataType,
          false,
          `${where} path ${p.name}`,
        ),
      )
    const declaredQuery = matched.operation.parameters.filter((p) => p.paramType === 'query')
    for (const key of query.keys())
      if (!declaredQuery.some((p) => p.name === key))
        problems.push(`${where}: undeclared query parameter ${key}`)
    for (const p of declaredQuery) {
      const value = query.get(p.name!)
      if (value === null) {
        if (p.required) problems.push(`${where}: missing required query parameter ${p.name}`)
        continue
      }
      problems.push(
        ...this.check(scalarFromText(value, p.dataType), p.dataType, false, `${where} query ${p.name}`),
      )
    }
    const bodyParams = matched.operation.parameters.filter((p) => p.paramType === 'body')
    if (bodyParams.length === 0) {
      if (body !== undefined) problems.push(`${where}: a body was sent to an operation that takes none`)
    } else if (bodyParams.length === 1 && !bodyParams[0]!.name) {
      problems.push(...this.check(body, bodyParams[0]!.dataType, false, `${where} body`))
    } else {
      if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
        if (bodyParams.some((p) => p.required)) problems.push(`${where}: the body must be a JSON object`)
      } else {
        const record = body as Record<string, unknown>
        for (const key of Object.keys(record))
          if (!bodyParams.some((p) => p.name === key)) problems.push(`${where}: undeclared body field ${key}`)
        for (const p of bodyParams) {
          if (record[p.name!] === undefined) {
            if (p.required) problems.push(`${where}: missing required body field ${p.name}`)
            continue
          }
          problems.push(...this.check(record[p.name!], p.dataType, true, `${where} body ${p.name}`))
        }
      }
    }
    return problems
  }

  checkResponse(matched: MatchedOperation, body: unknown): string[] {
    const type = matched.operation.responseType
    const where = `${matched.operation.httpMethod} ${matched.template} answer`
    if (type === 'void')
      return body === null || body === undefined ? [] : [`${where}: void operation answered a body`]
    return this.check(body, type, false, where)
  }

  /** Type-checks a value against an OVH type name. */
  check(value: unknown, type: string, nullable: boolean, where: string): string[] {
    if (value === null || value === undefined)
      return nullable ? [] : [`${where}: null where ${type} is required`]
    if (type.endsWith('[]')) {
      if (!Array.isArray(value)) return [`${where}: expected ${type}, got ${typeof value}`]
      return value.flatMap((item, index) => this.check(item, type.slice(0, -2), false, `${where}[${index}]`))
    }
    const fail = (what: string): string[] => [`${where}: ${JSON.stringify(value)} is not ${what}`]
    switch (type) {
      case 'string':
      case 'text':
      case 'password':
      case 'macAddress':
        return typeof value === 'string' ? [] : fail(type)
      case 'long':
      case 'int':
        return Number.isInteger(value) ? [] : fail(type)
      case 'double':
        return typeof value === 'number' ? [] : fail(type)
      case 'boolean':
        return typeof value === 'boolean' ? [] : fail(type)
      case 'datetime':
      case 'date':
        return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? [] : fail(type)
      case 'ipv4':
        return typeof value === 'string' && IPV4.test(value) ? [] : fail('an ipv4')
      case 'ip':
      case 'ipBlock': {
        if (typeof value !== 'string') return fail(type)
        const [address, prefix] = value.split('/')
        const ok =
          IPV4.test(address ?? '') && (prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= 32))
        return ok || value.includes(':') ? [] : fail(`an ${type}`)
      }
    }
    const model = this.models[type]
    if (!model) {
      if (type.includes('<') || type.startsWith('map[')) return [] // generic and map types: not used here
      return [`${where}: unknown type ${type} in the schema`]
    }
    if (model.enum)
      return typeof value === 'string' && model.enum.includes(value)
        ? []
        : fail(`one of ${model.enum.join('|')}`)
    if (typeof value !== 'object' || Array.isArray(value)) return fail(`a ${type} object`)
    const properties = model.properties ?? {}
    const problems: string[] = []
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      const property = properties[key]
      if (!property) {
        problems.push(`${where}: ${type} has no property ${key}`)
        continue
      }
      problems.push(...this.check(item, property.type, property.canBeNull, `${where}.${key}`))
    }
    return problems
  }
}

function scalarFromText(text: string, type: string): unknown {
  if (type === 'long' || type === 'int' || type === 'double')
    return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text
  if (type === 'boolean') return text === 'true' ? true : text === 'false' ? false : text
  return text
}
