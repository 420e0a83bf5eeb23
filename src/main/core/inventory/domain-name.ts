import { XMLParser } from 'fast-xml-parser'

/**
 * A domain's exact name. libvirt refuses only '/' and newlines in a name, so "Windows 10 Pro",
 * "-x", "a'b\"c", "été ☃" or " padded " are all real names. The one place that gives it exactly, in
 * every libvirt version, is the domain's XML: `<name>` with &lt; &gt; &amp; &apos; &quot; escaped and
 * nothing trimmed. Commands never carry a name (they address the domain by UUID); names only travel
 * as data, from here to the inventory and the UI.
 */
const parser = new XMLParser({
  ignoreAttributes: true,
  // Blanks around a name are part of it.
  trimValues: false,
  parseTagValue: false,
  // Numeric character references (&#233;) too, should a writer use them.
  htmlEntities: true,
})

export function domainNameFromXml(xml: string): string | undefined {
  let document: unknown
  try {
    document = parser.parse(xml)
  } catch {
    return undefined
  }
  const domain = (document as { domain?: unknown } | undefined)?.domain
  if (!domain || typeof domain !== 'object') return undefined
  const name = (domain as { name?: unknown }).name
  return typeof name === 'string' && name !== '' ? name : undefined
}

/**
 * A valid document's root <domain> opening tag (after an optional XML declaration) whose first
 * child is a <name> holding plain text: no entity, no markup, no carriage return (the parser would
 * turn those into something else). The one shape libvirt's dumpxml prints.
 */
const PLAIN_NAME =
  /^\s*(?:<\?xml(?:\s[^<>]*)?\?>\s*)?<domain(?:\s+[^\s=<>/]+\s*=\s*(?:'[^'<]*'|"[^"<]*"))*\s*>\s*<name>([^<&\r]+)<\/name>/

type Ordered = Readonly<Record<string, unknown>>
const tagOf = (node: Ordered) => Object.keys(node).find((key) => key !== ':@')

/**
 * domainNameFromXml for a document already parsed (validated, `roots` its order-preserving tree):
 * the same answer without a parse of its own when the name is plain text in the one <domain>'s one
 * <name> (the text as written is then the name, blanks included); otherwise domainNameFromXml.
 */
export function domainNameOfParsed(xml: string, roots: readonly Ordered[]): string | undefined {
  const plain = PLAIN_NAME.exec(xml)?.[1]
  if (plain !== undefined) {
    const domains = roots.filter((node) => tagOf(node) === 'domain')
    const children = domains.length === 1 ? domains[0]!['domain'] : undefined
    if (Array.isArray(children) && children.filter((node: Ordered) => tagOf(node) === 'name').length === 1)
      return plain
  }
  return domainNameFromXml(xml)
}
