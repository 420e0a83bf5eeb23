import { registerScreen } from '../../screens/registry'

registerScreen({
  id: 'tree',
  about: 'The cluster tree next to the cluster file (the first view)',
  ready: '[data-testid="config-hosts"]',
  async open(app) {
    app.select({ kind: 'config' })
  },
})

registerScreen({
  id: 'cluster-file-errors',
  about: "The cluster file's problems",
  ready: '[data-testid="config-problems"]',
  needs: 'broken-cluster-file',
  async open(app) {
    if (app.state().config?.problems.length === 0) return 'the cluster file has no problem'
    app.select({ kind: 'config' })
  },
})

registerScreen({
  id: 'cluster-file-edit',
  about:
    'The cluster file as a form: the hosts added or removed in the app (the first run shows the same form)',
  ready: '[data-testid="setup-form"]',
  async open(app) {
    if (app.state().config?.status !== 'ok') return 'the cluster file is not loaded'
    app.select({ kind: 'config' })
    await app.click('[data-testid="setup-edit"]')
  },
  async close(app) {
    await app.click('[data-testid="setup-cancel"]')
  },
})
