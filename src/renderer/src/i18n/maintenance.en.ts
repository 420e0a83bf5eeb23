/** Strings of the maintenance views (en); one top-level key, `maintenance`, so merging never clobbers another file. */
export const maintenanceEn = {
  maintenance: {},
}
