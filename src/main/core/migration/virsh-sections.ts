import { batchCommands, splitBatchOutput, type BatchSection } from '../inventory/host-batch'
import { virshCommandString } from '../remote/quote'
import type { RemoteRunner, RunOptions } from '../remote/runner'

export type Sections = Map<string, { text: string; errors: string[] }>

/**
 * Several virsh commands in one exec and one libvirt connection (read-write: the pre-checks read a
 * secret's presence), each judged on its own section, as the inventory's refresh does.
 */
export async function runVirshSections(
  runner: RemoteRunner,
  host: string,
  sections: readonly BatchSection[],
  options: RunOptions = {},
): Promise<Sections> {
  const result = await runner.run(
    host,
    [
      'sh',
      '-c',
      'exec stdbuf -oL -eL "$@" 2>&1',
      'hyperdesk-batch',
      'virsh',
      '-c',
      'qemu:///system',
      virshCommandString(batchCommands(sections)),
    ],
    { timeoutSeconds: 30, ...options, allowFailure: true },
  )
  return splitBatchOutput(result.stdout)
}

/** A section's text when it succeeded, else undefined. */
export function sectionText(sections: Sections, id: string): string | undefined {
  const section = sections.get(id)
  return section && section.errors.length === 0 ? section.text : undefined
}

/** A section's error, or 'no answer' when virsh printed nothing for it. */
export function sectionError(sections: Sections, id: string): string | undefined {
  const section = sections.get(id)
  if (!section) return 'no answer'
  return section.errors.length > 0 ? section.errors.join('; ') : undefined
}
