import { randomBytes } from 'node:crypto'
import { virshCommandString } from './quote'

/**
 * The one framing of remote output. Several questions go to a host in one exec (or one line of a
 * long-lived virsh), each printed after a marker; this module writes the markers and judges what came
 * back, section by section:
 * - a section's "error:" lines are its errors (virsh returns only the last command's exit status);
 * - a section whose marker never came is missing ("no answer");
 * - a section the output ended inside (the exec's exit status says it was cut) is truncated;
 * - a marker line printed by a command's OUTPUT (a VM description can hold any text) is spoofing:
 *   a section is trusted only when its marker appears once and so does the marker after it. Anything
 *   else is an error of that section, never a silently different answer. (In the batch, whose markers
 *   carry no nonce, a forged marker of an id that was NOT asked only cuts the section holding it
 *   short: for a definition, that is an XML that does not parse, reported on the VM.)
 * The framings (same judgement, three wire forms the hosts' tools impose):
 * - virsh command-string batch, one exec: `virsh 'echo @@hyperdesk-section <id> ; <command> ; …'`;
 *   its digested form (virshDigestedBatchArgv) answers some sections by the SHA-256 of their output,
 *   hashed on the host, in one `digests` section first (definition fingerprints);
 * - the long-lived virsh session: markers carrying a random nonce (virshSessionLines);
 * - POSIX sh scripts whose parts report their own exit status: `@@begin <id>` … `@@end <id> <rc>`
 *   (SHELL_SECTIONS, for the doctor), one exit-status line for a streamed command (exitFramed), and
 *   one line per present path (pathsArgv, and with qemu-img's chain sections and virsh's
 *   volume sections after them: startFilesArgv).
 */

/** One question of a framed exec: a section id and its command (virsh verb and arguments). */
export interface BatchSection {
  /** Identifies the section in the output; [A-Za-z0-9:._-] only. */
  id: string
  command: readonly string[]
}

/** A section's answer: its output, and its errors ("error:" lines, or what the framing found wrong). */
export interface SectionAnswer {
  text: string
  errors: string[]
  /**
   * The output as virsh printed it, "error:" lines in place, when it held both those and other text
   * (the session's answers: parseAnswer). An output can hold such a line of its own: a VM's
   * description is free text, so its XML can have a line that starts with "error: ".
   */
  printed?: string
}

/** Each section's answer, by id. */
export type Sections = Map<string, SectionAnswer>

export const SECTION_ID = /^[A-Za-z0-9:._-]+$/

/** What the framing says of a section it could not delimit (its errors; see sectionError). */
export const FRAMING_ERRORS = {
  missing: 'no answer',
  truncated: 'the output ended inside this section (the command was cut short)',
  spoofed: "a marker line appeared in a command's output: this section's answer cannot be trusted",
} as const

function checkId(id: string, what: string): void {
  if (!SECTION_ID.test(id)) throw new Error(`${what} section id ${JSON.stringify(id)} is not safe`)
}

// ---------------------------------------------------------------------------------------------
// The judgement common to every framing.

interface Mark {
  id: string
  /** Where the marker starts, and where its section's body starts (units of the caller's choice). */
  at: number
  body: number
}

type Delimited = { from: number; to: number } | { problem: keyof typeof FRAMING_ERRORS }

/**
 * Delimits each expected section between its marker and the next one. A command's output can print
 * a line that looks like a marker; for an expected id the real marker is then printed too, so an id
 * seen twice is spoofed, and so is the section before a doubled marker (the forgery may sit in its
 * output). `end` is where the output stops; `complete` says whether it stopped normally (exit status,
 * end marker): the last section is truncated otherwise, or when an expected section never came.
 */
function delimit(
  expected: readonly string[],
  marks: readonly Mark[],
  end: number,
  complete: boolean,
): Map<string, Delimited> {
  const count = new Map<string, number>()
  for (const mark of marks) count.set(mark.id, (count.get(mark.id) ?? 0) + 1)
  const allCame = expected.every((id) => count.has(id))
  const result = new Map<string, Delimited>()
  for (const id of expected) {
    const seen = count.get(id) ?? 0
    if (seen !== 1) {
      result.set(id, { problem: seen === 0 ? 'missing' : 'spoofed' })
      continue
    }
    const at = marks.findIndex((mark) => mark.id === id)
    const mark = marks[at] as Mark
    const next = marks[at + 1]
    if (next === undefined)
      result.set(id, complete && allCame ? { from: mark.body, to: end } : { problem: 'truncated' })
    else if ((count.get(next.id) ?? 0) > 1) result.set(id, { problem: 'spoofed' })
    else result.set(id, { from: mark.body, to: next.at })
  }
  return result
}

/** One section's output lines: those starting with "error:" are its errors, the rest its text. */
export function judgeSection(lines: readonly string[]): SectionAnswer {
  const kept: string[] = []
  const errors: string[] = []
  for (const line of lines) {
    if (line.startsWith('error: ')) errors.push(line.slice('error: '.length))
    else kept.push(line)
  }
  return { text: kept.join('\n'), errors }
}

/** The ids in the order their markers first appear (when the caller does not say what it asked). */
function idsInOrder(marks: readonly Mark[]): string[] {
  return [...new Set(marks.map((mark) => mark.id))]
}

// ---------------------------------------------------------------------------------------------
// virsh command-string batch: one exec, one virsh, one libvirt connection.

export const SECTION_MARKER = '@@hyperdesk-section '

/** The batch as virsh commands: each section's command after an `echo` of its marker. */
export function batchCommands(sections: readonly BatchSection[]): string[][] {
  return sections.flatMap(({ id, command }) => {
    checkId(id, 'batch')
    return [['echo', SECTION_MARKER.trim(), id], [...command]]
  })
}

/**
 * The argv of a read-only virsh batch: stderr merged into stdout, both line-buffered, so each error
 * lands in its own section. `name` is the script's $0 (what `ps` shows on the host).
 */
export function virshBatchArgv(sections: readonly BatchSection[], name: string): string[] {
  return [
    'sh',
    '-c',
    'exec stdbuf -oL -eL "$@" 2>&1',
    name,
    'virsh',
    '-r',
    '-c',
    'qemu:///system',
    virshCommandString(batchCommands(sections)),
  ]
}

/** The section of a digested batch that holds the digests: `<sha256 hex>  <id>` per line. */
export const DIGESTS_SECTION = 'digests'

/** The digests section's line that gives the gate's listing: `@listing <cksum>[ unchanged]`. */
const LISTING_LINE = '@listing'
/** A listing as the gate gives it: the directory's `ls -li --full-time | cksum`, `<sum>-<size>`. */
const LISTING = '[0-9]+-[0-9]+'
export const isListing = (text: string): boolean => new RegExp(`^${LISTING}$`).test(text)

/**
 * The host's side of a digested batch ($0 the name, $1 the nonce, $2 the listing last seen, $3 the
 * directory whose listing gates the digests, $4 virsh's command string without the digested
 * sections, then virsh's argv, whose last word is the command string with them). First the gate: the directory's listing (names, sizes, inodes,
 * times to the nanosecond) is summed; when it is the one the core last saw, nothing there changed,
 * so the digests are skipped and virsh runs the batch alone (the steady refresh of 300 definitions per
 * host then costs an `ls`, not 300 dumpxml and their hashing). Otherwise virsh's output goes to a file;
 * awk moves each digested section's body (between nonce markers, which no command's output can forge)
 * to a file of its own named by its id, and passes the rest through; sha256sum then hashes those files
 * in one process (a fork per domain would cost more than the batch). The digests are printed first,
 * as their own section with the listing's sum, so the batch's own sections keep their order, and the
 * exit status stays virsh's (its last command is the batch's last section, as in a plain batch).
 * Those files live in memory (/dev/shm, a tmpfs on every Linux host; the temporary directory only
 * where it cannot be used): a file created, filled and removed per definition on a disk's file
 * system cost the host half as much CPU again as virsh's own work (lab, 300 definitions: virsh 0.22 s,
 * the script around it 0.11 s more in /tmp, 0.05 s in /dev/shm), the most of what made the refresh
 * taking every fingerprint slower than a hand batch that sends every XML. timeout's TERM, a hang-up,
 * or a write to a channel the app closed (SIGPIPE: the app quit or lost the host mid-refresh) ends the
 * script through its EXIT trap, so a refresh cut short leaves nothing in memory.
 */
const DIGEST_SCRIPT = [
  'n=$1; k=$2; g=$3; plain=$4; shift 4',
  `if [ -n "$g" ] && l=$(ls -li --full-time -- "$g" 2>/dev/null); then l=$(printf '%s\\n' "$l" | cksum); l=\${l%% *}-\${l##* }; else l=-; fi`,
  'if [ "$l" != - ] && [ "$l" = "$k" ]; then',
  `  echo '${SECTION_MARKER}${DIGESTS_SECTION}'; echo "${LISTING_LINE} $l unchanged"`,
  '  exec stdbuf -oL -eL "$1" "$2" "$3" "$4" "$plain" 2>&1',
  'fi',
  'd=$(mktemp -d -p /dev/shm hyperdesk-digests.XXXXXXXX 2>/dev/null || mktemp -d -t hyperdesk-digests.XXXXXXXX) || exit 125',
  `trap 'rm -rf "$d"' EXIT`,
  `trap 'exit 143' HUP INT PIPE TERM`,
  'stdbuf -oL -eL "$@" >"$d/out" 2>&1; rc=$?',
  'mkdir "$d/s"',
  `awk -v m="@@hyperdesk-digest-$n " -v d="$d/s/" '` +
    'index($0, m) == 1 { if (f != "") close(f); f = ""; id = substr($0, length(m) + 1); inside = id != "@end"; ' +
    'if (inside && id ~ /^[A-Za-z0-9:._-]+$/) { f = d id; printf "" > f }; next } ' +
    `inside { if (f != "") print > f; next } { print }' "$d/out" >"$d/rest"`,
  `echo '${SECTION_MARKER}${DIGESTS_SECTION}'; echo "${LISTING_LINE} $l"`,
  'cd "$d/s" && set -- * && if [ -e "$1" ]; then sha256sum -- "$@"; fi',
  'cat "$d/rest"',
  'exit "$rc"',
].join('\n')

/**
 * What gates a digested batch's digests: a directory whose listing changes with every digested
 * output (libvirt rewrites a definition's file at each change, raised as an event or not), and the
 * listing's sum when the digests were last taken (undefined: take them).
 */
export interface DigestGate {
  dir: string
  listing: string | undefined
}

/**
 * A read-only virsh batch whose `digested` sections are answered by the SHA-256 of their output,
 * computed on the host, instead of the output (a definition's fingerprint costs 64 bytes on the wire,
 * not its XML). The digests come as one more section, DIGESTS_SECTION, first (see `digestedAsked`);
 * `nonce` (sessionNonce) makes their markers unforgeable. With a `gate`, the host skips the digests
 * when the gate directory's listing is `gate.listing` (readListing says which it did). Without
 * digested sections this is virshBatchArgv.
 */
export function virshDigestedBatchArgv(
  sections: readonly BatchSection[],
  digested: readonly BatchSection[],
  name: string,
  nonce: string,
  gate?: DigestGate,
): string[] {
  if (digested.length === 0) return virshBatchArgv(sections, name)
  if (!/^[0-9a-f]{8,64}$/.test(nonce)) throw new Error('A digest nonce is hex')
  if (gate && !/^\/[A-Za-z0-9._/-]+$/.test(gate.dir))
    throw new Error('A digest gate is a plain absolute path')
  if (gate?.listing !== undefined && !isListing(gate.listing))
    throw new Error('A digest gate listing is a cksum')
  const marker = `@@hyperdesk-digest-${nonce}`
  const digests = digested.flatMap(({ id, command }) => {
    checkId(id, 'digested')
    return [['echo', marker, id], [...command]]
  })
  return [
    'sh',
    '-c',
    DIGEST_SCRIPT,
    name,
    nonce,
    // No word of an argv starts with "-" unless it is an option (remote/argv.ts).
    gate?.listing ?? 'none',
    gate?.dir ?? '',
    virshCommandString(batchCommands(sections)),
    // Four words: the gate's skip runs these with the command string above instead of the last.
    'virsh',
    '-r',
    '-c',
    'qemu:///system',
    // Digests first: a definition changed between its digest and its XML (read later in the same
    // batch) shows as a new digest at the next refresh, never as an old digest beside a new XML.
    virshCommandString([...digests, ['echo', marker, '@end'], ...batchCommands(sections)]),
  ]
}

/**
 * The gate's answer in a digested batch: the listing's sum the host found (undefined when it could
 * not list the directory) and whether it skipped the digests because the sum was the one given.
 */
export function readListing(sections: Sections): { listing: string | undefined; unchanged: boolean } {
  const none = { listing: undefined, unchanged: false }
  const section = sections.get(DIGESTS_SECTION)
  if (!section || section.errors.length > 0) return none
  const match = new RegExp(`^${LISTING_LINE} (${LISTING}|-)( unchanged)?$`, 'm').exec(section.text)
  if (!match || match[1] === '-') return none
  return { listing: match[1], unchanged: match[2] !== undefined }
}

/** The sections a digested batch answers, in their order: the digests, then the batch's own. */
export function digestedAsked(
  sections: readonly BatchSection[],
  digested: readonly unknown[],
): BatchSection[] {
  return digested.length === 0 ? [...sections] : [{ id: DIGESTS_SECTION, command: [] }, ...sections]
}

/** The digests section: id → lowercase SHA-256 hex. Lines that are not `<hex>  <id>` are ignored. */
export function parseDigests(text: string): Map<string, string> {
  const digests = new Map<string, string>()
  for (const line of text.split('\n')) {
    const match = /^([0-9a-f]{64}) [ *]([A-Za-z0-9:._-]+)$/.exec(line.trimEnd())
    if (match) digests.set(match[2]!, match[1]!)
  }
  return digests
}

/**
 * Judges a batch's combined output. With `asked` (the sections sent, and the exec's exit status when
 * known) every asked section gets an answer, missing, truncated and spoofed ones as errors; without
 * it, the sections are those whose markers appear (a recording read back).
 */
export function splitBatchOutput(
  output: string,
  asked?: { sections: readonly BatchSection[]; exitCode?: number | null },
): Sections {
  // The newline ending the output ends the last line: no empty line after it, so the last section
  // reads like every other one (a definition's fingerprint is computed from its text).
  const lines = output.endsWith('\n') ? output.slice(0, -1).split('\n') : output.split('\n')
  const marks: Mark[] = []
  lines.forEach((line, index) => {
    if (line.startsWith(SECTION_MARKER))
      marks.push({ id: line.slice(SECTION_MARKER.length).trim(), at: index, body: index + 1 })
  })
  const expected = asked ? asked.sections.map((section) => section.id) : idsInOrder(marks)
  const sections: Sections = new Map()
  for (const [id, place] of delimit(expected, marks, lines.length, true)) {
    if ('problem' in place) {
      // Read back without knowing what was asked, a missing section simply is not there.
      if (asked || place.problem !== 'missing')
        sections.set(id, { text: '', errors: [FRAMING_ERRORS[place.problem]] })
      continue
    }
    sections.set(id, judgeSection(lines.slice(place.from, place.to)))
  }
  // virsh's exit status is the last command's: a failure its section does not explain means the
  // batch was cut inside it.
  const lastId = expected.at(-1)
  const last = lastId === undefined ? undefined : sections.get(lastId)
  const exitCode = asked?.exitCode
  if (lastId && last && typeof exitCode === 'number' && exitCode !== 0 && last.errors.length === 0)
    sections.set(lastId, { text: last.text, errors: [`${FRAMING_ERRORS.truncated} (exit ${exitCode})`] })
  return sections
}

// ---------------------------------------------------------------------------------------------
// The long-lived virsh session: markers with a nonce, written as lines on virsh's stdin.

export function sessionNonce(): string {
  return randomBytes(8).toString('hex')
}

/**
 * A marker as virsh prints it, and the line that prints it. The line quotes part of the marker, so
 * the marker's text never appears in virsh's echo of the line: only in `echo`'s output.
 */
function sessionMarker(nonce: string, kind: 'section' | 'end', id = ''): { printed: string; line: string } {
  const rest = `-${kind}-${nonce}-${id}-@@`
  return { printed: `@@hd${rest}`, line: `echo '@@hd'${rest}` }
}

/** The lines to send (commands already checked by the session): marker and command, then the end. */
export function virshSessionLines(sections: readonly BatchSection[], nonce: string): string[] {
  if (sections.length === 0) throw new Error('A virsh query needs at least one section')
  const lines: string[] = []
  for (const { id, command } of sections) {
    checkId(id, 'virsh query')
    lines.push(sessionMarker(nonce, 'section', id).line, virshCommandString([command]))
  }
  lines.push(sessionMarker(nonce, 'end').line)
  return lines
}

/** Where a query's answer ends: the end marker's output. */
export function endOfAnswer(output: string, nonce: string): { at: number; next: number } | undefined {
  const { printed } = sessionMarker(nonce, 'end')
  const at = output.indexOf(printed)
  return at < 0 ? undefined : { at, next: at + printed.length }
}

const PROMPT = 'virsh # '
/**
 * What a long-lived virsh says about its connection as "error:" lines: after libvirtd restarted,
 * "Reconnected to the hypervisor" before the next command's own output. Not the command's error.
 */
const NOTICES = /^error: (Reconnected to the hypervisor|Disconnected from \S+ due to .+)$/

/**
 * Splits a session's answer (up to its end marker) into sections. After each section's marker come
 * virsh's echo of the command line (up to its newline), the command's output, then the prompt before
 * the next marker's line; lines starting with "error:" are the section's errors, as in a batch.
 */
export function parseAnswer(answer: string, nonce: string, sections: readonly BatchSection[]): Sections {
  const marks: Mark[] = []
  for (const { id } of sections) {
    const { printed } = sessionMarker(nonce, 'section', id)
    for (let at = answer.indexOf(printed); at >= 0; at = answer.indexOf(printed, at + printed.length))
      marks.push({ id, at, body: at + printed.length })
  }
  marks.sort((a, b) => a.at - b.at)
  const parsed: Sections = new Map()
  const places = delimit(
    sections.map((section) => section.id),
    marks,
    answer.length,
    true,
  )
  for (const [id, place] of places) {
    if ('problem' in place) {
      // A section virsh printed nothing for stays out: sectionError says "no answer" for it.
      if (place.problem !== 'missing') parsed.set(id, { text: '', errors: [FRAMING_ERRORS[place.problem]] })
      continue
    }
    let text = answer.slice(place.from, place.to)
    const echoEnd = text.indexOf('\n')
    text = echoEnd < 0 ? '' : text.slice(echoEnd + 1)
    const prompt = text.lastIndexOf(PROMPT)
    if (prompt >= 0) text = text.slice(0, prompt)
    const lines = text.replace(/\n$/, '').split('\n')
    const judged = judgeSection(lines.filter((line) => !NOTICES.test(line)))
    if (judged.errors.length === 0 || judged.text.trim() === '') {
      parsed.set(id, judged)
      continue
    }
    // virsh's notices come before the command's output (it reconnects, then runs the command).
    const first = lines.findIndex((line) => !NOTICES.test(line))
    parsed.set(id, { ...judged, printed: lines.slice(first).join('\n') })
  }
  return parsed
}

// ---------------------------------------------------------------------------------------------
// POSIX sh scripts whose sections report their own exit status.

/**
 * Shell functions for a script of sections: `section <id> <command…>` runs the command (stderr
 * merged) between `@@begin <id>` and `@@end <id> <exit status>`, and leaves that status in $rc;
 * `section_text <id> <text> <rc>` prints an already captured output the same way.
 */
export const SHELL_SECTIONS = String.raw`
section() { name=$1; shift; echo "@@begin $name"; "$@" 2>&1; rc=$?; echo; echo "@@end $name $rc"; }
section_text() { printf '@@begin %s\n%s\n\n@@end %s %s\n' "$1" "$2" "$1" "$3"; }
`

/** A shell section's output (stdout and stderr, trimmed) and exit status. */
export interface ShellSection {
  output: string
  exitCode: number
}

/**
 * Splits a script's output into its sections. A section counts only when its begin and end markers
 * each appear once, in that order, with no other marker between them: an output holding a marker
 * line (an image named "@@end …") leaves that section out, as if it had not answered.
 */
export function splitShellSections(text: string): Map<string, ShellSection> {
  const lines = text.split('\n')
  const marks: Array<{ kind: 'begin' | 'end'; id: string; line: number; exitCode?: number }> = []
  lines.forEach((line, index) => {
    const begin = /^@@begin (.+)$/.exec(line)
    const end = /^@@end (.+) (\d+)$/.exec(line)
    if (begin?.[1]) marks.push({ kind: 'begin', id: begin[1], line: index })
    else if (end?.[1]) marks.push({ kind: 'end', id: end[1], line: index, exitCode: Number(end[2]) })
  })
  const count = new Map<string, number>()
  for (const mark of marks)
    count.set(`${mark.kind} ${mark.id}`, (count.get(`${mark.kind} ${mark.id}`) ?? 0) + 1)
  const sections = new Map<string, ShellSection>()
  marks.forEach((begin, index) => {
    const end = marks[index + 1]
    if (begin.kind !== 'begin' || end?.kind !== 'end' || end.id !== begin.id) return
    if (count.get(`begin ${begin.id}`) !== 1 || count.get(`end ${begin.id}`) !== 1) return
    sections.set(begin.id, {
      output: lines
        .slice(begin.line + 1, end.line)
        .join('\n')
        .trim(),
      exitCode: end.exitCode ?? -1,
    })
  })
  return sections
}

/**
 * A streamed command framed by its exit status: the host runs `argv` with stderr merged and carriage
 * returns turned into lines (rbd's progress), then prints one marker line with a fresh nonce and the
 * exit status. `exitCode(line)` reads that line (undefined for any other line).
 */
export function exitFramed(argv: readonly string[]): {
  argv: string[]
  exitCode(line: string): number | undefined
} {
  const mark = `@@hd-exit-${sessionNonce()} `
  const script = `{ "$@" 2>&1; echo "${mark}$?"; } | tr '\\r' '\\n'`
  return {
    argv: ['sh', '-c', script, 'sh', ...argv],
    exitCode: (line) => {
      if (!line.startsWith(mark)) return undefined
      const code = line.slice(mark.length)
      return /^\d+$/.test(code) ? Number(code) : undefined
    },
  }
}

const PATH_MARK = '@@hyperdesk-path '

/**
 * The one existence check of the path probes: a shell function printing one marked line for each of
 * its arguments that exists (pathsArgv, startFilesArgv; read back by presentPaths).
 */
const PRESENT_PATHS = `present_paths() { for p do if [ -e "$p" ]; then printf '${PATH_MARK}%s\\n' "$p"; fi; done; }`

/**
 * The argv that prints, for each of these paths that exists on the host, one marked line. Paths are
 * arguments, never parsed by a shell.
 */
export function pathsArgv(paths: readonly string[]): string[] {
  return ['sh', '-c', `${PRESENT_PATHS}\npresent_paths "$@"`, 'hyperdesk-paths', ...paths]
}

/**
 * What a local pool's volume gives in startFilesArgv's section `volume:<n>`: exit 0, its path (it
 * exists); VOLUME_FILE_ABSENT, its path (libvirt lists the volume, its file is gone: a pool not
 * refreshed since); any other exit, virsh's own words (no such volume, pool inactive…).
 */
export const VOLUME_FILE_ABSENT = 3

/**
 * A start's one probe of the chosen host: pathsArgv's check of `paths`; then, for each image of
 * `chains` whose file exists, its backing chain as QEMU opens it (`qemu-img info --backing-chain`,
 * -U: an image open elsewhere is only read; stderr merged) in a shell section `chain:<n>`; then,
 * for each storage-pool volume of `volumes`, where libvirt says it is (`virsh vol-path`) and whether
 * that file is there, in a section `volume:<n>` (see VOLUME_FILE_ABSENT). n counts from 1 in the
 * order given. Paths, formats and names are arguments, never parsed by a shell; names reach virsh
 * as whole arguments only (the caller checks they are: isWholeArgument).
 */
export function startFilesArgv(
  paths: readonly string[],
  chains: ReadonlyArray<{ file: string; format: string }>,
  volumes: ReadonlyArray<{ pool: string; volume: string }> = [],
): string[] {
  const script =
    SHELL_SECTIONS +
    PRESENT_PATHS +
    String.raw`
volume_file() {
  p=$(virsh -c qemu:///system vol-path --pool "$1" "$2") || return 1
  printf '%s
' "$p"
  [ -e "$p" ] || return ${VOLUME_FILE_ABSENT}
}
n=$1; shift
while [ "$n" -gt 0 ]; do present_paths "$1"; shift; n=$((n - 1)); done
n=$1; shift; i=0
while [ "$n" -gt 0 ]; do
  i=$((i + 1))
  if [ -e "$2" ]; then section "chain:$i" qemu-img info -U --backing-chain --output=json -f "$1" -- "$2"; fi
  shift 2; n=$((n - 1))
done
i=0
while [ "$#" -ge 2 ]; do
  i=$((i + 1))
  section "volume:$i" volume_file "$1" "$2"
  shift 2
done
`
  return [
    'sh',
    '-c',
    script,
    'hyperdesk-start-files',
    String(paths.length),
    ...paths,
    String(chains.length),
    ...chains.flatMap((chain) => [chain.format, chain.file]),
    ...volumes.flatMap((volume) => [volume.pool, volume.volume]),
  ]
}

/**
 * What startFilesArgv's output says: the asked paths that exist (read before the first section, so
 * no image's name in a chain's output can pass for one) and each section by its id.
 */
export function readStartFiles(
  stdout: string,
  paths: readonly string[],
): { present: Set<string>; sections: Map<string, ShellSection> } {
  const firstSection = stdout.search(/^@@begin /m)
  const head = firstSection < 0 ? stdout : stdout.slice(0, firstSection)
  return { present: presentPaths(head, paths), sections: splitShellSections(stdout.slice(head.length)) }
}

/** The asked paths the output says exist (a marked line for a path not asked is not believed). */
export function presentPaths(stdout: string, paths: readonly string[]): Set<string> {
  const asked = new Set(paths)
  return new Set(
    stdout
      .split('\n')
      .filter((line) => line.startsWith(PATH_MARK))
      .map((line) => line.slice(PATH_MARK.length))
      .filter((path) => asked.has(path)),
  )
}

// ---------------------------------------------------------------------------------------------
// Reading judged sections.

/** A section's text when it succeeded, else undefined. */
export function sectionText(sections: Sections, id: string): string | undefined {
  const section = sections.get(id)
  return section && section.errors.length === 0 ? section.text : undefined
}

/** A section's error, or 'no answer' when nothing came for it; undefined when it succeeded. */
export function sectionError(sections: Sections, id: string): string | undefined {
  const section = sections.get(id)
  if (!section) return FRAMING_ERRORS.missing
  return section.errors.length > 0 ? section.errors.join('; ') : undefined
}
