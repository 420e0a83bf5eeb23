/** Strings of the storage views (fr); one top-level key, `storage`, so merging never clobbers another file. */
export const storageFr = {
  storage: {},
}
