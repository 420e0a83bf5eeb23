import type { Vm } from '../../../../shared/inventory'
import { hostHealth } from '../../../../shared/host-health'
import { registerScreen, type ScreenApp } from '../../screens/registry'

/**
 * Selects a VM running on a fully usable host, the walk's usual subject; returns it, or why there is
 * none (the screen's `open` returns that sentence).
 */
export function selectRunningVm(app: ScreenApp): Vm | string {
  const states = app.state().hostStates
  const vm = app
    .state()
    .vms.find(
      (vm) => vm.runningOn.length === 1 && hostHealth(states[vm.runningOn[0] ?? '']).status === 'online',
    )
  if (!vm) return 'no VM runs on an online host'
  app.select({ kind: 'vm', uuid: vm.uuid })
  return vm
}

/** Selects the first VM that fits (e.g. one that is off); undefined when none does. */
export function selectVm(app: ScreenApp, fits: (vm: Vm) => boolean): Vm | undefined {
  const vm = app.state().vms.find(fits)
  if (vm) app.select({ kind: 'vm', uuid: vm.uuid })
  return vm
}

/** Selects a VM last seen running on a host that no longer answers; returns why when there is none. */
function selectLostVm(app: ScreenApp): string | undefined {
  const vm = app.state().vms.find((candidate) => candidate.lastKnownRunningOn.length > 0)
  if (!vm) return 'no VM was running on a host that is now unreachable'
  app.select({ kind: 'vm', uuid: vm.uuid })
  return undefined
}

registerScreen({
  id: 'vm',
  about: 'A running VM: state, actions, disks, definitions, settings and graphs',
  ready: '[data-testid="vm-details"]',
  async open(app) {
    const vm = selectRunningVm(app)
    if (typeof vm === 'string') return vm
  },
})

registerScreen({
  id: 'vm-lost-host',
  about: 'A VM last seen running on a host that does not answer: where it was, fence and start',
  ready: '[data-testid="vm-fence"]',
  async open(app) {
    return selectLostVm(app)
  },
})

registerScreen({
  id: 'fence-sheet',
  about: 'The fence sheet of a VM on a lost host: what will be cut off from Ceph, the facts, the start',
  ready: '[data-testid="fence-notes"]',
  async open(app) {
    const why = selectLostVm(app)
    if (why) return why
    await app.click('[data-testid="vm-fence"]')
  },
  async close(app) {
    await app.click('[data-testid="fence-close"]')
  },
})

registerScreen({
  id: 'force-off-dialog',
  about: "The force-off confirmation: type the VM's name",
  ready: '[data-testid="force-off-dialog"]',
  async open(app) {
    const vm = selectRunningVm(app)
    if (typeof vm === 'string') return vm
    await app.click('[data-testid="vm-force-off"]')
  },
  async close(app) {
    await app.click('[data-testid="force-off-dialog-cancel"]')
  },
})
