import { ApiError } from '../../../shared/errors'
import { msg } from '../../../shared/messages/message'
import { HYPERDESK_METADATA_NS, parseDomainXml } from '../inventory/domain-xml'
import { escapeXml } from './builder'

/**
 * A VM's clone keeps its source's definition (devices, CPU model, machine type, VNC settings…) with
 * what must differ: the name, the UUID, every NIC's MAC, the RBD disk's source (the clone's image), a
 * serial log file named after the source (the clone would write into the source's log), a fixed VNC
 * port (two VMs on one host would fight for it: the clone takes an automatic one), Hyperdesk's
 * failover IP (a failover IP belongs to one VM: the clone's is the one given, or none) and the
 * creation job that made the source. An edit in place, by the tags' text (as domain-xml.ts's
 * error_policy): everything else stays what the host printed. The result is parsed back and checked.
 */

export interface CloneEdits {
  sourceName: string
  name: string
  uuid: string
  /** One MAC per <interface>, in their order. */
  macs: readonly string[]
  /** The source's disk (POOL/IMAGE) and the clone's. */
  disk: { from: string; to: string }
  failoverIp?: string
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

const SETTING = (name: string) =>
  new RegExp(`\\s*<(\\w+:)?setting\\s+name=(['"])${name}\\2\\s*>[^<]*</\\1setting>`, 'g')

function withFailoverIp(xml: string, failoverIp: string | undefined): string {
  let out = xml.replace(SETTING('failoverIp'), '').replace(SETTING('createdBy'), '')
  if (!failoverIp) return out
  const setting = `<hd:setting name="failoverIp">${escapeXml(failoverIp)}</hd:setting>`
  const vmBlock = /<(\w+):vm\b[^>]*xmlns:\1=(['"])https:\/\/hyperdesk\.app\/xmlns\/vm\/1\2[^>]*>/
  const found = vmBlock.exec(out)
  if (found) {
    const prefix = found[1]!
    return out.replace(found[0], `${found[0]}\n      ${setting.replace(/hd:/g, `${prefix}:`)}`)
  }
  const block = `<hd:vm xmlns:hd="${HYPERDESK_METADATA_NS}">\n      ${setting}\n    </hd:vm>`
  if (/<metadata\s*\/>/.test(out))
    return out.replace(/<metadata\s*\/>/, `<metadata>\n    ${block}\n  </metadata>`)
  if (/<metadata>/.test(out)) return out.replace('<metadata>', `<metadata>\n    ${block}`)
  out = out.replace(/(<\/uuid>)/, `$1\n  <metadata>\n    ${block}\n  </metadata>`)
  return out
}

/** The clone's definition from the source's (`dumpxml --inactive --security-info`), checked. */
export function clonedDomainXml(xml: string, edits: CloneEdits): string {
  let out = xml
    .replace(/<name>[^<]*<\/name>/, `<name>${escapeXml(edits.name)}</name>`)
    .replace(/<uuid>[^<]*<\/uuid>/, `<uuid>${escapeXml(edits.uuid)}</uuid>`)
  let nic = 0
  out = out.replace(/<interface\b[^>]*>[\s\S]*?<\/interface>/g, (block) => {
    const mac = edits.macs[nic++]
    if (!mac) return block
    return block.replace(/<mac\s+address=(['"])[^'"]*\1/, `<mac address='${escapeXml(mac)}'`)
  })
  out = out.replace(
    new RegExp(`(<source\\b[^>]*\\bname=)(['"])${escapeRegExp(edits.disk.from)}\\2`, 'g'),
    `$1$2${escapeXml(edits.disk.to)}$2`,
  )
  // A log file named after the source is renamed after the clone; any other log file is dropped.
  out = out.replace(/\s*<log\s+file=(['"])([^'"]*)\1([^>]*)\/>/g, (whole, quote: string, path: string) => {
    const base = path.split('/').pop() ?? ''
    if (!base.startsWith(edits.sourceName)) return ''
    const renamed =
      path.slice(0, path.length - base.length) + edits.name + base.slice(edits.sourceName.length)
    return whole.replace(`${quote}${path}${quote}`, `${quote}${escapeXml(renamed)}${quote}`)
  })
  out = out.replace(/<graphics\b[^>]*>/g, (tag) =>
    /\sautoport=(['"])no\1/.test(tag) || (/\sport=(['"])\d+\1/.test(tag) && !/autoport=/.test(tag))
      ? tag
          .replace(/\sport=(['"])[^'"]*\1/, " port='-1'")
          .replace(/\sautoport=(['"])[^'"]*\1/, '')
          .replace(/<graphics\b/, "<graphics autoport='yes'")
      : tag,
  )
  out = withFailoverIp(out, edits.failoverIp)
  const parsed = parseDomainXml(out)
  const sources = parsed.disks.flatMap((disk) => (disk.rbd ? [`${disk.rbd.pool}/${disk.rbd.image}`] : []))
  const problems = [
    parsed.name !== edits.name && 'name',
    parsed.uuid !== edits.uuid && 'uuid',
    (parsed.nics.length !== edits.macs.length ||
      parsed.nics.some((entry, index) => entry.mac.toLowerCase() !== edits.macs[index])) &&
      'MAC addresses',
    (!sources.includes(edits.disk.to) || sources.includes(edits.disk.from)) && 'disk',
    (parsed.hyperdesk['failoverIp'] ?? undefined) !== edits.failoverIp && 'failover IP',
  ].filter((problem): problem is string => typeof problem === 'string')
  if (problems.length > 0)
    throw ApiError.of('internal', msg('vmdefErrors.cloneReadBack', { name: edits.name, fields: problems }), {
      step: msg('errorSteps.editDefinition'),
    })
  return out
}
