import path from 'node:path'

/** Serving the built UI, shared by the app:// protocol and browser mode. */

export const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
}

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream'
}

/**
 * Maps a URL path (still percent-encoded) to a file inside root, or null if it would leave root.
 * "/" is the UI's index.html.
 */
export function fileInside(root: string, encodedPathname: string): string | null {
  let pathname: string
  try {
    pathname = decodeURIComponent(encodedPathname)
  } catch {
    return null
  }
  if (pathname.includes('\0')) return null
  const base = path.resolve(root)
  const file = path.resolve(
    base,
    pathname === '/' || pathname === '' ? 'index.html' : pathname.replace(/^\/+/, ''),
  )
  return file.startsWith(base + path.sep) ? file : null
}
