/** Strings of the ceph views (en); one top-level key, `ceph`, so merging never clobbers another file. */
export const cephEn = {
  ceph: {},
}
