/**
 * The tree's render cost at scale (issue 23 item 2), in Debian's chromium: the window with 900 VMs
 * (300 running on each of three hosts; a fake inventory on a core without hosts) against a plain
 * list of the same 900 VMs (no framework, a `hidden` toggle per item to filter), both in the same
 * run, loads interleaved. Reported as p95: the first paint once the inventory arrives, both for the
 * whole window (its sidebar, empty tree and main view mount with the cluster file, before the
 * inventory, whose answer fills the tree) and for the tree filled in an open window (each host's
 * update as the core sends them at start-up: the host, and every VM as the core's buildVms computes
 * them from the hosts read so far, so each update changes every VM read before it), and each filter
 * keystroke; and the page's JS heap and DOM nodes. No timed assertions: the rows must be there, the
 * figures go to the summary table.
 *
 * Scripting time is read from a Performance trace (trace-scripting.ts): the self time of the events
 * DevTools' Performance panel files under Scripting, on the page's main thread. It counts promise
 * callbacks (RunMicrotasks), which the Performance domain's ScriptDuration, read here before, did not
 * (a 30 ms loop after Promise.resolve().then counted 0.1 ms): the app's store updates run there.
 * The figure is the events' thread time (`tdur`, CPU time of the renderer's main thread), not their
 * wall duration (`dur`): both count the same events, but on this shared two-core machine the renderer
 * is descheduled mid-script (profiles showed 12-40 ms gaps with no CPU inside one script), and that
 * wall time measures the other processes, not the render; the issue asks for the render's cost. The
 * wall p95s are kept in the Detail column. A calibration (the first test) proves the reader counts a
 * known busy loop in each place the app's work runs: a promise callback, a timer, a key handler and
 * an animation frame.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Browser, Page } from 'playwright-core'
import { WebSocketServer, type WebSocket } from 'ws'
import { afterAll, describe, expect, it } from 'vitest'
import { buildVms } from '../src/main/core/inventory/cluster-model'
import type { HostInventory, Vm } from '../src/shared/inventory'
import { scaleInventory } from '../test/support/fake-inventory'
import { useScriptedApp } from './scripted-app'
import { median, writeReport } from './support'
import { figure } from './summary'
import { perKeystroke, sum, traceScripting, type ScriptingTask } from './trace-scripting'

const HOSTS = ['hv1', 'hv2', 'hv3']
const PER_HOST = 300
/** Loads of each page: enough that the p95 is not the slowest one (the 19th of 20). */
const LOADS = Number(process.env['RENDER_BENCH_LOADS'] ?? 20)
/** The last loads on which the filter is typed (each: every prefix of FILTERS, 29 keystrokes). */
const KEY_LOADS = 2
/** Typed one key at a time into the filter, each prefix a keystroke; the field is emptied between. */
const FILTERS = ['hv2-app-1', 'app-29', 'hv3-app-2', 'app-1']
/** Long enough for a keystroke's render, effects and paint to finish before the next one. */
const SETTLE_MS = 250
/** How long a first paint is traced once the inventory is sent (its work took 20-60 ms here). */
const WINDOW_MS = 800
/** One 60 Hz frame. */
const FRAME_MS = 1000 / 60
const report: string[] = []

/**
 * 900 VMs, 300 running on each host (defined there only), as inventory.get answers: each host's
 * inventory, and the VMs as the core computes them from those (missing on the two other hosts).
 */
function bigInventory(): { hosts: HostInventory[]; vms: Vm[] } {
  const { hosts } = scaleInventory(HOSTS, PER_HOST)
  return { hosts, vms: buildVms(hosts) }
}

/**
 * Waits until the page runs no script for a while (at most 10 s): what a page does once loaded when
 * idle (the app fetches the chunks a click will open, the screen registry, Intl's data) is not the
 * render being measured, for the tree as for the plain list. (ScriptDuration misses promise
 * callbacks, but none runs without a task before it, which it sees.)
 */
async function quiet(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Performance.enable')
  const read = async () =>
    (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'ScriptDuration')?.value ?? 0
  let before = await read()
  for (let round = 0; round < 33; round++) {
    await sleep(300)
    const now = await read()
    if (now - before < 0.001) break
    before = now
  }
  await cdp.detach()
}

/** Nearest-rank p95. */
function p95(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)] ?? NaN
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** The page's JS heap (after a GC) and DOM nodes, from the Performance domain. */
async function pageMemory(page: Page): Promise<{ heapMiB: number; nodes: number }> {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('HeapProfiler.collectGarbage')
  await cdp.send('Performance.enable')
  const { metrics } = await cdp.send('Performance.getMetrics')
  const metric = (name: string) => metrics.find((m) => m.name === name)?.value ?? NaN
  await cdp.detach()
  return { heapMiB: metric('JSHeapUsedSize') / (1024 * 1024), nodes: metric('Nodes') }
}

/** Scripting (thread and wall ms) of one measure. */
interface Measure {
  threadMs: number
  wallMs: number
}

/**
 * When the last task with scripting began, ms after a first paint's measure started, at most: a
 * first paint still at work near WINDOW_MS's end would be cut short (reported beside the figures).
 */
let lastScriptAtMs = 0

/** The scripting of `work` on `page`: one trace, the page's tasks summed. */
async function scripting(browser: Browser, page: Page, work: () => Promise<void>): Promise<Measure> {
  const tasks = await traceScripting(browser, page, work)
  for (const task of tasks) if (task.wallMs > 0) lastScriptAtMs = Math.max(lastScriptAtMs, task.atMs ?? 0)
  return sum(tasks)
}

/** Each prefix of each filter, typed into `field`; one trace per filter, split at each keydown. */
async function keystrokes(browser: Browser, page: Page, field: string): Promise<Measure[]> {
  const measures: Measure[] = []
  for (const text of FILTERS) {
    const tasks = await traceScripting(browser, page, async () => {
      for (const key of text) {
        await page.keyboard.press(key === '-' ? 'Minus' : key)
        await sleep(SETTLE_MS)
      }
    })
    const keys: ScriptingTask[][] = perKeystroke(tasks)
    // Every key must show as its own keydown, or the split would merge or lose keystrokes.
    expect(keys.length, `keydowns traced while typing "${text}"`).toBe(text.length)
    measures.push(...keys.map(sum))
    await page.locator(field).fill('')
    await sleep(SETTLE_MS)
  }
  return measures
}

/**
 * A page with the plain list: an input and one <li> per VM, rebuilt from each message (an answer's
 * whole inventory, or a host's update with every VM, as the core sends them), filtered by toggling
 * `hidden`. Messages come over a WebSocket, as the app's come from the core: receiving and parsing
 * them is the page's scripting for both.
 */
const PLAIN_PAGE = `<!doctype html><html><body>
<input id="filter" type="search"><ul id="list"></ul>
<script>
let items = []
function show(json) {
  const message = JSON.parse(json)
  const vms = (message.value || message.payload).vms
  items = vms.map((vm) => {
    const li = document.createElement('li')
    li.textContent = vm.name + ' · ' + vm.runningOn.join(', ')
    return [vm.name.toLowerCase(), li]
  })
  document.getElementById('list').replaceChildren(...items.map(([, li]) => li))
}
new WebSocket(location.href.replace('http', 'ws')).onmessage = (event) => show(event.data)
document.getElementById('filter').addEventListener('input', (event) => {
  const needle = event.target.value.trim().toLowerCase()
  for (const [name, li] of items) li.hidden = !name.includes(needle)
})
</script></body></html>`

/**
 * The plain list's server: its page over HTTP and its messages over a WebSocket, on one loopback
 * port (as the app's are: chromium blocks a page of another origin from reaching loopback).
 * `connected()`, called before a load, resolves with that load's socket.
 */
async function plainServer(): Promise<{ url: string; connected(): Promise<WebSocket>; close(): void }> {
  const server = http.createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' })
    response.end(PLAIN_PAGE)
  })
  const sockets = new WebSocketServer({ server })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  let waiting: ((socket: WebSocket) => void)[] = []
  sockets.on('connection', (socket) => waiting.shift()?.(socket))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    connected: () =>
      new Promise((resolve, reject) => {
        waiting.push(resolve)
        setTimeout(() => reject(new Error('The plain list did not connect to its server in 15 s')), 15_000)
      }),
    close() {
      waiting = []
      sockets.close()
      server.close()
    },
  }
}

/**
 * The calibration page: each key, pressed, runs a busy loop of BUSY_MS (timed by the page) in one of
 * the places a page's work runs: p in a promise callback, t in a timer, k in the key handler itself,
 * f in an animation frame (n runs nothing: the presses' own cost). The loops' own times are kept
 * in `window.spun`.
 */
// 10 ms, so that one loop missed (10 ms short) stands clear of the presses' own cost subtracted from
// each trace: that baseline comes from another trace and moves by a few ms under load (with 5 ms loops
// a trace at a load of 7.6 read 39.4 ms against 44.0 ms of loops, every loop counted).
const BUSY_MS = 10
const CALIBRATION_PAGE = `<!doctype html><html><body><p>calibration</p><script>
window.spun = []
function busy() {
  const start = performance.now()
  while (performance.now() - start < ${BUSY_MS});
  window.spun.push(performance.now() - start)
}
document.addEventListener('keydown', (event) => {
  if (event.key === 'p') Promise.resolve().then(busy)
  if (event.key === 't') setTimeout(busy, 0)
  if (event.key === 'k') busy()
  if (event.key === 'f') requestAnimationFrame(busy)
})
</script></body></html>`
const CALIBRATION_URL = 'http://calibration.invalid/'
const CALIBRATION_KINDS = {
  p: 'a promise callback',
  t: 'a timer',
  k: 'a key handler',
  f: 'an animation frame',
}
const CALIBRATION_REPS = 8

const scripted = useScriptedApp()

describe('tree render cost with 900 VMs (3 × 300) in chromium', () => {
  const inventory = bigInventory()
  const firstVm = `tree-vm-${inventory.vms[0]!.name}`
  afterAll(() => writeReport('render', report))

  it(`the trace reader counts a ${BUSY_MS} ms busy loop in a promise callback, a timer, a key handler and an animation frame`, async () => {
    const { browser } = scripted.app()
    const context = await browser.newContext()
    await context.route(CALIBRATION_URL, (route) =>
      route.fulfill({ body: CALIBRATION_PAGE, contentType: 'text/html' }),
    )
    const page = await context.newPage()
    await page.goto(CALIBRATION_URL)
    await quiet(page)
    const press = (key: string) =>
      scripting(browser, page, async () => {
        for (let rep = 0; rep < CALIBRATION_REPS; rep++) {
          await page.keyboard.press(key)
          await sleep(60)
        }
        await sleep(200)
      })
    // The key presses themselves (n runs nothing): their events are the page's scripting too.
    const presses = await press('n')
    report.push(
      `trace reader calibration: ${CALIBRATION_REPS} busy loops of ${BUSY_MS} ms in each place, one trace each:`,
      `  ${CALIBRATION_REPS} presses alone: trace: wall ${presses.wallMs.toFixed(1)} ms, thread ${presses.threadMs.toFixed(1)} ms`,
    )
    for (const [key, where] of Object.entries(CALIBRATION_KINDS)) {
      const counted = await press(key)
      const spun = await page.evaluate(() => (window as unknown as { spun: number[] }).spun.splice(0))
      expect(spun, `busy loops run in ${where}`).toHaveLength(CALIBRATION_REPS)
      const loops = spun.reduce((total, ms) => total + ms, 0)
      const wall = counted.wallMs - presses.wallMs
      const thread = counted.threadMs - presses.threadMs
      report.push(
        `  in ${where.padEnd(19)} loops ${loops.toFixed(1)} ms (page clock); trace less the presses: wall ${wall.toFixed(1)} ms, thread ${thread.toFixed(1)} ms`,
      )
      // Each loop counted once: one missed would be BUSY_MS short, nested events counted twice would
      // put every loop in twice (100% over). Above the loops, each callback's own dispatch
      // (TimerFire, FireAnimationFrame, a microtask run: 0.1-0.4 ms each when quiet) is the page's
      // scripting too, and under load its wall time stretches (47.8 ms against 40 ms of loops was
      // seen at a load of 5): up to half a loop more per loop is allowed, still far below twice.
      expect(
        wall,
        `wall scripting in ${where}, against busy loops of ${loops.toFixed(1)} ms`,
      ).toBeGreaterThan(loops - BUSY_MS / 2)
      expect(wall, `wall scripting in ${where}, against busy loops of ${loops.toFixed(1)} ms`).toBeLessThan(
        loops + (BUSY_MS / 2) * CALIBRATION_REPS,
      )
      // CPU time: never more than the wall time; less by what the machine's other processes took
      // (up to half of it under a build here); absent thread times would read 0.
      expect(counted.threadMs, `thread scripting in ${where}`).toBeLessThanOrEqual(
        counted.wallMs * 1.02 + 0.1,
      )
      expect(thread / loops, `thread scripting / busy loops in ${where}`).toBeGreaterThan(0.4)
    }
    await context.close()
  })

  it('first paint and each filter keystroke: the tree against a plain list', async () => {
    const { browser } = scripted.app()
    lastScriptAtMs = 0
    // What the core sends as each host is read at start-up: the host, and every VM known so far as
    // the core computes them from the hosts read (its snapshot: buildVms). Each host read changes
    // every VM read before it (a host read is one more where it is missing, or defined).
    const updates = HOSTS.map((host, h) => ({
      host: inventory.hosts[h]!,
      vms: buildVms(inventory.hosts.slice(0, h + 1)),
    }))
    const treeWindow: Measure[] = []
    const treeFill: Measure[] = []
    let treeMemory = { heapMiB: NaN, nodes: NaN }
    const treeKeys: Measure[] = []
    const treeLoad = async (typed: boolean, last: boolean) => {
      // The whole window's first paint: the page loads and asks; the inventory's answer is held until
      // the measure runs (the window shows its shell meanwhile, the tree saying it reads the VMs).
      let release: (value: unknown) => void = () => undefined
      let asked = false
      const held = new Promise((resolve) => (release = resolve))
      scripted.answerWith(() => {
        asked = true
        return held
      })
      const window = await scripted.app().openPage('en-US', { width: 1280, height: 800 })
      await expect.poll(() => asked).toBe(true)
      await quiet(window)
      treeWindow.push(
        await scripting(browser, window, async () => {
          release(inventory)
          await sleep(WINDOW_MS)
        }),
      )
      expect(await window.getByTestId(firstVm).count()).toBe(1)
      expect(scripted.app().errorsOf(window)).toEqual([])
      await window.context().close()

      // The tree filled in an open window: no VM yet, then each host's update as the core sends it.
      scripted.answerWith(() => ({ hosts: [], vms: [] }))
      const open = await scripted.app().openPage('en-US', { width: 1280, height: 800 })
      await open.getByTestId('tree-host-hv3').waitFor()
      await quiet(open)
      treeFill.push(
        await scripting(browser, open, async () => {
          for (const update of updates) scripted.emit(update)
          await sleep(WINDOW_MS)
        }),
      )
      expect(await open.getByTestId(firstVm).count()).toBe(1)
      if (typed) {
        await open.getByTestId('tree-filter').click()
        await quiet(open)
        treeKeys.push(...(await keystrokes(browser, open, '[data-testid="tree-filter"]')))
      }
      if (last) treeMemory = await pageMemory(open)
      expect(scripted.app().errorsOf(open)).toEqual([])
      await open.context().close()
    }

    // The plain list, same data, same browser: the whole answer, then the hosts' updates.
    const plainWindow: Measure[] = []
    const plainFill: Measure[] = []
    let plainMemory = { heapMiB: NaN, nodes: NaN }
    const plainKeys: Measure[] = []
    const answer = JSON.stringify({ kind: 'result', id: 5, ok: true, value: inventory })
    const events = updates.map((payload) =>
      JSON.stringify({ kind: 'event', event: 'inventory.changed', payload }),
    )
    const messages = await plainServer()
    const plainLoad = async (typed: boolean, last: boolean) => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
      const page = await context.newPage()
      let socket = messages.connected()
      await page.goto(messages.url)
      const first = await socket
      await quiet(page)
      plainWindow.push(
        await scripting(browser, page, async () => {
          first.send(answer)
          await sleep(WINDOW_MS)
        }),
      )
      socket = messages.connected()
      await page.reload()
      const second = await socket
      await quiet(page)
      plainFill.push(
        await scripting(browser, page, async () => {
          for (const event of events) second.send(event)
          await sleep(WINDOW_MS)
        }),
      )
      expect(await page.locator('li').count()).toBe(HOSTS.length * PER_HOST)
      if (typed) {
        await page.locator('#filter').click()
        await quiet(page)
        plainKeys.push(...(await keystrokes(browser, page, '#filter')))
      }
      if (last) plainMemory = await pageMemory(page)
      await context.close()
    }
    // Interleaved, so both see the same load on this shared machine.
    try {
      for (let load = 0; load < LOADS; load++) {
        const typed = load >= LOADS - KEY_LOADS
        await treeLoad(typed, load === LOADS - 1)
        await plainLoad(typed, load === LOADS - 1)
      }
    } finally {
      messages.close()
    }

    const rows = [
      ['first paint: the whole window', treeWindow, plainWindow, `${LOADS} loads`],
      ['first paint: the tree filled', treeFill, plainFill, `${LOADS} loads`],
      ['filter keystroke', treeKeys, plainKeys, `${treeKeys.length} keystrokes on ${KEY_LOADS} loads`],
    ] as const
    const method = "trace: DevTools' Scripting events, self thread time (tdur) on the page's main thread"
    report.push(
      `render cost, ${HOSTS.length * PER_HOST} VMs (${HOSTS.length} × ${PER_HOST}), p95 scripting time (${method}):`,
    )
    const ms = (values: readonly number[]) => values.map((value) => value.toFixed(1)).join(', ')
    for (const [what, treeMeasures, plainMeasures, counts] of rows) {
      const all = treeMeasures.map((m) => m.threadMs)
      const plainAll = plainMeasures.map((m) => m.threadMs)
      const tree = p95(all)
      const plain = p95(plainAll)
      const treeWall = p95(treeMeasures.map((m) => m.wallMs))
      const plainWall = p95(plainMeasures.map((m) => m.wallMs))
      report.push(
        `  ${what.padEnd(32)} tree ${tree.toFixed(2).padStart(7)} ms   plain list ${plain.toFixed(2).padStart(7)} ms   ratio ${(tree / plain).toFixed(2)}× (target ≤ 1.5× and < ${FRAME_MS.toFixed(1)} ms; ${counts})`,
        `  ${''.padEnd(32)} medians: tree ${median(all).toFixed(2)} ms, plain list ${median(plainAll).toFixed(2)} ms; wall-clock p95: tree ${treeWall.toFixed(2)} ms, plain list ${plainWall.toFixed(2)} ms`,
        `  ${''.padEnd(32)} tree: ${ms(all)}`,
        `  ${''.padEnd(32)} plain list: ${ms(plainAll)}`,
      )
      figure({
        name: `render: ${what}, p95 scripting (900 VMs, chromium)`,
        bench: 'render',
        value: tree,
        unit: 'ms',
        baseline: { name: 'plain list, same data', value: plain },
        target: { kind: 'max', value: 1.5 },
        detail: `p95 of ${counts}, interleaved; ${method}; medians: tree ${median(all).toFixed(1)} ms, plain list ${median(plainAll).toFixed(1)} ms; wall-clock p95: tree ${treeWall.toFixed(1)} ms, plain list ${plainWall.toFixed(1)} ms; plain list all: ${ms(plainAll)}`,
      })
      figure({
        name: `render: ${what}, p95 scripting against one 60 Hz frame (900 VMs, chromium)`,
        bench: 'render',
        value: tree,
        unit: 'ms',
        target: { kind: 'max', value: Number(FRAME_MS.toFixed(1)), text: '< 16.7 ms (one 60 Hz frame)' },
        detail: `p95 of ${counts}; ${method}; all: ${ms(all)}`,
      })
    }
    report.push(
      `  latest task with scripting in a first paint's trace began ${lastScriptAtMs.toFixed(0)} ms after its start (traced ${WINDOW_MS} ms)`,
      `  page memory: tree ${treeMemory.heapMiB.toFixed(1)} MiB JS heap, ${treeMemory.nodes} DOM nodes; plain list ${plainMemory.heapMiB.toFixed(1)} MiB, ${plainMemory.nodes} nodes`,
    )
    figure({
      name: 'render: page JS heap with 900 VMs (chromium)',
      bench: 'render',
      value: treeMemory.heapMiB,
      unit: 'MiB',
      baseline: { name: 'plain list, same data', value: plainMemory.heapMiB },
      detail: `after GC; DOM nodes: tree ${treeMemory.nodes}, plain list ${plainMemory.nodes}`,
    })
  }, 900_000)
})
