/** Strings of the maintenance views (fr); one top-level key, `maintenance`, so merging never clobbers another file. */
export const maintenanceFr = {
  maintenance: {},
}
