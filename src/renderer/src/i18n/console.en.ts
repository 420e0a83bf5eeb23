/** Strings of the console views (en); one top-level key, `console`, so merging never clobbers another file. */
export const consoleEn = {
  console: {},
}
