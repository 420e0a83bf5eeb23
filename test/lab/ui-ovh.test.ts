/**
 * The failover IP view in browser mode against the lab (issue 20): the core reads the lab's OVH
 * double (signed requests, OVH's shapes) for the blocks, their routing and virtual MACs, and every
 * lab host's real IPS_FAILOVER through the helper; the view shows labvm1's block routed to hv1's
 * server with its virtual MAC and the hosts whose firewall lists it, in French and English. One
 * core, one double, nothing changed on the lab (about 20 s of tests, 35 s with imports). The lab's
 * labvm1 records no failover IP in its definition's settings, so no VM claims the address here: the
 * claiming VMs and their badges are covered by test/e2e/ovh-screens.test.ts. Screenshots:
 * test-results/screenshots/lab-ovh-*.png.
 */
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { OVH_ACCESS_RULES } from '../../src/main/core/ovh/api'
import { screenshotPath } from '../support/browser'
import { labCore, type LabCore } from '../support/lab-core'
import { startLabBrowser, type LabBrowser } from '../support/lab-browser'
import { vmFailoverState } from './ovh-double/lab-state'
import { OvhDouble } from './ovh-double/server'
import { labGuest, requireLab } from './support/lab'

const VM = labGuest('labvm1')
const SERVER: Record<string, string> = {
  hv1: 'ns3000001.ip-10-77-11.eu',
  hv2: 'ns3000002.ip-10-77-12.eu',
  hv3: 'ns3000003.ip-10-77-13.eu',
}
const KEYS = {
  application: { key: 'hdLabAppKey00003', secret: 'hdLabAppSecret000000000000000003' },
  consumer: 'hdLabConsumerKey0000000000000003',
}
let double: OvhDouble
let lab: LabCore
let app: LabBrowser
const started = performance.now()

beforeAll(async () => {
  // chromium launches while the lab is checked and the core connects
  app = await startLabBrowser(
    (async () => {
      await requireLab()
      double = new OvhDouble({
        application: KEYS.application,
        consumers: [{ key: KEYS.consumer, rules: OVH_ACCESS_RULES.map((r) => ({ ...r })) }],
        state: vmFailoverState(VM, SERVER),
      })
      await double.start()
      lab = await labCore(
        (cluster) => {
          for (const host of cluster.hosts) host.ovhServiceName = SERVER[host.name]
        },
        {
          ovhCredentials: {
            files: [],
            env: {
              OVH_ENDPOINT: double.url,
              OVH_APPLICATION_KEY: KEYS.application.key,
              OVH_APPLICATION_SECRET: KEYS.application.secret,
              OVH_CONSUMER_KEY: KEYS.consumer,
            },
          },
        },
      )
      await Promise.all(['hv1', 'hv2', 'hv3'].map((host) => lab.waitForStatus(host, 'online', 30_000)))
      return lab
    })(),
  )
}, 90_000)

afterAll(async () => {
  await app?.close()
  await double?.close()
  await lab?.cleanup()
  console.log(`ui-ovh: ${Math.round((performance.now() - started) / 100) / 10} s`)
})

async function openView(locale: string): Promise<Page> {
  const page = await app.openPage(locale, { width: 1280, height: 900 })
  await page.getByTestId('show-failoverIps').click()
  await page.getByTestId('failover-view').getByTestId('ovh-host-servers').waitFor({ timeout: 30_000 })
  return page
}

describe.each([['en-US'], ['fr-FR']])('the failover IP view on the lab (%s)', (locale) => {
  it('shows labvm1’s block routed to hv1’s server, its virtual MAC and the hosts whose firewall lists it', async () => {
    const page = await openView(locale)
    const view = page.getByTestId('failover-view')
    const block = view.locator(`[data-testid="failover-block"][data-block="${VM.failoverIp}/32"]`)
    expect(await block.textContent()).toContain(SERVER['hv1'])
    const row = block.locator(`[data-testid="failover-address"][data-ip="${VM.failoverIp}"]`)
    const text = (await row.textContent()) ?? ''
    expect(text).toContain(VM.mac)
    // the lab's packetfilter lists every failover IP on every host (test/lab/packetfilter)
    expect(text).toContain('hv1, hv2, hv3')
    expect(await view.getByTestId('failover-read-at').textContent()).toContain(double.url)
    expect(double.violations).toEqual([])
    await page.screenshot({ path: screenshotPath(`lab-ovh-${locale.slice(0, 2)}`), fullPage: true })
    expect(app.errorsOf(page)).toEqual([])
    await page.context().close()
  }, 60_000)
})
