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
