import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

/**
 * The window's first paint (issue 23 item 5): what index.html loads at once (its module script and the
 * chunks it preloads) holds none of the heavy parts — noVNC, xterm, uPlot come with the consoles and
 * graphs, the first time they are shown. Reads the build `npm test` makes first (out/renderer).
 */
const RENDERER = path.resolve(__dirname, '../../out/renderer')
const html = () => fs.readFileSync(path.join(RENDERER, 'index.html'), 'utf8')

function initialScripts(): string[] {
  return [
    ...html().matchAll(
      /<(?:script type="module"[^>]*src|link rel="modulepreload"[^>]*href)="\.\/([^"]+\.js)"/g,
    ),
  ].map((match) => match[1]!)
}

/** A string each library's code carries even minified (a CSS class or a protocol name it writes). */
const HEAVY = [
  { library: 'xterm', marker: 'xterm-helper-textarea' },
  { library: 'noVNC', marker: 'noVNC_mouse_capture_elem' },
  { library: 'uPlot', marker: 'u-over' },
]

/** Issue 23 item 5: what the window loads before its first paint, in bytes (500 KB, counted as 500 000). */
const INITIAL_SCRIPT_LIMIT = 500_000

describe('the window’s initial script', () => {
  it(`is under ${INITIAL_SCRIPT_LIMIT} bytes: the module script and every chunk it preloads`, () => {
    const sizes = initialScripts().map((file) => fs.statSync(path.join(RENDERER, file)).size)
    const total = sizes.reduce((sum, size) => sum + size, 0)
    // react-dom alone is ~200 KB: a total this small would mean the page lost its script.
    expect(total).toBeGreaterThan(200_000)
    expect(total, initialScripts().join(', ')).toBeLessThan(INITIAL_SCRIPT_LIMIT)
  })

  it('carries neither language’s catalogs nor the whole of zod: they load when needed', () => {
    const initial = initialScripts().map((file) => fs.readFileSync(path.join(RENDERER, file), 'utf8'))
    // One French and one English UI sentence (i18n/fr.ts, i18n/en.ts), and the name zod's full API
    // gives its object schema (zod/mini's is ZodMiniObject): the first script parses with zod/mini.
    for (const marker of ['Aucun hyperviseur configuré', 'No hypervisor configured yet.', '`ZodObject`'])
      expect(
        initial.some((code) => code.includes(marker)),
        marker,
      ).toBe(false)
    const assets = fs.readdirSync(path.join(RENDERER, 'assets')).filter((file) => file.endsWith('.js'))
    const french = assets.filter((file) =>
      fs.readFileSync(path.join(RENDERER, 'assets', file), 'utf8').includes('Aucun hyperviseur configuré'),
    )
    expect(french, 'the French catalog is in the build').not.toEqual([])
    expect(
      assets.some((file) =>
        fs.readFileSync(path.join(RENDERER, 'assets', file), 'utf8').includes('`ZodObject`'),
      ),
    ).toBe(true)
  })

  it('loads no console or chart library: each comes in its own chunk, loaded when first used', () => {
    const initial = initialScripts()
    expect(initial.length).toBeGreaterThan(0)
    const assets = fs.readdirSync(path.join(RENDERER, 'assets')).filter((file) => file.endsWith('.js'))
    for (const { library, marker } of HEAVY) {
      const holders = assets.filter((file) =>
        fs.readFileSync(path.join(RENDERER, 'assets', file), 'utf8').includes(marker),
      )
      // The library is in the build (the marker is right), but in no chunk loaded at first.
      expect(holders, `${library} (${marker}) is in the build`).not.toEqual([])
      for (const file of holders) expect(initial, `${library} in ${file}`).not.toContain(`assets/${file}`)
    }
  })
})
