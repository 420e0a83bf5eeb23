import { registerScreen } from '../../screens/registry'

registerScreen({
  id: 'failover-ips',
  about: 'OVH failover IPs: blocks, routing, virtual MACs, claiming VMs, firewall hosts and badges',
  // the view, once OVH answered (the blocks) or refused (the error names what is missing)
  ready:
    '[data-testid="failover-view"] :is([data-testid="ovh-host-servers"], [data-testid="failover-error"])',
  async open(app) {
    app.select({ kind: 'failoverIps' })
  },
})

registerScreen({
  id: 'ovh-credentials',
  about:
    'OVH credentials: where they come from, the OS keychain, the guided consumer key, hosts’ OVH servers',
  ready: '[data-testid="ovh-credentials"] [data-testid="ovh-rules"]',
  async open(app) {
    app.select({ kind: 'failoverIps' })
    await app.click('[data-testid="ovh-credentials-open"]')
  },
  async close(app) {
    await app.click('[data-testid="ovh-credentials-close"]')
  },
})

registerScreen({
  id: 'host-firewall',
  about: 'The hosts’ firewall: IPS_FAILOVER on every host side by side, drift, add/remove on all hosts',
  ready: '[data-testid="firewall-view"] :is([data-testid="firewall-table"], [data-testid="firewall-error"])',
  async open(app) {
    app.select({ kind: 'hostFirewall' })
  },
})
