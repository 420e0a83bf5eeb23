/**
 * "Type the name to confirm": a text field whose label names the object (a VM, an image, a host); the
 * action it guards stays disabled until `value` is exactly that name (see `typedMatches`).
 */
export function TypedName({
  label,
  value,
  onChange,
  testId,
  block = false,
  autoFocus = false,
}: {
  label: string
  value: string
  onChange(value: string): void
  testId: string
  /** On a line of its own (forms), rather than inline before its button. */
  block?: boolean
  /** The field a dialog focuses when it opens. */
  autoFocus?: boolean
}) {
  return (
    <label className={block ? 'block' : undefined}>
      {label}{' '}
      <input
        type="text"
        value={value}
        onChange={(event) => onChange(event.target.value)}
        autoComplete="off"
        spellCheck={false}
        data-testid={testId}
        data-autofocus={autoFocus || undefined}
      />
    </label>
  )
}

/** The confirmation holds only for the exact name: no trimming, no case folding. */
export function typedMatches(typed: string, name: string): boolean {
  return typed === name
}
