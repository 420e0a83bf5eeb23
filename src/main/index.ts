// The English sentences for logs and errors (registered by loading the catalog).
import '../shared/messages/catalog'
import {
  app,
  BrowserWindow,
  ipcMain,
  Menu,
  MessageChannelMain,
  net,
  Notification,
  screen,
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
  IPC_MENU_COMMAND,
  IPC_NOTIFY,
  IPC_SET_LANGUAGE,
  IPC_STREAM_OPEN,
  IPC_STREAM_PORT,
  IPC_SUBSCRIBE,
  IPC_UNSUBSCRIBE,
} from '../shared/ipc'
import { APP_CSP, APP_ENTRY_URL, APP_SCHEME, resolveAppRequest } from './app-protocol'
import { CoreBridge } from './core-bridge'
import { defaultConfigDir, defaultConfigPath, defaultLogDir } from './core/paths'
import { checkIpcCall, checkIpcEvent, checkLanguage, checkNotice, isTrustedSender } from './ipc-guard'
import { jobEndLine, LogFile } from './log-file'
import { menuLanguage, menuTemplate, type MenuLanguage } from './menu'
import { DEFAULT_UPDATE_FEED, isProjectPage } from '../shared/updates'
import { isOvhValidationUrl } from '../shared/ovh'
import { mainWindowOptions } from './window-options'
import { loadWindowState, restoredBounds, saveWindowState } from './window-state'

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

// One instance: a second launch hands over to the first (its window comes to the front) and quits.
const primary = app.requestSingleInstanceLock()
if (!primary) app.quit()

const log = new LogFile({ dir: defaultLogDir() })
const windowStateFile = path.join(defaultConfigDir(), 'window-state.json')
let mainWindow: BrowserWindow | null = null
let language: MenuLanguage = 'en'

// Packaged builds check the project's releases; HYPERDESK_UPDATE_FEED sets another feed, or "off".
const updateFeed = process.env.HYPERDESK_UPDATE_FEED ?? (app.isPackaged ? DEFAULT_UPDATE_FEED : 'off')
const core = new CoreBridge(
  path.join(__dirname, 'core-process.js'),
  [
    '--config',
    process.env.HYPERDESK_CONFIG ?? defaultConfigPath(),
    '--version',
    app.getVersion(),
    ...(updateFeed && updateFeed !== 'off' ? ['--update-feed', updateFeed] : []),
  ],
  {
    warn: (text) => log.warn(text),
    event: (event, payload) => {
      const line = event === 'jobs.update' ? jobEndLine(payload) : null
      if (line) log.info(line)
    },
  },
)

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
  // The window's language: the menu is rebuilt in it (anything but 'fr' or 'en' is ignored).
  ipcMain.on(IPC_SET_LANGUAGE, (event, value: unknown) => {
    const checked = checkLanguage(value)
    if (!checked || !isTrusted(event.senderFrame) || checked === language) return
    language = checked
    setMenu()
  })
  // A long job ended while the window was in the background: a desktop notification; a click on it
  // brings the window back.
  ipcMain.on(IPC_NOTIFY, (event, value: unknown) => {
    const notice = checkNotice(value)
    if (!notice || !isTrusted(event.senderFrame) || !Notification.isSupported()) return
    if (mainWindow?.isFocused()) return
    const notification = new Notification({ title: notice.title, body: notice.body })
    notification.on('click', () => showWindow())
    notification.show()
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
  // Console windows are opened by main, never by the page. The links that leave the app (a newer
  // release's page, About's links) open in the user's browser — only under the project's own pages,
  // and OVH's page that validates a consumer key the app asked for (the OVH credentials dialog).
  contents.setWindowOpenHandler(({ url }) => {
    if (isProjectPage(url) || isOvhValidationUrl(url)) void shell.openExternal(url)
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

function setMenu(): void {
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      menuTemplate({
        packaged: app.isPackaged,
        platform: process.platform,
        language,
        // The answer reaches the window as app.updateStatus (manual: even "up to date" is shown).
        checkForUpdates: () => void core.call('app.checkForUpdates', { manual: true }),
        openLogFolder: () => void shell.openPath(path.dirname(log.file)),
        command: (command) => {
          showWindow()
          mainWindow?.webContents.send(IPC_MENU_COMMAND, command)
        },
      }),
    ),
  )
}

function showWindow(): void {
  if (!mainWindow) return
  if (mainWindow.isMinimized()) mainWindow.restore()
  mainWindow.show()
  mainWindow.focus()
}

async function createWindow(): Promise<void> {
  const saved = loadWindowState(windowStateFile)
  const bounds = restoredBounds(
    saved,
    screen.getAllDisplays().map((display) => display.workArea),
  )
  const window = new BrowserWindow({
    ...mainWindowOptions(path.join(__dirname, '../preload/index.js')),
    ...(bounds ?? {}),
  })
  mainWindow = window
  window.once('ready-to-show', () => {
    if (bounds && saved?.maximized) window.maximize()
    window.show()
  })
  // Size and position are kept on close (the normal bounds, also when maximized).
  window.on('close', () => {
    const normal = window.getNormalBounds()
    saveWindowState(windowStateFile, { ...normal, maximized: window.isMaximized() })
  })
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = null
  })
  await window.loadURL(devServerUrl ?? APP_ENTRY_URL)
}

app.on('second-instance', () => {
  log.info('a second launch: this window is brought to the front')
  showWindow()
})

app.on('web-contents-created', (_event, contents) => harden(contents))

app.whenReady().then(async () => {
  if (!primary) return
  log.info(
    `Hyperdesk ${app.getVersion()} starts (${process.platform} ${process.arch}, Electron ${process.versions.electron})`,
  )
  language = menuLanguage(app.getLocale())
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
  setMenu()
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
// The first quit waits for the core's close (a finished job's lease release must not be lost;
// core-stop.ts bounds the wait), then quits again, and that quit goes through. A quit asked again
// meanwhile waits for the same close.
let coreStop: 'running' | 'stopping' | 'stopped' = 'running'
app.on('before-quit', (event) => {
  if (coreStop === 'stopped') return
  event.preventDefault()
  if (coreStop === 'stopping') return
  coreStop = 'stopping'
  if (primary) log.info('Hyperdesk quits')
  void core.stop().finally(() => {
    coreStop = 'stopped'
    app.quit()
  })
})
