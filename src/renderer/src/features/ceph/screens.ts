import { registerScreen } from '../../screens/registry'

registerScreen({
  id: 'ceph',
  about: 'Ceph: health, monitors, OSDs, pools, placement groups, flags',
  ready: '[data-testid="ceph-osds"]',
  async open(app) {
    app.select({ kind: 'ceph' })
  },
})
