/**
 * Where the English sentences are found once loaded. catalog.ts registers them when a process loads
 * it: the core and the Electron main process import it first thing (core/core.ts, index.ts), the
 * tests through their setup file. The window does not: its first script would carry every English
 * sentence (issue 23 item 5), and it renders messages with its own catalogs (src/renderer/src/i18n).
 * Without them, englishText gives the codes.
 */
export type EnglishCatalog = Readonly<Record<string, Readonly<Record<string, EnglishEntry>>>>
type EnglishEntry = string | { readonly one: string; readonly other: string; readonly many?: string }

let english: EnglishCatalog | undefined

export function registerEnglishCatalog(catalog: EnglishCatalog): void {
  english = catalog
}

export function englishCatalog(): EnglishCatalog | undefined {
  return english
}
