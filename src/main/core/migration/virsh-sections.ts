import { batchCommands, splitBatchOutput, type BatchSection } from '../inventory/host-batch'
import { virshCommandString } from '../remote/quote'
import type { RemoteRunner, RunOptions } from '../remote/runner'

export type Sections = Map<string, { text: string; errors: string[] }>

const PATH_MARK = '@@hyperdesk-path '

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
  return (await runVirshSectionsAndPaths(runner, host, sections, [], options)).sections
}

/**
 * The same, and in the same exec which of these paths exist on the host (bridges, ISO images). Paths
 * are arguments, never parsed by a shell.
 */
export async function runVirshSectionsAndPaths(
  runner: RemoteRunner,
  host: string,
  sections: readonly BatchSection[],
  paths: readonly string[],
  options: RunOptions = {},
): Promise<{ sections: Sections; present: Set<string> }> {
  const result = await runner.run(
    host,
    [
      'sh',
      '-c',
      `c=$1; shift; for p do if [ -e "$p" ]; then printf '${PATH_MARK}%s\\n' "$p"; fi; done; ` +
        'exec stdbuf -oL -eL virsh -c qemu:///system "$c" 2>&1',
      'hyperdesk-batch',
      virshCommandString(batchCommands(sections)),
      ...paths,
    ],
    { timeoutSeconds: 30, ...options, allowFailure: true },
  )
  const present = new Set(
    result.stdout
      .split('\n')
      .filter((line) => line.startsWith(PATH_MARK))
      .map((line) => line.slice(PATH_MARK.length)),
  )
  return { sections: splitBatchOutput(result.stdout), present }
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
