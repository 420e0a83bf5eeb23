import crypto from 'node:crypto'

/**
 * Security policy shared by the Electron shell and browser mode, in one place so tests can pin it.
 */

/** Content-Security-Policy of the UI. Scripts only from the app itself; no remote content at all. */
export function contentSecurityPolicy(connectSources: readonly string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    // React and xterm set styles at run time; scripts stay locked down.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    ["connect-src 'self'", ...connectSources].join(' '),
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ')
}

/** A fresh secret for one browser-mode session. */
export function newToken(): string {
  return crypto.randomBytes(32).toString('hex')
}

/** Compares secrets in constant time, whatever their lengths (hashing first equalises them). */
export function tokensEqual(given: string, expected: string): boolean {
  const a = crypto.createHash('sha256').update(given).digest()
  const b = crypto.createHash('sha256').update(expected).digest()
  return crypto.timingSafeEqual(a, b)
}
