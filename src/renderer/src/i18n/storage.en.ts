/** Strings of the storage views (en); one top-level key, `storage`, so merging never clobbers another file. */
export const storageEn = {
  storage: {},
}
