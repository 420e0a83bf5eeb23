/**
 * readDomainXml (one parse for a definition's name, reading and canonical form) gives exactly what
 * the three separate readers give: domainNameFromXml (exact, untrimmed name, entities decoded),
 * parseDomainXml (its definition, or its refusal with the same words) and canonicalDomainXml (what
 * drift compares), on libvirt's own output, hostile names and malformed or unusual documents.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { domainNameFromXml } from '../../src/main/core/inventory/domain-name'
import {
  canonicalDomainXml,
  DomainXmlError,
  parseDomainXml,
  readDomainXml,
} from '../../src/main/core/inventory/domain-xml'

const FIXTURES = path.resolve(__dirname, '../fixtures/libvirt-9.0.0')
const from = { host: 'hv1', vm: '1ab0c0de-0000-4000-8000-0000000000ff' }

/** Every definition in the recorded batches and files. */
function recorded(): string[] {
  const out: string[] = []
  for (const file of fs.readdirSync(FIXTURES)) {
    const text = fs.readFileSync(path.join(FIXTURES, file), 'utf8')
    if (file.endsWith('.xml') && text.includes('<domain ')) out.push(text)
    if (file.startsWith('batch-'))
      for (const section of text.split(/^@@hyperdesk-section .*$/m))
        if (section.trimStart().startsWith('<domain ')) out.push(section.trim())
  }
  for (const file of fs.readdirSync(path.resolve(__dirname, 'fixtures/libvirt')))
    if (file.endsWith('.xml')) {
      const text = fs.readFileSync(path.resolve(__dirname, 'fixtures/libvirt', file), 'utf8')
      if (text.includes('<domain')) out.push(text)
    }
  return out
}

/** What the three readers say of a document. */
function separately(xml: string) {
  const name = domainNameFromXml(xml)
  try {
    const definition = parseDomainXml(xml, { host: from.host, vm: name ?? from.vm })
    return { name, definition, canonical: canonicalDomainXml(xml) }
  } catch (error) {
    if (!(error instanceof DomainXmlError)) throw error
    return { name, error: error.toData() }
  }
}

function together(xml: string) {
  const read = readDomainXml(xml, from)
  return 'error' in read ? { name: read.name, error: read.error.toData() } : read
}

const LABVM1 = fs.readFileSync(path.join(FIXTURES, 'labvm1-inactive.xml'), 'utf8')
const withName = (raw: string) => LABVM1.replace(/<name>[^<]*<\/name>/, raw)

const NAMES = [
  '<name>Windows 10 Pro</name>',
  '<name> lead and trail </name>',
  '<name>   </name>',
  '<name></name>',
  '<name>tab\tinside</name>',
  '<name>été ☃</name>',
  '<name>a&apos;b&quot;c</name>',
  '<name>&lt;tag&gt;&amp;amp; &quot;q&quot;</name>',
  '<name>caf&#233; &#x2603;</name>',
  '<name>&eacute;t&eacute;</name>',
  '<name>a&unknown;b</name>',
  '<name>cr\r\nlf</name>',
  '<name><![CDATA[ in cdata ]]></name>',
  '<name>a<!-- note -->b</name>',
  '<name lang="fr">attribute</name>',
  '<name>one</name>\n  <name>two</name>',
  '<name>x<b/>y</name>',
  '',
]

describe('one parse for a definition', () => {
  it('reads every recorded definition as the three readers do', () => {
    const all = recorded()
    expect(all.length).toBeGreaterThan(15)
    for (const xml of all) expect(together(xml)).toStrictEqual(separately(xml))
  })

  it.each(NAMES)('reads the name %j exactly as before', (raw) => {
    const xml = withName(raw)
    expect(together(xml)).toStrictEqual(separately(xml))
  })

  it('keeps names exact: blanks, entities, unicode', () => {
    expect(readDomainXml(withName('<name> lead and trail </name>'), from).name).toBe(' lead and trail ')
    expect(readDomainXml(withName('<name>&lt;tag&gt;&amp;amp;</name>'), from).name).toBe('<tag>&amp;')
    expect(readDomainXml(withName('<name>caf&#233;</name>'), from).name).toBe('café')
    expect(readDomainXml(withName('<name>été ☃</name>'), from).name).toBe('été ☃')
  })

  it('refuses a truncated definition at every cut, with the same words and name', () => {
    for (let cut = 1; cut < LABVM1.length - 12; cut += 37) {
      const xml = LABVM1.slice(0, cut)
      const read = together(xml)
      expect(read).toStrictEqual(separately(xml))
      expect('error' in read).toBe(true)
    }
  })

  it('reads documents with comments, a declaration, a doctype, odd attributes as before', () => {
    const variants = [
      `<!-- written by hand -->\n${LABVM1}`,
      LABVM1.replace('<devices>', '<devices>\n    <!-- the disks -->'),
      LABVM1.replace('<vcpu', '<!-- c --><vcpu'),
      `<?xml version="1.0" encoding="UTF-8"?>\n${LABVM1}`,
      `<?xml version='1.0'?><!DOCTYPE domain>\n${LABVM1}`,
      LABVM1.replace("<domain type='kvm'>", `<domain type='kvm' id="7" note='a > b'>`),
      LABVM1.replace("<domain type='kvm'>", `<domain\n  type = 'kvm'>`),
      `${LABVM1}\n<domain type='kvm'><name>second</name></domain>`,
      LABVM1.replace('<devices>', '<devices>\n<disk/>'),
      LABVM1.replace(/<uuid>[^<]*<\/uuid>/, ''),
      LABVM1.replace(/<name>/, '<name>&#13;'),
      LABVM1.replace('</devices>', "<graphics type='vnc' passwd='s&amp;cret'/></devices>"),
    ]
    for (const xml of variants) expect(together(xml)).toStrictEqual(separately(xml))
  })
})
