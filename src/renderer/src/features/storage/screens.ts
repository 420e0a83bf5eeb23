import { registerScreen } from '../../screens/registry'

registerScreen({
  id: 'storage',
  about: 'RBD images per pool: sizes, VMs, watchers, orphans',
  ready: '[data-testid^="storage-pool-"] [data-testid^="storage-image-"]',
  async open(app) {
    app.select({ kind: 'storage' })
  },
})

registerScreen({
  id: 'storage-image',
  about: "An image's panel: snapshots, grow, shrink, delete",
  ready: '[data-testid="storage-image-panel"]',
  async open(app) {
    app.select({ kind: 'storage' })
    await app.click('[data-testid^="storage-image-"] [data-testid="storage-manage"]')
  },
})
