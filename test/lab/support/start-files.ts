import type { LabCore } from '../../support/lab-core'
import { startLeaseNames } from '../../../src/main/core/vm/lifecycle'
import type { LeaseHolder } from '../../../src/shared/lease'
import { asRootOn, labGuest, LAB_GUEST_BOOT_FILES, LAB_ISO } from './lab'

/**
 * For the files that show a start refused for files missing on its host (core-start-files,
 * ui-start-files): labvm3's kernel and CD-ROM image hidden on hv3, and put back (each lab host has
 * its own copies), and the leases a start of labvm3 would leave behind.
 */
export const LABVM3 = labGuest('labvm3')
export const KERNEL = LAB_GUEST_BOOT_FILES[0]
const HIDDEN = [KERNEL, LAB_ISO]

export async function hideOnHv3(): Promise<void> {
  for (const file of HIDDEN) await asRootOn('hv3', 'mv', file, `${file}.hidden`)
}

/** Puts back whatever hideOnHv3 hid (also after a failure half way). */
export async function putBackOnHv3(): Promise<void> {
  const putBack = HIDDEN.map((file) => `if test -e ${file}.hidden; then mv ${file}.hidden ${file}; fi`)
  await asRootOn('hv3', 'sh', '-c', putBack.join('; '))
}

/** The leases a start of labvm3 takes (its own and its disk's) still held; others' leases are theirs. */
export async function labvm3Leases(lab: LabCore): Promise<LeaseHolder[]> {
  const names = startLeaseNames(LABVM3.uuid, [{ pool: LABVM3.pool, image: LABVM3.name }])
  const held = (await lab.core.call('lease.list', {})) as LeaseHolder[]
  return held.filter((lease) => names.includes(lease.name))
}
