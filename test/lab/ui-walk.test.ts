/**
 * The walk (issue 18, item 7): every screen of the window's registry (src/renderer/src/screens/) is
 * opened against the real lab in the pseudo-locale, then switched to French and English. In the pseudo-locale
 * every catalog string is wrapped in ⟦…⟧; the walk fails on any visible text outside the marks that
 * is not data (an element with translate="no": names, addresses, sizes, what a host printed — see
 * <Data> in src/renderer/src/components/Data.tsx). The French and English runs leave screenshots
 * test-results/screenshots/walk-<screen>-{fr,en}.png.
 *
 * The lab as the screens need it: hv1 online; hv2 cut off the network after labvm2 was seen running
 * there (an offline host, a VM on a lost host); hv3's Ceph keyring removed (its doctor fails); one
 * finished job (an image's disk usage). Screens that need a broken cluster file are walked last, on a
 * file with problems. Every fault is undone in afterAll.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { screenshotPath } from '../support/browser'
import { startLabBrowser, type LabBrowser } from '../support/lab-browser'
import { labCore, type LabCore } from '../support/lab-core'
import { faults, labGuest, noteTiming, requireLab, waitFor } from './support/lab'

type Language = 'pseudo' | 'fr' | 'en'
interface ScreenInfo {
  id: string
  about: string
  ready: string
  needs?: string
}
interface Walker {
  list(): ScreenInfo[]
  open(id: string): Promise<void>
  close(id: string): Promise<void>
  language(language: Language): Promise<void>
}

/**
 * English the core still writes as sentences (issue 18 items 1–2): empty since msg2's conversion
 * (job steps, maintenance checks and noout reason, follow-up notes, the cluster file's problems).
 * Each entry is one finding of /work/wt/WALK-FINDINGS.md: the screen, the text, where the core
 * writes it. Tolerated only on that screen and only while it is seen: an entry that matches nothing
 * fails the walk, so the list shrinks as the conversion lands. Never a blanket exemption.
 */
const CORE_ENGLISH: { screens: string[]; text: RegExp; from: string }[] = []

let lab: LabCore
let ui: LabBrowser
let hv2Cut = false
let hv3KeyringOff = false

beforeAll(async () => {
  // chromium launches while the lab is readied (a host cut, a keyring off) and the core connects
  ui = await startLabBrowser(
    (async () => {
      await requireLab()
      // Keepalives every second: a cut host is offline within ~3 s; no reconnection during the walk.
      lab = await labCore(undefined, {
        connection: { keepaliveIntervalMs: 1000, keepaliveCountMax: 2, backoffMs: [10 * 60_000] },
      })
      hv3KeyringOff = true
      await faults.keyring('hv3', 'off')
      await lab.waitForInventory(60_000)
      // hv3's doctor ran before its keyring went: ask again.
      await lab.core.call('hosts.doctor', { host: 'hv3' })
      await waitFor('hv3 to fail its doctor', () =>
        lab.states.get('hv3')?.doctor?.checks.some((check) => check.level === 'fail'),
      )
      const labvm1 = labGuest('labvm1')
      await lab.runJob('storage.du', { pool: labvm1.pool, image: labvm1.name })
      // The lost-host screens need a VM that hv2 ran when it went away: make sure the inventory saw one
      // running there first, and, after the cut, that the model has marked it (the SSH state goes offline
      // before the inventory re-reads: a quick walk could otherwise still see the VM running on hv2).
      const runsOnHv2 = () =>
        lab.context.inventory
          .snapshot()
          .vms.some((vm) => vm.runningOn.includes('hv2') || vm.lastKnownRunningOn.includes('hv2'))
      await waitFor('a VM running on hv2 in the inventory (the walk cuts hv2)', runsOnHv2, 60_000)
      hv2Cut = true
      await faults.net('hv2', 'cut')
      await lab.waitForStatus('hv2', 'offline', 30_000)
      await waitFor(
        'the inventory to show a VM last seen running on the cut hv2',
        () => lab.context.inventory.snapshot().vms.some((vm) => vm.lastKnownRunningOn.includes('hv2')),
        60_000,
      )
      return lab
    })(),
  )
}, 150_000)

afterAll(async () => {
  const started = performance.now()
  // Two hosts put back side by side, while chromium closes and before the core does: closing the
  // connection to a still-cut hv2 waited out its 2 s for an answer to the disconnect.
  await Promise.all([
    ui?.close(),
    hv2Cut && faults.net('hv2', 'restore'),
    hv3KeyringOff && faults.keyring('hv3', 'on'),
  ])
  noteTiming(performance.now() - started, 'walk: chromium closed, hv2 and hv3 put back')
  const closing = performance.now()
  await lab?.cleanup()
  noteTiming(performance.now() - closing, 'walk: core closed')
})

/**
 * One page for a whole walk, started in the pseudo-locale (the language is read once, at load, from
 * what the user saved); the walk switches it to French and English as the header's menu does.
 */
async function openPage(): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await ui.browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 900 } })
  await context.addInitScript(() => localStorage.setItem('hyperdesk.language', 'pseudo'))
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  await page.goto(ui.server.url)
  await page.waitForFunction(() => 'hyperdeskScreens' in window)
  return { context, page, errors }
}

const walker = (page: Page) => ({
  list: () =>
    page.evaluate(() => (window as unknown as { hyperdeskScreens: Walker }).hyperdeskScreens.list()),
  open: (id: string) =>
    page.evaluate(
      (screen) => (window as unknown as { hyperdeskScreens: Walker }).hyperdeskScreens.open(screen),
      id,
    ),
  close: (id: string) =>
    page.evaluate(
      (screen) => (window as unknown as { hyperdeskScreens: Walker }).hyperdeskScreens.close(screen),
      id,
    ),
  /**
   * Switches the window's language; resolves once the page says it is in that language (one round
   * trip to the page: the switch and the wait for <html lang> in the same call).
   */
  language: (language: Language) =>
    page.evaluate(async (lng) => {
      await (window as unknown as { hyperdeskScreens: Walker }).hyperdeskScreens.language(lng)
      const lang = lng === 'fr' ? 'fr' : 'en'
      const end = performance.now() + 10_000
      while (document.documentElement.lang !== lang) {
        if (performance.now() > end) throw new Error(`the page is not in ${lang} 10 s after the switch`)
        await new Promise((resolve) => requestAnimationFrame(resolve))
      }
    }, language),
})

/**
 * Runs in the page: the visible text outside ⟦…⟧ and outside data (translate="no"), as the runs of
 * words between marks and data that contain a letter or a digit. Placeholders and the options of
 * visible drop-downs count as visible text.
 */
function unmarkedText(): string[] {
  const DATA = '\u2063'
  const isData = (element: Element) => element.closest('[translate="no"]') !== null
  const shown = (element: Element) =>
    element.checkVisibility({ visibilityProperty: true, opacityProperty: true })
  const parts: string[] = []
  // A modal dialog or sheet hides the rest from the user: only it is read (the rest is its own screen).
  const root = document.querySelector('dialog:modal') ?? document.body
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT)
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement
    if (!parent || parent.closest('script, style, select')) continue
    if (isData(parent)) parts.push(DATA)
    else if (shown(parent)) parts.push((node as Text).data)
  }
  for (const field of root.querySelectorAll<HTMLInputElement>('input[placeholder], textarea[placeholder]'))
    if (shown(field) && !isData(field)) parts.push(DATA, field.placeholder, DATA)
  for (const select of root.querySelectorAll('select'))
    if (shown(select))
      for (const option of select.options) parts.push(DATA, isData(option) ? '' : option.text, DATA)
  let text = parts.join('')
  for (let before = ''; before !== text;) {
    before = text
    text = text.replace(/⟦[^⟦⟧]*⟧/g, DATA)
  }
  return text
    .split(DATA)
    .map((run) => run.replace(/\s+/g, ' ').trim())
    .filter((run) => /[\p{L}\p{N}]/u.test(run))
}

/** Two reads of the page's text at least this far apart that agree: the screen has settled. */
const SETTLED_MS = 150

/**
 * A screenshot of a settled screen: the page's text read before the screenshot and again after it,
 * at least SETTLED_MS apart, is the same (else it is taken again). The same proof as settle() and
 * then a screenshot, and the picture is taken inside the settled span: the screenshot's own time
 * counts towards it instead of being added after it (60 screenshots a walk).
 */
async function screenshotSettled(page: Page, file: string): Promise<void> {
  await waitFor(
    `the screen to settle for ${path.basename(file)}`,
    async () => {
      const started = performance.now()
      const before = await page.evaluate(() => document.body.innerText)
      await page.screenshot({ path: file })
      const left = SETTLED_MS - (performance.now() - started)
      if (left > 0) await new Promise((resolve) => setTimeout(resolve, left))
      return before === (await page.evaluate(() => document.body.innerText)) || undefined
    },
    10_000,
    0,
  )
}

async function settle(page: Page): Promise<void> {
  // Screens fill in as their calls answer; wait until the page's text stops changing.
  let last = ''
  await waitFor(
    'the screen to settle',
    async () => {
      const now = await page.evaluate(() => document.body.innerText)
      const same = now === last
      last = now
      return same || undefined
    },
    10_000,
    SETTLED_MS,
  )
}

/**
 * Walks the screens that need `needs` in one page; returns every screen the registry lists. Each
 * screen is opened once, in the pseudo-locale (its text read), then switched to French and to English
 * (a screenshot each): opening every screen again per language took two thirds of the walk, and a
 * text a screen keeps from the language it was opened in shows as ⟦…⟧ in those screenshots.
 */
async function walk(needs: string | undefined, found: Map<string, string[]>): Promise<ScreenInfo[]> {
  const { context, page, errors } = await openPage()
  const screens = walker(page)
  const all = await screens.list()
  for (const screen of all.filter((candidate) => candidate.needs === needs)) {
    const marks = [performance.now()]
    const mark = () => marks.push(performance.now())
    await screens.open(screen.id)
    mark()
    await settle(page)
    found.set(screen.id, await page.evaluate(unmarkedText))
    mark()
    for (const language of ['fr', 'en'] as const) {
      await screens.language(language)
      mark()
      // The window fills the viewport (.app is 100vh) and scrolls inside: a full-page shot is the
      // same 1280×900 image (all 60 were), taken slower (Playwright measures and re-lays out first).
      await screenshotSettled(page, screenshotPath(`walk-${screen.id}-${language}`))
      mark()
    }
    await screens.close(screen.id)
    await screens.language('pseudo')
    mark()
    const spans = marks.slice(1).map((at, index) => Math.round(at - marks[index]!))
    noteTiming(
      marks.at(-1)! - marks[0]!,
      `walk ${screen.id} (open, pseudo, fr switch, fr shot, en switch, en shot, close: ${spans.join(', ')} ms)`,
    )
  }
  expect(errors, 'uncaught errors').toEqual([])
  await context.close()
  return all
}

/** The runs found outside marks, less the core's English still allowed; the allowances seen. */
function judge(found: Map<string, string[]>, used: Set<number>): Record<string, string[]> {
  const bad: Record<string, string[]> = {}
  for (const [screen, runs] of found) {
    const left = runs.filter((run) => {
      const index = CORE_ENGLISH.findIndex((entry) => entry.screens.includes(screen) && entry.text.test(run))
      if (index >= 0) used.add(index)
      return index < 0
    })
    if (left.length > 0) bad[screen] = left
  }
  return bad
}

describe('the walk through every screen', () => {
  it('finds no text outside the catalogs and data, in the pseudo-locale, then shows each screen in French and English', async () => {
    const started = performance.now()
    const found = new Map<string, string[]>()
    const used = new Set<number>()
    const all = await walk(undefined, found)

    // The cluster file with problems: a misspelt key and a port out of range.
    const configPath = path.join(lab.dir, 'cluster.json')
    const good = fs.readFileSync(configPath, 'utf8')
    const broken = JSON.parse(good)
    broken.hosts[0].adress = broken.hosts[0].address
    broken.hosts[1].port = 70000
    fs.writeFileSync(configPath, JSON.stringify(broken, null, 2))
    try {
      await lab.core.call('config.reload', {})
      await walk('broken-cluster-file', found)
    } finally {
      fs.writeFileSync(configPath, good)
      await lab.core.call('config.reload', {})
    }

    expect([...found.keys()].sort()).toEqual(all.map((screen) => screen.id).sort())
    expect(judge(found, used)).toEqual({})
    const unseen = CORE_ENGLISH.filter((_, index) => !used.has(index))
    expect(unseen, 'allowed core English no longer seen: remove it from CORE_ENGLISH').toEqual([])
    console.log(`walked ${all.length} screens × 3 languages in ${Math.round(performance.now() - started)} ms`)
  }, 240_000)
})
