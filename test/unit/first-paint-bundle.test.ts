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

describe('the window’s initial script', () => {
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
