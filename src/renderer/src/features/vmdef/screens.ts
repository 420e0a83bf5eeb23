import { registerScreen } from '../../screens/registry'
import { selectRunningVm } from '../vm/screens'

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
