import type { BatchSection, Sections } from '../../src/main/core/remote/framing'
import { SECTION_MARKER, splitBatchOutput } from '../../src/main/core/remote/framing'

/**
 * What the host's virsh session (remote/virsh-session.ts) answers, from what a batch answered: a
 * batch's virsh prints an empty line after a command's output, which the session's prompt leaves out
 * (the lab shows it for dumpxml: host-inventory.ts, sessionFingerprintOf).
 */
export function asSessionAnswer(batch: Sections): Sections {
  return new Map([...batch].map(([id, answer]) => [id, { ...answer, text: answer.text.replace(/\n$/, '') }]))
}

/**
 * A virsh session answering from a recorded batch (the lab's, `@@hyperdesk-section <id>` then its
 * text): each section asked gets the text recorded under its id; a first read's listing (`every`,
 * `active`: host-inventory.ts, firstReadListing) gets the recorded list's UUIDs, the active ones being
 * those with a recorded display.
 */
export function recordedSession(recording: string): (sections: readonly BatchSection[]) => Sections {
  const raw = new Map<string, string>()
  for (const part of recording.split(SECTION_MARKER).slice(1)) {
    const newline = part.indexOf('\n')
    raw.set(part.slice(0, newline).trim(), part.slice(newline + 1))
  }
  const every = (raw.get('list') ?? '')
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((word) => /^[0-9a-f-]{36}$/.test(word))
  const active = every.filter((uuid) => !(raw.get(`display:${uuid}`) ?? 'error').startsWith('error'))
  const listings: Record<string, string[]> = { every, active }
  return (sections) => {
    const text = (id: string) => {
      const listing = listings[id]
      return listing ? listing.map((uuid) => `${uuid}\n`).join('') : (raw.get(id) ?? '')
    }
    const stdout = sections.map(({ id }) => `${SECTION_MARKER}${id}\n${text(id)}`).join('')
    return asSessionAnswer(splitBatchOutput(stdout, { sections, exitCode: 0 }))
  }
}
