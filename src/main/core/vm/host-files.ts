import type { DomainDefinition } from '../../../shared/inventory'
import type { Message } from '../../../shared/messages'
import { pathsArgv, presentPaths } from '../remote/framing'
import type { RemoteRunner } from '../remote/runner'

/**
 * The files a VM's definition makes QEMU open from the host's own disk as it starts there: the
 * CD-ROM images (a drive with no medium opens nothing) and the <os> boot files (kernel, initrd, dtb,
 * loader; not nvram, which libvirt makes per host from its template). Each host has its own copy, so
 * a start on a host and a migration to it both ask that host (presentOn) and judge the answer with
 * judgeHostFiles (migration/precheck-judge.ts).
 */
export interface HostFiles {
  isos: readonly string[]
  bootFiles: readonly string[]
}

export function hostFilesOf(definition: DomainDefinition): HostFiles {
  return {
    isos: [
      ...new Set(
        definition.disks.filter((disk) => disk.device === 'cdrom' && disk.file).map((disk) => disk.file!),
      ),
    ],
    bootFiles: [...new Set(definition.bootFiles ?? [])],
  }
}

/** A disk that is a file (qcow2, raw image) or a device (an LV, a partition) on the host's own disk. */
export interface LocalDisk {
  target: string
  file: string
}

/**
 * The VM's disks, CD-ROMs aside, that QEMU opens from the host's own disk: each host has its own
 * file at that path (not the same disk), so a start asks its host for them with the files above (one
 * existence check) and is refused when one is missing. A migration refuses them outright as unshared
 * storage (judgeDisks), whatever the destination holds.
 */
export function localDisksOf(definition: DomainDefinition): LocalDisk[] {
  return definition.disks.flatMap((disk) =>
    disk.device !== 'cdrom' && disk.file ? [{ target: disk.target, file: disk.file }] : [],
  )
}

/** Every path of `files`, to ask in one existence check. */
export function hostFilePaths(files: HostFiles): string[] {
  return [...files.isos, ...files.bootFiles]
}

/** Which of `paths` exist on `host`: one exec, none when there is nothing to ask. */
export async function presentOn(
  runner: Pick<RemoteRunner, 'run'>,
  host: string,
  paths: readonly string[],
  step: Message,
): Promise<Set<string>> {
  if (paths.length === 0) return new Set()
  const result = await runner.run(host, pathsArgv(paths), { timeoutSeconds: 15, step })
  return presentPaths(result.stdout, paths)
}
