/** Strings of the console views (fr); one top-level key, `console`, so merging never clobbers another file. */
export const consoleFr = {
  console: {},
}
