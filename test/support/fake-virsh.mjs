// A stand-in for `virsh -r -c qemu:///system '<cmd> ; <cmd> ; …'` in unit tests, so the host's side of
// a batch (the sh/awk/sha256sum script around virsh) runs for real here. It answers from a recorded
// batch (FAKE_VIRSH_RECORDING: the lab's, libvirt 9.0.0): the text recorded under the section whose
// marker it echoed last. `dumpxml --inactive <uuid>` prints FAKE_VIRSH_DEFS/<uuid>.xml when that file
// exists (a definition changed on the host), else the recorded `xml:<uuid>` section; an unknown
// domain is virsh's own error. A `list` in a section not recorded (a first read's listing) prints the
// recorded list's UUIDs. Every command line it ran is appended to FAKE_VIRSH_LOG.
import fs from 'node:fs'
import process from 'node:process'

const commandString = process.argv.at(-1) ?? ''
const recording = fs.readFileSync(process.env.FAKE_VIRSH_RECORDING ?? '', 'utf8')
const recorded = new Map()
for (const part of recording.split('@@hyperdesk-section ').slice(1)) {
  const newline = part.indexOf('\n')
  recorded.set(part.slice(0, newline).trim(), part.slice(newline + 1))
}
if (process.env.FAKE_VIRSH_LOG) fs.appendFileSync(process.env.FAKE_VIRSH_LOG, `${commandString}\n`)

let section = ''
let status = 0
for (const command of commandString.split(' ; ')) {
  const words = command.split(' ')
  status = 0
  if (words[0] === 'echo') {
    const text = words.slice(1).join(' ')
    if (text.startsWith('@@hyperdesk-section ')) section = text.slice('@@hyperdesk-section '.length)
    process.stdout.write(`${text}\n`)
  } else if (words[0] === 'dumpxml' && words[1] === '--inactive') {
    const uuid = words[2] ?? ''
    const file = `${process.env.FAKE_VIRSH_DEFS ?? ''}/${uuid}.xml`
    const xml = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : recorded.get(`xml:${uuid}`)
    if (xml === undefined) {
      process.stdout.write(`error: failed to get domain '${uuid}'\n`)
      status = 1
    } else process.stdout.write(xml)
  } else if (words[0] === 'list' && !recorded.has(section)) {
    // A listing in a section not recorded (a first read's): the recorded list's UUIDs, all of them
    // with --all, else the active ones (those whose recorded display is not an error).
    const uuids = (recorded.get('list') ?? '')
      .split('\n')
      .map((line) => line.split(' ')[0])
      .filter(Boolean)
    const active = (uuid) => !(recorded.get(`display:${uuid}`) ?? 'error').startsWith('error')
    for (const uuid of uuids) if (words.includes('--all') || active(uuid)) process.stdout.write(`${uuid}\n`)
  } else {
    process.stdout.write(recorded.get(section) ?? '')
  }
}
process.exit(status)
