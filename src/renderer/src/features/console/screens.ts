import { registerScreen, type ScreenApp } from '../../screens/registry'
import { tabKey, type ConsoleTab } from '../../store'
import { selectHost } from '../hosts/screens'
import { selectRunningVm } from '../vm/screens'

/** Opens a console tab on the walk's running VM (or on the online host for a shell). */
function openConsole(app: ScreenApp, kind: ConsoleTab['kind']): string | undefined {
  if (kind === 'shell') {
    const found = selectHost(app, 'online')
    if (typeof found === 'string') return found
    app.state().openConsole({ kind, host: found.host })
    return undefined
  }
  const vm = selectRunningVm(app)
  if (typeof vm === 'string') return vm
  app.state().openConsole({ kind, uuid: vm.uuid })
  return undefined
}

async function closeConsoles(app: ScreenApp): Promise<void> {
  for (const tab of app.state().consoleTabs) app.state().closeConsole(tabKey(tab))
}

registerScreen({
  id: 'vnc-console',
  about: "A VM's graphical console with the network helper open",
  ready: '[data-testid="network-helper"]',
  async open(app) {
    const why = openConsole(app, 'vnc')
    if (why) return why
    await app.shown('[data-testid="vnc-status"][data-status="connected"]')
    await app.click('[data-testid="console-network"]')
  },
  close: closeConsoles,
})

registerScreen({
  id: 'serial-console',
  about: "A VM's serial console",
  ready: '[data-testid="terminal-status"][data-status="open"]',
  open: async (app) => openConsole(app, 'serial'),
  close: closeConsoles,
})

registerScreen({
  id: 'host-shell',
  about: "A host's shell",
  ready: '[data-testid="terminal-status"][data-status="open"]',
  open: async (app) => openConsole(app, 'shell'),
  close: closeConsoles,
})
