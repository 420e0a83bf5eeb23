/**
 * Fills a sentence's {{placeholders}} (i18next's syntax) with its parameters: the core's English
 * rendering of every message catalog in src/shared. A missing parameter becomes `missing(name)`
 * (empty by default).
 */
export function fillPlaceholders(
  template: string,
  params: Record<string, string | number>,
  missing: (name: string) => string = () => '',
): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, name: string) =>
    params[name] === undefined ? missing(name) : String(params[name]),
  )
}
