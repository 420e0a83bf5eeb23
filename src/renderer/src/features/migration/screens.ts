import { registerScreen, type ScreenApp } from '../../screens/registry'
import { selectRunningVm } from '../vm/screens'

async function openMigration(app: ScreenApp): Promise<string | void> {
  const vm = selectRunningVm(app)
  if (typeof vm === 'string') return vm
  // Another host reached over SSH: its checks have something to say.
  const to = Object.values(app.state().hostStates).find(
    (state) => state.status === 'online' && !vm.runningOn.includes(state.name),
  )
  if (!to) return `no other online host to move ${vm.name} to`
  app.state().openMigration(vm.uuid, to.name)
}

registerScreen({
  id: 'migration-sheet',
  about: "The migration sheet: a running VM to another host, with the pre-checks' verdicts",
  ready: '[data-testid="migration-checks"]',
  open: openMigration,
  async close(app) {
    app.state().closeMigration()
  },
})

registerScreen({
  id: 'migration-block-step',
  about:
    "The migration sheet's first step: the VM's failover block moved through OVH (or how to configure OVH, or the manual confirmation)",
  ready: '[data-testid="migration-block"] > :not(.muted), [data-testid="migration-no-failover"]',
  open: openMigration,
  async close(app) {
    app.state().closeMigration()
  },
})
