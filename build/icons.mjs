// Renders resources/icon.svg into the PNG icons every package target needs (run by `npm run icons`,
// and by `npm run package` before electron-builder):
//   build/icons/<N>x<N>.png  Linux (.deb and AppImage: the hicolor sizes of the desktop entry's icon)
//   build/icon.png           macOS (1024 px; electron-builder turns it into the .icns)
// The rasterizer is resvg (@resvg/resvg-js: prebuilt binaries shipped inside the npm package, the same
// output on Linux and macOS runners, no system library). `--out DIR` writes elsewhere (tests).
import { Resvg } from '@resvg/resvg-js'
import fs from 'node:fs'
import path from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

export const LINUX_SIZES = [16, 24, 32, 48, 64, 128, 256, 512]
export const MAC_SIZE = 1024

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

export function renderIcons(outDir, svgPath = path.join(root, 'resources/icon.svg')) {
  const svg = fs.readFileSync(svgPath)
  const render = (size) =>
    new Resvg(svg, { fitTo: { mode: 'width', value: size }, background: 'rgba(0,0,0,0)' }).render().asPng()
  fs.mkdirSync(path.join(outDir, 'icons'), { recursive: true })
  const written = []
  for (const size of LINUX_SIZES) {
    const file = path.join(outDir, 'icons', `${size}x${size}.png`)
    fs.writeFileSync(file, render(size))
    written.push(file)
  }
  const mac = path.join(outDir, 'icon.png')
  fs.writeFileSync(mac, render(MAC_SIZE))
  written.push(mac)
  return written
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { out: { type: 'string' } } })
  const outDir = path.resolve(values.out ?? path.join(root, 'build'))
  const written = renderIcons(outDir)
  const where = path.relative(process.cwd(), outDir) || '.'
  process.stdout.write(`icons: ${written.length} PNG files from resources/icon.svg in ${where}\n`)
}
