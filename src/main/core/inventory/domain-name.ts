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
