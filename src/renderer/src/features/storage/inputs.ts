import { nameProblem } from '../../../../shared/names'
import { parseSize, SIZE_STEP_BYTES } from '../../../../shared/storage'

/** The i18n key of what is wrong with a typed image/snapshot name, or null. */
export function nameError(name: string): 'storage.invalid.name' | null {
  return nameProblem(name) === null ? null : 'storage.invalid.name'
}

/** A typed size ("20 GiB", "512 M", "1,5 Go"; a bare number is GiB) as bytes, or the i18n key of its problem. */
export function readSize(
  text: string,
): { bytes: number } | { error: 'storage.invalid.size' | 'storage.invalid.sizeStep' } {
  const bytes = parseSize(text, 'GiB')
  if (bytes === null || bytes <= 0) return { error: 'storage.invalid.size' }
  if (bytes % SIZE_STEP_BYTES !== 0) return { error: 'storage.invalid.sizeStep' }
  return { bytes }
}
