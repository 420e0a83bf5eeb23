import {
  app,
  BrowserWindow,
  ipcMain,
  Menu,
  MessageChannelMain,
  net,
  protocol,
  session,
  shell,
  type WebContents,
} from 'electron'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import {
  IPC_CALL,
  IPC_CONSOLE_FOCUS,
  IPC_STREAM_OPEN,
  IPC_STREAM_PORT,
  IPC_SUBSCRIBE,
  IPC_UNSUBSCRIBE,
} from '../shared/ipc'
import { APP_CSP, APP_ENTRY_URL, APP_SCHEME, resolveAppRequest } from './app-protocol'
import { CoreBridge } from './core-bridge'
import { defaultConfigPath } from './core/paths'
import { checkIpcCall, checkIpcEvent, isTrustedSender } from './ipc-guard'
import { menuTemplate } from './menu'
import { DEFAULT_UPDATE_FEED, isReleasePage } from '../shared/updates'
import { mainWindowOptions } from './window-options'

/**
 * The Electron shell, kept thin: windows, security, menu, and the binding of IPC to the core, which
 * runs in a utility process (core-process.ts). Everything else lives in ./core.
 */

// The dev server is only trusted in development builds, never in a packaged app.
const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined
const rendererRoot = path.join(__dirname, '../renderer')

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
])

// Packaged builds check the project's releases; HYPERDESK_UPDATE_FEED sets another feed, or "off".
const updateFeed = process.env.HYPERDESK_UPDATE_FEED ?? (app.isPackaged ? DEFAULT_UPDATE_FEED : 'off')
const core = new CoreBridge(path.join(__dirname, 'core-process.js'), [
  '--config',
  process.env.HYPERDESK_CONFIG ?? defaultConfigPath(),
  '--version',
  app.getVersion(),
  ...(updateFeed && updateFeed !== 'off' ? ['--update-feed', updateFeed] : []),
])

function isTrusted(frame: Electron.WebFrameMain | null): boolean {
  return !!frame && isTrustedSender(frame.url, frame === frame.top, devServerUrl)
}

function bindIpc(): void {
  ipcMain.handle(IPC_CALL, async (event, method: unknown, params: unknown) => {
    if (!isTrusted(event.senderFrame)) {
      return {
        ok: false,
        error: { code: 'api.untrusted-sender', message: 'Refused: the request did not come from the app.' },
      }
    }
    const checked = checkIpcCall(method, params)
    if (!checked.ok) return { ok: false, error: checked.error.toData() }
    return core.call(checked.method, checked.params)
  })
  ipcMain.on(IPC_SUBSCRIBE, (event, name: unknown) => {
    const checked = checkIpcEvent(name)
    if (checked && isTrusted(event.senderFrame)) core.subscribe(event.sender, checked)
  })
  // A console's bytes: a MessagePort pair, one end to the page, the other to the core process.
  ipcMain.on(IPC_STREAM_OPEN, (event, streamId: unknown) => {
    if (typeof streamId !== 'string' || !isTrusted(event.senderFrame)) return
    const { port1, port2 } = new MessageChannelMain()
    core.attachStream(streamId, port1)
    event.sender.postMessage(IPC_STREAM_PORT, streamId, [port2])
  })
  // While a console has the keyboard, menu accelerators must not take its keys (Ctrl+W, Ctrl+R…).
  ipcMain.on(IPC_CONSOLE_FOCUS, (event, focused: unknown) => {
    if (isTrusted(event.senderFrame)) event.sender.setIgnoreMenuShortcuts(focused === true)
  })
  ipcMain.on(IPC_UNSUBSCRIBE, (event, name: unknown) => {
    const checked = checkIpcEvent(name)
    if (checked) core.unsubscribe(event.sender, checked)
  })
}

/** The page may load only the app's own files (and, in development, the dev server with its HMR socket). */
function isLocalUrl(url: string): boolean {
  if (/^(app|devtools|data|blob):/.test(url)) return true
  if (!devServerUrl) return false
  const dev = new URL(devServerUrl)
  const target = new URL(url)
  return target.hostname === dev.hostname && target.port === dev.port
}

function harden(contents: WebContents): void {
  // Console windows are opened by main, never by the page. The one link that leaves the app, a newer
  // release's page, opens in the user's browser — only under the project's releases.
  contents.setWindowOpenHandler(({ url }) => {
    if (isReleasePage(url)) void shell.openExternal(url)
    return { action: 'deny' }
  })
  contents.on('will-navigate', (event) => event.preventDefault())
  contents.on('will-redirect', (event) => event.preventDefault())
  contents.on('will-attach-webview', (event) => event.preventDefault())
  // A reload or a closed window drops its subscriptions.
  contents.on('did-start-navigation', (details) => {
    if (details.isMainFrame && !details.isSameDocument) core.unsubscribe(contents)
  })
  contents.on('destroyed', () => core.unsubscribe(contents))
}

async function createWindow(): Promise<void> {
  const window = new BrowserWindow(mainWindowOptions(path.join(__dirname, '../preload/index.js')))
  window.once('ready-to-show', () => window.show())
  await window.loadURL(devServerUrl ?? APP_ENTRY_URL)
}

app.on('web-contents-created', (_event, contents) => harden(contents))

app.whenReady().then(async () => {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = resolveAppRequest(request.url, rendererRoot)
    if (!file) return new Response('Not found', { status: 404 })
    const response = await net.fetch(pathToFileURL(file).toString())
    const headers = new Headers(response.headers)
    headers.set('Content-Security-Policy', APP_CSP)
    headers.set('X-Content-Type-Options', 'nosniff')
    return new Response(response.body, { status: response.status, headers })
  })
  // No remote content and no device or notification permissions for the page.
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  session.defaultSession.webRequest.onBeforeRequest((details, callback) => {
    callback({ cancel: !isLocalUrl(details.url) })
  })
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      menuTemplate({
        packaged: app.isPackaged,
        platform: process.platform,
        locale: app.getLocale(),
        // The answer reaches the window as app.updateStatus (manual: even "up to date" is shown).
        checkForUpdates: () => void core.call('app.checkForUpdates', { manual: true }),
      }),
    ),
  )
  core.start()
  bindIpc()
  await createWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) void createWindow()
  })
})

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})
app.on('before-quit', () => core.stop())
