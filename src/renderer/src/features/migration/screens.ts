import { registerScreen } from '../../screens/registry'
import { selectRunningVm } from '../vm/screens'

registerScreen({
  id: 'migration-sheet',
  about: "The migration sheet: a running VM to another host, with the pre-checks' verdicts",
  ready: '[data-testid="migration-checks"]',
  async open(app) {
    const vm = selectRunningVm(app)
    if (typeof vm === 'string') return vm
    // Another host reached over SSH: its checks have something to say.
    const to = Object.values(app.state().hostStates).find(
      (state) => state.status === 'online' && !vm.runningOn.includes(state.name),
    )
    if (!to) return `no other online host to move ${vm.name} to`
    app.state().openMigration(vm.uuid, to.name)
  },
  async close(app) {
    app.state().closeMigration()
  },
})
