import type { Sections } from '../inventory/host-batch'
import type { RemoteRunner, RunOptions } from '../remote/runner'

export type { Sections }

const PATH_MARK = '@@hyperdesk-path '

/**
 * Which of these paths exist on the host (bridges, ISO images), in one exec of the host's shell and
 * no virsh. Paths are arguments, never parsed by a shell.
 */
export async function pathsPresent(
  runner: RemoteRunner,
  host: string,
  paths: readonly string[],
  options: RunOptions = {},
): Promise<Set<string>> {
  if (paths.length === 0) return new Set()
  const result = await runner.run(
    host,
    [
      'sh',
      '-c',
      `for p do if [ -e "$p" ]; then printf '${PATH_MARK}%s\\n' "$p"; fi; done`,
      'hyperdesk-paths',
      ...paths,
    ],
    { timeoutSeconds: 15, ...options },
  )
  return new Set(
    result.stdout
      .split('\n')
      .filter((line) => line.startsWith(PATH_MARK))
      .map((line) => line.slice(PATH_MARK.length)),
  )
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
