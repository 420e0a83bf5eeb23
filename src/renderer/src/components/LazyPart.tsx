import { lazy, Suspense, type ComponentType, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'

/**
 * A heavy part of the window (consoles, live graphs) whose code is a separate chunk, fetched the first
 * time it is shown: the window's initial script stays small (issue 23 item 5). `load` picks the named
 * export from its dynamic import.
 */
export function lazyPart<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  return lazy(async () => ({ default: await load() }))
}

/** Shows a lazy part, with a short "loading" line in the window's language while its chunk arrives. */
export function LazyPart({ children }: { children: ReactNode }) {
  const { t } = useTranslation()
  return (
    <Suspense
      fallback={
        <p className="muted small" role="status" data-testid="lazy-part-loading">
          {t('app.loadingPart')}
        </p>
      }
    >
      {children}
    </Suspense>
  )
}
