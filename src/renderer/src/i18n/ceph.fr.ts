/** Strings of the ceph views (fr); one top-level key, `ceph`, so merging never clobbers another file. */
export const cephFr = {
  ceph: {},
}
