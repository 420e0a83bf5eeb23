/**
 * A whole-host refresh in ONE exec: one `virsh` process, one libvirt connection, running several
 * commands separated by markers. virsh returns only the last command's exit code, so the output is
 * split section by section and each section is judged on its own.
 */

export const SECTION_MARKER = '@@hyperdesk-section '

export interface BatchSection {
  /** Identifies the section in the output; [A-Za-z0-9:._-] only. */
  id: string
  /** One virsh command with its arguments (quoted later by virshCommandString). */
  command: readonly string[]
}

/** Each section's output, and its "error:" lines apart. */
export type Sections = Map<string, { text: string; errors: string[] }>

export const SECTION_ID = /^[A-Za-z0-9:._-]+$/

/** The batch as virsh commands: each section's command after an `echo` of its marker. */
export function batchCommands(sections: readonly BatchSection[]): string[][] {
  return sections.flatMap(({ id, command }) => {
    if (!SECTION_ID.test(id)) throw new Error(`batch section id ${JSON.stringify(id)} is not safe`)
    return [['echo', SECTION_MARKER.trim(), id], [...command]]
  })
}

/**
 * Splits a batch's combined output (stderr merged into stdout, line-buffered so the order holds)
 * into sections. A section whose output has a line starting with "error:" failed; its text is kept.
 */
export function splitBatchOutput(output: string): Sections {
  const sections: Sections = new Map()
  let current: string[] | null = null
  let currentId = ''
  const flush = (): void => {
    if (current) sections.set(currentId, judgeSection(current))
  }
  for (const line of output.split('\n')) {
    if (line.startsWith(SECTION_MARKER)) {
      flush()
      currentId = line.slice(SECTION_MARKER.length).trim()
      current = []
      continue
    }
    current?.push(line)
  }
  flush()
  return sections
}

/** One section's output lines: those starting with "error:" are its errors, the rest its text. */
export function judgeSection(lines: readonly string[]): { text: string; errors: string[] } {
  const kept: string[] = []
  const errors: string[] = []
  for (const line of lines) {
    if (line.startsWith('error: ')) errors.push(line.slice('error: '.length))
    else kept.push(line)
  }
  return { text: kept.join('\n'), errors }
}
