import { useCallback, useEffect, useState } from 'react'
import { ApiError, type ApiErrorData } from '../../../../shared/errors'

/**
 * What an OVH screen reads from the core, read when it opens and again on demand: the last value,
 * when it was read, the last error (the value read before stays shown) and whether a read runs.
 */
export function useRead<T>(reader: () => Promise<T>): {
  value: T | null
  readAt: number
  error: ApiErrorData | null
  loading: boolean
  read(): Promise<void>
} {
  const [value, setValue] = useState<T | null>(null)
  const [readAt, setReadAt] = useState(0)
  const [error, setError] = useState<ApiErrorData | null>(null)
  const [loading, setLoading] = useState(false)
  const read = useCallback(async () => {
    setLoading(true)
    try {
      setValue(await reader())
      setReadAt(Date.now())
      setError(null)
    } catch (failure) {
      setError(ApiError.from(failure).toData())
    } finally {
      setLoading(false)
    }
  }, [reader])
  useEffect(() => void read(), [read])
  return { value, readAt, error, loading, read }
}
