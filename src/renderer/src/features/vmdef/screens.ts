import { registerScreen } from '../../screens/registry'
import { selectRunningVm, selectVm } from '../vm/screens'

registerScreen({
  id: 'vm-create-wizard',
  about: 'The new-VM wizard: the form, its live rules and the pre-checks of every host',
  ready: '[data-testid="vm-create-form"]',
  async open(app) {
    app.select({ kind: 'config' })
    await app.click('[data-testid="open-vm-create"]')
  },
  async close(app) {
    await app.click('[data-testid="vm-create-close"]')
  },
})

registerScreen({
  id: 'vm-delete-dialog',
  about: 'The delete dialog, on a running VM: refused until it is off, disks behind the typed name',
  ready: '[data-testid="vm-delete-running"]',
  async open(app) {
    const vm = selectRunningVm(app)
    if (typeof vm === 'string') return vm
    await app.click('[data-testid="vm-delete"]')
  },
  async close(app) {
    await app.click('[data-testid="vm-delete-dialog-cancel"]')
  },
})

registerScreen({
  id: 'vm-edit-sheet',
  about: 'The edit sheet of a running VM: its settings as every host has them, the diff, live and pending',
  ready: '[data-testid="vm-edit-form"]',
  async open(app) {
    const vm = selectRunningVm(app)
    if (typeof vm === 'string') return vm
    await app.click('[data-testid="vm-edit"]')
  },
  async close(app) {
    await app.click('[data-testid="vm-edit-close"]')
  },
})

registerScreen({
  id: 'vm-rename-dialog',
  about: 'The rename dialog, on a running VM: refused until it is off, the new name checked live',
  ready: '[data-testid="vm-rename-running"]',
  async open(app) {
    const vm = selectRunningVm(app)
    if (typeof vm === 'string') return vm
    await app.click('[data-testid="vm-rename"]')
  },
  async close(app) {
    await app.click('[data-testid="vm-rename-dialog-cancel"]')
  },
})

registerScreen({
  id: 'vm-clone-dialog',
  about: 'The clone dialog of a VM (off if one is): new name, pool, network, flatten, start, the pre-checks',
  ready: '[data-testid="vm-clone-form"]',
  async open(app) {
    const vm =
      selectVm(
        app,
        (candidate) => candidate.runningOn.length === 0 && candidate.lastKnownRunningOn.length === 0,
      ) ?? selectRunningVm(app)
    if (typeof vm === 'string') return vm
    await app.click('[data-testid="vm-clone"]')
  },
  async close(app) {
    await app.click('[data-testid="vm-clone-close"]')
  },
})
