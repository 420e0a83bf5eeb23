import type { DomainDefinition } from '../../../shared/inventory'
import type { Message } from '../../../shared/messages'
import { LAYERED_FORMATS } from '../inventory/domain-xml'
import {
  pathsAndChainsArgv,
  pathsArgv,
  presentPaths,
  readPathsAndChains,
  type ShellSection,
} from '../remote/framing'
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

/** A backing file of a local disk: the disk (its target and file) and the backing file's path. */
export interface BackingFile {
  target: string
  disk: string
  file: string
}

/** Where QEMU reads the rest of a local disk's backing chain from an image's header, on the host. */
export interface ChainStart {
  target: string
  disk: string
  /** The image whose header starts the chain: the disk itself, or the last file the definition names. */
  file: string
  format: string
}

/**
 * What a start checks of the local disks' backing chains (QEMU opens every file of them): the
 * backing files the definition names (<backingStore>), checked for existence with the other files,
 * and where the rest is read from an image's header (a layered format: qcow2…) by qemu-img, in the
 * same exec. A disk whose definition gives a complete chain has nothing read from a header.
 */
export function backingChecksOf(definition: DomainDefinition): {
  named: BackingFile[]
  chains: ChainStart[]
} {
  const named: BackingFile[] = []
  const chains: ChainStart[] = []
  for (const disk of definition.disks) {
    if (disk.device === 'cdrom' || !disk.file) continue
    const given = disk.backingStore
    for (const backing of given?.files ?? [])
      named.push({ target: disk.target, disk: disk.file, file: backing.file })
    const last = given?.files.at(-1)
    const start = !given
      ? disk.layeredFormat && { file: disk.file, format: disk.layeredFormat }
      : !given.complete &&
        last?.format &&
        LAYERED_FORMATS.has(last.format) && { file: last.file, format: last.format }
    if (start) chains.push({ target: disk.target, disk: disk.file, ...start })
  }
  return { named, chains }
}

/**
 * The backing file qemu-img could not find when it read a chain (its "Could not open 'FILE': No
 * such file or directory", LC_ALL=C as every command runs); undefined when the chain was read, or
 * failed for another reason (no qemu-img, a permission, a damaged image: libvirt judges those).
 */
export function missingBackingFile(section: ShellSection | undefined): string | undefined {
  if (!section || section.exitCode === 0) return undefined
  // The last quoted name before the error is the file that was opened (the first can be the image
  // whose backing it is); greedy up to the last "Could not open '".
  return /.*Could not open '(.+)': No such file or directory/.exec(section.output)?.[1]
}

/**
 * Which of `paths` exist on `host`, and each chain's reading (by its index in `chains`; undefined
 * when its image is not there or the section did not answer): one exec, none when nothing is asked.
 */
export async function startFilesOn(
  runner: Pick<RemoteRunner, 'run'>,
  host: string,
  paths: readonly string[],
  chains: readonly ChainStart[],
  step: Message,
): Promise<{ present: Set<string>; chains: Array<ShellSection | undefined> }> {
  if (paths.length === 0 && chains.length === 0) return { present: new Set(), chains: [] }
  const result = await runner.run(host, pathsAndChainsArgv(paths, chains), { timeoutSeconds: 15, step })
  const read = readPathsAndChains(result.stdout, paths)
  return { present: read.present, chains: chains.map((_, index) => read.chains.get(`chain:${index + 1}`)) }
}
