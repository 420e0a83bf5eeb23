import { useEffect, useState } from 'react'
import { ApiError, type ApiErrorData } from '../../../shared/errors'

/**
 * A sheet's plan, read once when it opens and again on "check again": the plan, or the error that
 * kept it from being read (shared by the migration and fence sheets).
 */
export function usePlan<T>(
  load: () => Promise<T>,
  key: string,
): {
  plan: T | null
  error: ApiErrorData | null
  setError(error: ApiErrorData | null): void
  reload(): Promise<void>
} {
  const [plan, setPlan] = useState<T | null>(null)
  const [error, setError] = useState<ApiErrorData | null>(null)
  async function reload(): Promise<void> {
    setPlan(null)
    setError(null)
    try {
      setPlan(await load())
    } catch (caught) {
      setError(ApiError.from(caught).toData())
    }
  }
  useEffect(() => {
    void reload()
    // Read once per key; reload() reads again on request.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key])
  return { plan, error, setError, reload }
}
