// `npm start`: opens the Electron app, or says at once why it cannot and what to do instead.
// Since Electron 45 `npm install` no longer fetches Electron's binary (`npx install-electron` does), and
// `electron-vite preview` would build the whole app first and then stop with "Electron uninstall",
// while importing 'electron' would try to download it (a long wait, or a hang, without network). So the
// binary is looked up first, the way Electron's own index.js does, without importing it; when it is
// missing, nothing is built or downloaded and the message points to `npx install-electron` and to
// browser mode. Extra arguments go to `electron-vite preview`.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/**
 * Where Electron's binary is, or why it is not there. Follows Electron's index.js (path.txt under
 * node_modules/electron, `ELECTRON_OVERRIDE_DIST_PATH`) and electron-vite (`ELECTRON_EXEC_PATH`).
 * @returns {{ ok: true, binary: string } | { ok: false, looked: string }}
 */
export function findElectronBinary(env = process.env, electronDir = electronModuleDir()) {
  if (env.ELECTRON_EXEC_PATH) {
    return fs.existsSync(env.ELECTRON_EXEC_PATH)
      ? { ok: true, binary: env.ELECTRON_EXEC_PATH }
      : { ok: false, looked: env.ELECTRON_EXEC_PATH }
  }
  if (!electronDir) return { ok: false, looked: path.join(root, 'node_modules/electron') }
  const pathFile = path.join(electronDir, 'path.txt')
  const recorded = fs.existsSync(pathFile) ? fs.readFileSync(pathFile, 'utf8').trim() : ''
  const dist = env.ELECTRON_OVERRIDE_DIST_PATH || path.join(electronDir, 'dist')
  if (!recorded && !env.ELECTRON_OVERRIDE_DIST_PATH) return { ok: false, looked: pathFile }
  const binary = path.join(dist, recorded || 'electron')
  return fs.existsSync(binary) ? { ok: true, binary } : { ok: false, looked: binary }
}

function electronModuleDir() {
  try {
    return path.dirname(createRequire(path.join(root, 'package.json')).resolve('electron/package.json'))
  } catch {
    return ''
  }
}

export function missingBinaryMessage(looked) {
  return [
    `Hyperdesk cannot open its window: Electron's binary is not installed (looked for ${looked}).`,
    '',
    '  With internet access:  npx install-electron   then   npm start',
    '  Without it (or on a server): browser mode, one command:',
    '                         npm run serve          then open the URL it prints',
    '',
    'npm install does not download Electron (since Electron 45); README.md, "Install and run", has both ways.',
  ].join('\n')
}

function main() {
  const found = findElectronBinary()
  if (!found.ok) {
    process.stderr.write(missingBinaryMessage(found.looked) + '\n')
    process.exit(1)
  }
  // electron-vite's own script under this Node (node_modules/.bin holds a .cmd on Windows).
  const bin = path.join(root, 'node_modules/electron-vite/bin/electron-vite.js')
  const child = spawn(process.execPath, [bin, 'preview', ...process.argv.slice(2)], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ELECTRON_EXEC_PATH: found.binary },
  })
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main()
