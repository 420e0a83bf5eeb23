import { commandStep } from '../../src/shared/errors'
/**
 * The cluster tree and the VM view in browser mode against the real lab: VMs under the hosts they
 * run on, starting a shut-off VM and seeing it run, a refused start with its reason and the fence
 * sheet that replaces the override, a force off confirmed by typing the name. Screenshots in test-results/screenshots/.
 * One page per language for the whole file (app.pageFor): each test starts from where the last one
 * left that window (its sheets closed), as a user's window would be; a fresh page cost 2-3.5 s.
 */
import type { Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { screenshotPath } from '../support/browser'
import { awaitNewVmJob, startLabBrowser, type LabBrowser } from '../support/lab-browser'
import { labCore, type LabCore } from '../support/lab-core'
import { asRootOn, faults, labGuest, LAB_HOSTS, requireLab, type LabHostName } from './support/lab'

const LABVM3 = labGuest('labvm3')
let app: LabBrowser
let lab: LabCore

async function stopLabvm3(): Promise<void> {
  await Promise.all(
    LAB_HOSTS.map((host) =>
      asRootOn(host.name, 'sh', '-c', `virsh -c qemu:///system destroy ${LABVM3.name} >/dev/null 2>&1; true`),
    ),
  )
}

beforeAll(async () => {
  // chromium launches while the lab is checked and the core connects
  app = await startLabBrowser(
    (async () => {
      await requireLab()
      await stopLabvm3()
      // A host whose sshd is back is reconnected within 200 ms, not after the next 1, 2, 4, 8 s backoff.
      lab = await labCore(undefined, { connection: { backoffMs: [200] } })
      await Promise.all(LAB_HOSTS.map((host) => lab.waitForStatus(host.name, 'online', 30_000)))
      return lab
    })(),
  )
}, 90_000)

afterAll(async () => {
  await app?.close()
  await lab?.cleanup()
  await stopLabvm3()
})

/** Set while a test has hv2's sshd killed: afterEach brings it back should the test fail half way
 * (a start of a running sshd after every test cost 0.1-0.3 s each). */
let hv2SshdKilled = false

afterEach(async () => {
  if (hv2SshdKilled) await faults.sshd('hv2', 'start').catch(() => undefined)
  hv2SshdKilled = false
})

/** The host a VM's row sits under in the tree ('' for the stopped group). */
function treeHostOf(page: Page, vm: string): Promise<string | null> {
  return page.getByTestId(`tree-vm-${vm}`).first().getAttribute('data-vm-host')
}

describe('cluster window', () => {
  it('shows the lab’s VMs under the hosts they run on, starts a shut-off VM and forces it off', async () => {
    const page = await app.pageFor('en-US', { width: 1280, height: 800 })
    const errors = app.errorsOf(page)

    await expect.poll(() => treeHostOf(page, 'labvm1'), { timeout: 30_000 }).toBe('hv1')
    // Each host's inventory arrives on its own: until hv2's has, labvm2 is only known shut off on hv1.
    await expect.poll(() => treeHostOf(page, 'labvm2'), { timeout: 30_000 }).toBe('hv2')
    expect(await treeHostOf(page, 'labvm3')).toBe('')
    expect(await page.getByTestId('tree-group-stopped').textContent()).toContain('Stopped (1)')
    expect(await page.getByTestId('tree-host-hv1').textContent()).toMatch(/1 VM/)
    await page.screenshot({ path: screenshotPath('cluster-tree') })

    await page.getByTestId('tree-vm-labvm3').click()
    await expect.poll(() => page.getByTestId('vm-state').textContent()).toBe('stopped')
    expect(await page.getByTestId('vm-details').textContent()).toContain('rbd:libvirt-sata/labvm3')
    await page.getByTestId('vm-start-host').selectOption('hv3')
    await page.getByTestId('vm-start').click()
    await expect
      .poll(() => page.getByTestId('vm-state').textContent(), { timeout: 60_000 })
      .toBe('running on hv3')
    await expect.poll(() => treeHostOf(page, 'labvm3')).toBe('hv3')
    expect((await asRootOn('hv3', 'virsh', '-c', 'qemu:///system', 'domstate', LABVM3.name)).trim()).toBe(
      'running',
    )
    // Live graphs: two samples 2 s apart give the first CPU figure.
    await expect
      .poll(() => page.getByTestId('vm-graphs-latest').textContent(), { timeout: 20_000 })
      .toMatch(/CPU \d+(\.\d)?%/)
    await page.screenshot({ path: screenshotPath('vm-running') })

    await page.getByTestId('vm-force-off').click()
    await expect.poll(() => page.getByTestId('force-off-confirm').isDisabled()).toBe(true)
    await page.getByTestId('force-off-name').fill('labvm3')
    await page.getByTestId('force-off-confirm').click()
    await expect.poll(() => page.getByTestId('vm-state').textContent(), { timeout: 30_000 }).toBe('stopped')
    expect((await asRootOn('hv3', 'virsh', '-c', 'qemu:///system', 'domstate', LABVM3.name)).trim()).toBe(
      'shut off',
    )
    expect(errors).toEqual([])
  })

  it('shows why a start is refused, and starts only after the user fences the unreachable host', async () => {
    const page = await app.pageFor('fr-FR', { width: 1280, height: 800 })
    await expect.poll(() => treeHostOf(page, 'labvm3'), { timeout: 30_000 }).toBe('')
    hv2SshdKilled = true
    await faults.sshd('hv2', 'kill')
    await lab.waitForStatus('hv2', 'offline', 60_000)

    await page.getByTestId('tree-vm-labvm3').click()
    await page.getByTestId('vm-start-host').selectOption('hv3')
    await awaitNewVmJob(page, () => page.getByTestId('vm-start').click(), 'failed', 60_000)
    const reason = page.locator('[data-refusal="host-unreachable"]')
    // Why hv2 cannot be reached is our own sentence too (sshd refused), in French, nested in the reason.
    expect(await reason.textContent()).toMatch(
      /^hv2 est injoignable \(Impossible de joindre hv2\s: connexion refusée .*\)\s: labvm3 y tourne peut-être\.$/,
    )
    expect((await asRootOn('hv3', 'virsh', '-c', 'qemu:///system', 'domstate', LABVM3.name)).trim()).toBe(
      'shut off',
    )
    await page.screenshot({ path: screenshotPath('vm-start-refused-fr') })

    // No checkbox any more: the way on is the fence sheet (host off, name typed).
    await page.getByTestId('vm-fence').click()
    const sheet = page.getByTestId('fence-sheet')
    expect(await sheet.locator('h1').textContent()).toBe('Isoler hv2 et démarrer labvm3')
    await expect
      .poll(() => sheet.getByTestId('fence-notes').locator('li').count(), { timeout: 30_000 })
      .toBeGreaterThan(1)
    expect(await sheet.getByTestId('fence-notes').textContent()).toContain(
      'labvm3 ne tournait pas sur hv2 la dernière fois qu’il a répondu',
    )
    await sheet.getByTestId('fence-start-host').selectOption('hv3')
    await sheet.getByTestId('fence-name').fill('labvm3')
    expect(await sheet.getByTestId('fence-confirm-button').isDisabled()).toBe(true)
    await sheet.getByTestId('fence-host-off').check()
    await sheet.getByTestId('fence-confirm-button').click()
    await expect
      .poll(() => sheet.getByTestId('fence-job').getAttribute('data-state'), { timeout: 90_000 })
      .toBe('succeeded')
    await sheet.getByTestId('fence-close').click()
    await expect
      .poll(() => page.getByTestId('vm-state').textContent(), { timeout: 60_000 })
      .toBe('en marche sur hv3')
    await faults.sshd('hv2', 'start')
    hv2SshdKilled = false
    // labvm3 is stopped as root on the hosts while the core reconnects to hv2: neither waits on the other.
    await Promise.all([lab.waitForStatus('hv2', 'online', 60_000), stopLabvm3()])
  })

  it('migrates a running VM by drag and drop, with pre-checks, progress and the gateway checklist, and back from the menu in French', async () => {
    const page = await app.pageFor('en-US', { width: 1280, height: 900 })
    const errors = app.errorsOf(page)
    // From wherever labvm1 runs now (the lab starts it on hv1) to another host, and back.
    await expect.poll(() => treeHostOf(page, 'labvm1'), { timeout: 30_000 }).toMatch(/^hv[123]$/)
    const home = (await treeHostOf(page, 'labvm1')) as LabHostName
    const away: LabHostName = home === 'hv1' ? 'hv2' : 'hv1'
    const awayGateway = LAB_HOSTS.find((host) => host.name === away)!.gateway

    await page.getByTestId('tree-vm-labvm1').dragTo(page.getByTestId(`tree-host-${away}`))
    const sheet = page.getByTestId('migration-sheet')
    expect(await sheet.locator('h1').textContent()).toBe(`Migrate labvm1 from ${home} to ${away}`)
    await expect.poll(() => sheet.locator('[data-check]').count(), { timeout: 30_000 }).toBeGreaterThan(5)
    const statuses = await sheet
      .locator('[data-check]')
      .evaluateAll((items) => items.map((item) => item.getAttribute('data-level')))
    expect(statuses).not.toContain('fail')
    await page.screenshot({ path: screenshotPath('migration-sheet') })
    // Nothing moves before the explicit confirm.
    expect((await asRootOn(home, 'virsh', '-c', 'qemu:///system', 'domstate', 'labvm1')).trim()).toBe(
      'running',
    )

    await page.getByTestId('migration-confirm').click()
    await expect.poll(() => page.getByTestId('migration-done').isVisible(), { timeout: 90_000 }).toBe(true)
    expect(await page.getByTestId('migration-commands').textContent()).toContain('ifdown eth0')
    expect(await page.getByTestId('migration-checklist').textContent()).toContain(awayGateway)
    await expect.poll(() => treeHostOf(page, 'labvm1')).toBe(away)
    expect((await asRootOn(away, 'virsh', '-c', 'qemu:///system', 'domstate', 'labvm1')).trim()).toBe(
      'running',
    )
    await page.screenshot({ path: screenshotPath('migration-done') })
    await page.getByTestId('migration-close').click()

    // Back without the mouse, and in French: the VM view's menu opens the same sheet, whose checks
    // read in French (the core sends each sentence's key and values, not only its English).
    const french = await app.pageFor('fr-FR', { width: 1280, height: 900 })
    const frenchErrors = app.errorsOf(french)
    await french.getByTestId('tree-vm-labvm1').click()
    await french.getByTestId('vm-migrate-host').selectOption(home)
    await french.getByTestId('vm-migrate').focus()
    await french.keyboard.press('Enter')
    await expect
      .poll(() => french.getByTestId('migration-confirm').isEnabled(), { timeout: 30_000 })
      .toBe(true)
    const check = (id: string) => french.locator(`[data-check="${id}"]`).textContent()
    expect(await check('drift')).toBe(
      `✔La définition sur ${home} est identique à celle de ${away}\u00a0: elle reste définie sur les deux après la migration.`,
    )
    expect(await check('memory')).toMatch(/^✔labvm1 a besoin de 128\sMio\u202f; .+\s[MG]io disponibles\.$/)
    expect(await check('ceph-secret')).toMatch(/^✔Le secret Ceph [0-9a-f-]{36} a une valeur sur hv[123]\.$/)
    await french.screenshot({ path: screenshotPath('migration-sheet-fr') })
    await french.getByTestId('migration-confirm').click()
    await expect.poll(() => french.getByTestId('migration-done').isVisible(), { timeout: 90_000 }).toBe(true)
    await expect.poll(() => treeHostOf(french, 'labvm1')).toBe(home)
    await french.getByTestId('migration-close').click()
    expect(errors).toEqual([])
    expect(frenchErrors).toEqual([])
  })

  it('shows a definition that drifted on one host, with the diff, and syncs it back', async () => {
    // Stopped, so the reference definition is the first host's (hv1), not hv3's.
    await stopLabvm3()
    // An edit made on hv3 only, as the runbook warns about ("devront être répercutées").
    await asRootOn('hv3', 'virsh', '-c', 'qemu:///system', 'setmaxmem', LABVM3.name, '262144', '--config')
    await lab.core.call('inventory.refresh', {})
    const page = await app.pageFor('en-US', { width: 1280, height: 900 })
    await expect
      .poll(() => page.getByTestId('tree-vm-labvm3').textContent(), { timeout: 30_000 })
      .toContain('DRIFT')
    await page.getByTestId('tree-vm-labvm3').click()
    await page.getByTestId('definitions-compare').click()
    const hv3 = page.locator('[data-host-definition="hv3"]')
    await expect.poll(() => hv3.getAttribute('data-status'), { timeout: 30_000 }).toBe('different')
    expect(await hv3.locator('pre').textContent()).toMatch(/262144/)
    await page.screenshot({ path: screenshotPath('vm-drift') })

    await page.getByTestId('definitions-source').selectOption('hv1')
    await page.getByTestId('definitions-sync').click()
    // The plan first: hv3 would be redefined; labvm3 runs nowhere, so no host has to be named.
    const planned = page.locator('[data-sync-host="hv3"]')
    await expect.poll(() => planned.getAttribute('data-status'), { timeout: 30_000 }).toBe('different')
    expect(await page.getByTestId('definitions-running-warning').count()).toBe(0)
    await page.getByTestId('definitions-sync-confirm').click()
    await expect
      .poll(() => page.getByTestId('tree-vm-labvm3').textContent(), { timeout: 60_000 })
      .not.toContain('DRIFT')
    await page.getByTestId('definitions-compare').click()
    await expect.poll(() => hv3.getAttribute('data-status'), { timeout: 30_000 }).toBe('same')
    const memory = await asRootOn('hv3', 'virsh', '-c', 'qemu:///system', 'dominfo', LABVM3.name)
    expect(memory).toMatch(/Max memory:\s+131072 KiB/)
  })
  it('shows a host: resources with live graphs, its VMs, versions, host key, doctor, and the commands that failed there', async () => {
    const page = await app.pageFor('fr-FR', { width: 1280, height: 1400 })
    const errors = app.errorsOf(page)
    await page.getByTestId('tree-host-hv1').click()
    const view = page.getByTestId('host-detail')
    await expect
      .poll(() => view.getByTestId('host-resources').textContent(), { timeout: 30_000 })
      .toMatch(/\d+ CPU/)
    expect(await view.getByTestId('host-software').textContent()).toMatch(/hv1 · libvirt 9\.\d/)
    // The key known_hosts vouched for: the same as the lab's host key for hv1.
    const fingerprint = (await asRootOn('hv1', 'ssh-keygen', '-lf', '/etc/ssh/ssh_host_ed25519_key.pub'))
      .split(' ')[1]!
      .trim()
    expect(await view.getByTestId('host-fingerprint').textContent()).toContain(fingerprint)
    // Every lab VM is defined on hv1; labvm1 runs there.
    await expect.poll(() => view.getByTestId('host-vm-labvm1').getAttribute('data-state')).toBe('running')
    expect(await view.getByTestId('host-vm-labvm3').getAttribute('data-state')).toBe('shutoff')
    await expect
      .poll(() => page.getByTestId('doctor-checks').locator('[data-check]').count(), { timeout: 30_000 })
      .toBeGreaterThan(5)
    // Two samples 2 s apart give the first figures.
    await expect
      .poll(() => view.getByTestId('host-graphs-latest').textContent(), { timeout: 20_000 })
      .toMatch(/CPU \d+(,\d)?\s%\s· \d+(,\d)? Gio utilisés/)

    // A command that really fails on hv1, through the app's runner: it lands in the host's recent errors.
    await lab.context.runner
      .virsh('hv1', ['dominfo', 'hyperdesk-no-such-vm'], {
        step: commandStep('read a VM that does not exist'),
      })
      .catch(() => undefined)
    const entry = view.getByTestId('host-error-entry').first()
    await expect.poll(() => entry.textContent(), { timeout: 10_000 }).toContain('hyperdesk-no-such-vm')
    expect(await entry.textContent()).toContain('read a VM that does not exist')
    expect(await entry.textContent()).toMatch(/failed to get domain/)
    expect(await entry.getAttribute('data-code')).toBe('remote.failed')
    // Two points drawn (the first CPU figure needs two samples, a line two points).
    await expect
      .poll(async () => Number(await view.getByTestId('host-graphs').getAttribute('data-points')), {
        timeout: 10_000,
      })
      .toBeGreaterThanOrEqual(2)
    await page.screenshot({ path: screenshotPath('host-view-fr') })
    await view.getByTestId('host-errors').scrollIntoViewIfNeeded()
    await page.screenshot({ path: screenshotPath('host-view-errors-fr') })
    // Another host's view does not show hv1's errors.
    await page.getByTestId('tree-host-hv2').click()
    await expect.poll(() => page.getByTestId('host-detail').locator('h1').textContent()).toContain('hv2')
    expect(await page.getByTestId('host-errors').textContent()).not.toContain('hyperdesk-no-such-vm')
    expect(errors).toEqual([])
  })
})
