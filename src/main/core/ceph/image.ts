import { ApiError } from '../../../shared/errors'
import { msg } from '../../../shared/messages/message'
import { isValidName } from '../../../shared/names'
import { isWholeArgument, SizeBytesSchema } from '../../../shared/validators'

/**
 * Ceph RBD by object, as cockpit-machines does libvirt: the `rbd` argv (after `rbd --id <client>`
 * and the monitor timeouts: RemoteRunner.rbd, storage/rbd-host.ts rbdArgv) of every command the app
 * sends about an image, a snapshot or a pool, built here and only here from validated values: pool,
 * namespace, image and snapshot names pass the app's name rule (shared/names.ts, the contract's
 * validators), sizes SizeBytesSchema. Cluster flags (noout) are ceph/cluster.ts's.
 */

export interface RbdImageRef {
  pool: string
  image: string
  /** An RBD namespace (Nautilus and later): the image is POOL/NAMESPACE/IMAGE. */
  namespace?: string
}

export interface ImageLockRef {
  id: string
  locker: string
}

/** POOL/IMAGE or POOL/NAMESPACE/IMAGE, each part a valid name. */
export function imageSpec({ pool, image, namespace }: RbdImageRef): string {
  const parts = namespace !== undefined ? [pool, namespace, image] : [pool, image]
  if (!parts.every(isValidName)) {
    throw ApiError.of('rbd.invalid-name', msg('cephErrors.invalidImage', { spec: parts.join('/') }))
  }
  return parts.join('/')
}

/** IMAGE@SNAPSHOT, the snapshot a valid name. */
export function snapshotSpec(ref: RbdImageRef, snapshot: string): string {
  if (!isValidName(snapshot))
    throw ApiError.of(
      'rbd.invalid-name',
      msg('cephErrors.invalidSnapshot', { name: JSON.stringify(snapshot) }),
    )
  return `${imageSpec(ref)}@${snapshot}`
}

function size(sizeBytes: number): string {
  if (!SizeBytesSchema.safeParse(sizeBytes).success)
    throw ApiError.of('rbd.invalid-size', msg('cephErrors.invalidSize', { size: String(sizeBytes) }))
  return `${sizeBytes}B`
}

function pool(name: string): string {
  if (!isValidName(name)) throw ApiError.of('rbd.invalid-name', msg('cephErrors.invalidPool', { pool: name }))
  return name
}

/** An image's commands. */
export const imageArgv = {
  create: (ref: RbdImageRef, sizeBytes: number) => ['create', '--size', size(sizeBytes), imageSpec(ref)],
  /** Grow, or shrink when `allowShrink` (data past the new end is lost). */
  resize: (ref: RbdImageRef, sizeBytes: number, allowShrink = false) => [
    'resize',
    '--size',
    size(sizeBytes),
    ...(allowShrink ? ['--allow-shrink'] : []),
    imageSpec(ref),
  ],
  remove: (ref: RbdImageRef) => ['rm', imageSpec(ref)],
  /** Renames an image within its pool (and namespace): the new name a valid name. */
  rename: (ref: RbdImageRef, image: string) => ['rename', imageSpec(ref), imageSpec({ ...ref, image })],
  /** The app's own key/value on an image (`rbd image-meta`): the key a META_KEY, the value one argument. */
  setMeta: (ref: RbdImageRef, key: string, value: string) => [
    'image-meta',
    'set',
    imageSpec(ref),
    metaKey(key),
    metaValue(value),
  ],
  getMeta: (ref: RbdImageRef, key: string) => ['image-meta', 'get', imageSpec(ref), metaKey(key)],
  info: (ref: RbdImageRef) => ['info', imageSpec(ref)],
  /** A copy-on-write clone of a protected snapshot (the new image, in its own pool, must not exist). */
  clone: (parent: RbdImageRef, snapshot: string, child: RbdImageRef) => [
    'clone',
    snapshotSpec(parent, snapshot),
    imageSpec(child),
  ],
  /** Copies the parent's data into a clone, so it no longer depends on the parent's snapshot. */
  flatten: (ref: RbdImageRef) => ['flatten', '--no-progress', imageSpec(ref)],
  /** A full copy (the benchmark's baseline for a clone). */
  copy: (from: RbdImageRef, to: RbdImageRef) => ['cp', '--no-progress', imageSpec(from), imageSpec(to)],
  usage: (ref: RbdImageRef) => ['du', imageSpec(ref)],
  /** The clients that have the image open (watchers). */
  status: (ref: RbdImageRef) => ['status', imageSpec(ref), '--format', 'json'],
  locks: (ref: RbdImageRef) => ['lock', 'ls', imageSpec(ref), '--format', 'json'],
  /**
   * Removes a lock without blocklisting its locker: "breaking" a lock would, and that needs mon caps
   * client.libvirt does not have (the caller fenced the locker already, or it is ours).
   */
  unlock: (ref: RbdImageRef, lock: ImageLockRef) => [
    '--rbd-blocklist-on-break-lock=false',
    'lock',
    'rm',
    imageSpec(ref),
    lockArgument(lock.id),
    lockArgument(lock.locker),
  ],
} as const

/** A snapshot's commands, and an image's snapshots as a whole. */
export const snapshotArgv = {
  create: (ref: RbdImageRef, snapshot: string) => ['snap', 'create', snapshotSpec(ref, snapshot)],
  remove: (ref: RbdImageRef, snapshot: string) => ['snap', 'rm', snapshotSpec(ref, snapshot)],
  rollback: (ref: RbdImageRef, snapshot: string) => ['snap', 'rollback', snapshotSpec(ref, snapshot)],
  info: (ref: RbdImageRef, snapshot: string) => ['info', snapshotSpec(ref, snapshot)],
  list: (ref: RbdImageRef) => ['snap', 'ls', imageSpec(ref)],
  purge: (ref: RbdImageRef) => ['snap', 'purge', imageSpec(ref)],
  /** Protects a snapshot so clones can hang from it (a template), or lifts it (refused while clones do). */
  protect: (ref: RbdImageRef, snapshot: string) => ['snap', 'protect', snapshotSpec(ref, snapshot)],
  unprotect: (ref: RbdImageRef, snapshot: string) => ['snap', 'unprotect', snapshotSpec(ref, snapshot)],
  /** The clones hanging from a snapshot, POOL/IMAGE a line. */
  children: (ref: RbdImageRef, snapshot: string) => ['children', snapshotSpec(ref, snapshot)],
} as const

/** A pool's commands. */
export const poolArgv = {
  /** Images with their sizes, and their snapshots after each. */
  listLong: (name: string) => ['ls', '-l', pool(name)],
} as const

/** The app's image-meta keys: `hyperdesk.` then lower-case words. */
const META_KEY = /^hyperdesk\.[a-z0-9-]+$/
function metaKey(key: string): string {
  if (!META_KEY.test(key))
    throw ApiError.of('rbd.invalid-name', msg('cephErrors.invalidMetaKey', { key: JSON.stringify(key) }))
  return key
}
function metaValue(value: string): string {
  if (!isWholeArgument(value))
    throw ApiError.of(
      'rbd.invalid-name',
      msg('cephErrors.invalidMetaValue', { value: JSON.stringify(value) }),
    )
  return value
}

/** A lock id or locker as rbd printed it (`client.4170`, `hyperdesk …`): one argument, never an option. */
function lockArgument(value: string): string {
  if (!isWholeArgument(value))
    throw ApiError.of('rbd.invalid-name', msg('cephErrors.invalidLock', { value: JSON.stringify(value) }))
  return value
}
