import { registerScreen } from '../../screens/registry'
import { selectHost } from '../hosts/screens'

registerScreen({
  id: 'maintenance-sheet',
  about: "A host's maintenance sheet: checks, where each VM goes, Ceph's noout, the steps",
  ready: '[data-testid="maintenance-checks"]',
  async open(app) {
    const found = selectHost(app, 'online')
    if (typeof found === 'string') return found
    await app.click('[data-testid="open-maintenance"]')
  },
  async close(app) {
    await app.click('[data-testid="maintenance-close"]')
  },
})
