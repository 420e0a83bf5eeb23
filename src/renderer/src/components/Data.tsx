import type { ReactNode } from 'react'

/**
 * Text that is data, not a sentence of ours: a VM, host or pool name, an address, a size, a version,
 * what a host printed. It is shown as is in every language, so it is marked translate="no" (the HTML
 * attribute that tells translators and translation tools to leave it alone); the pseudo-locale walk
 * (test/lab/ui-walk.test.ts) accepts text without ⟦…⟧ marks only inside such an element. Any element
 * can carry translate="no" itself (a <code>, a <pre>, a table cell of names); <Data> is the inline one.
 */
export function Data({ children, className }: { children: ReactNode; className?: string }) {
  return (
    <span translate="no" className={className}>
      {children}
    </span>
  )
}
