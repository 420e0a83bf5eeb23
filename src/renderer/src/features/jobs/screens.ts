import { registerScreen } from '../../screens/registry'

registerScreen({
  id: 'jobs',
  about: 'The jobs panel with every job unfolded: title, state, error, log',
  ready: '[data-testid="job-list"] details[open]',
  async open(app) {
    if (app.state().jobs.length === 0) return 'no job has run yet'
    app.select({ kind: 'config' })
    const list = await app.shown('[data-testid="job-list"]')
    for (const details of list.querySelectorAll('details')) details.open = true
  },
  async close() {
    for (const details of document.querySelectorAll('[data-testid="job-list"] details')) {
      ;(details as HTMLDetailsElement).open = false
    }
  },
})
