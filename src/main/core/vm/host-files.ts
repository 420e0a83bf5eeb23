import type { DomainDefinition } from '../../../shared/inventory'
import type { Message } from '../../../shared/messages'
import { LAYERED_FORMATS } from '../inventory/domain-xml'
import {
  pathsArgv,
  presentPaths,
  readStartFiles,
  startFilesArgv,
  VOLUME_FILE_ABSENT,
  type ShellSection,
} from '../remote/framing'
import { isWholeArgument } from '../../../shared/validators'
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

/** A disk that is a volume of a libvirt storage pool, to be found on the host (<source pool volume>). */
export interface PoolVolume {
  target: string
  pool: string
  volume: string
}

/**
 * The VM's pool volumes whose names can reach virsh as whole arguments (the others are refused
 * before anything is asked: resolvePoolVolumes), to be found by the start's probe.
 */
export function poolVolumesOf(definition: DomainDefinition): PoolVolume[] {
  return definition.disks.flatMap((disk) =>
    disk.volume && isWholeArgument(disk.volume.pool) && isWholeArgument(disk.volume.volume)
      ? [{ target: disk.target, ...disk.volume }]
      : [],
  )
}

/**
 * Where the host's libvirt finds a volume (`virsh vol-path`) and whether that file is there; or,
 * when libvirt does not find it, what virsh said.
 */
export type VolumeFile = { path: string; exists: boolean } | { path?: undefined; said: string }

/** A volume's section of the probe, read (undefined when the section did not answer). */
export function volumeFile(section: ShellSection | undefined): VolumeFile | undefined {
  if (!section) return undefined
  if (section.exitCode === 0 || section.exitCode === VOLUME_FILE_ABSENT) {
    // The path is virsh's one line; anything else (an empty answer) is no path found.
    const path = section.output.split('\n').at(-1)?.trim()
    if (path) return { path, exists: section.exitCode === 0 }
  }
  return { said: section.output }
}

/** What the start's probe found on the host: present paths, each chain's reading, each volume's file. */
export interface StartFiles {
  present: Set<string>
  /** By index in the chains asked; undefined when its image is not there or its section did not answer. */
  chains: Array<ShellSection | undefined>
  /** By the volume disk's target; a target missing when its section did not answer. */
  volumes: Map<string, VolumeFile>
}

/**
 * Which of `paths` exist on `host`, each chain's reading and where each pool volume's file is and
 * whether it is there: one exec (startFilesArgv), none when nothing is asked.
 */
export async function startFilesOn(
  runner: Pick<RemoteRunner, 'run'>,
  host: string,
  paths: readonly string[],
  chains: readonly ChainStart[],
  volumes: readonly PoolVolume[],
  step: Message,
): Promise<StartFiles> {
  if (paths.length === 0 && chains.length === 0 && volumes.length === 0)
    return { present: new Set(), chains: [], volumes: new Map() }
  const result = await runner.run(host, startFilesArgv(paths, chains, volumes), { timeoutSeconds: 15, step })
  const read = readStartFiles(result.stdout, paths)
  const answered = volumes.flatMap((volume, index) => {
    const file = volumeFile(read.sections.get(`volume:${index + 1}`))
    return file ? [[volume.target, file] as const] : []
  })
  return {
    present: read.present,
    chains: chains.map((_, index) => read.sections.get(`chain:${index + 1}`)),
    volumes: new Map(answered),
  }
}
