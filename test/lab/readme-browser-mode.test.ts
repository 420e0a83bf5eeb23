/**
 * The README's browser-mode block, run verbatim as a newcomer would (issue 21, item 7): its commands are
 * read from README.md (the ```sh block of "Browser mode"), run by bash in the project directory with
 * only HYPERDESK_CONFIG pointing at the lab's cluster file (the README documents that variable), and
 * the URL the server prints is opened in chromium, where the lab's three hosts must appear online.
 * If the README's block changes, this test runs the new one. Stops the server it started.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { launchChromium, screenshotPath } from '../support/browser'
import { LAB_CLUSTER_CONFIG, LAB_HOSTS, requireLab } from './support/lab'

const root = path.resolve(__dirname, '../..')

/** The commands of the README's browser-mode block, comments and all, as written. */
export function readmeBrowserModeBlock(readme: string): string {
  const section = readme.indexOf('**Browser mode**')
  if (section < 0) throw new Error('README.md has no "**Browser mode**" paragraph')
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(section))
  if (!block?.[1]) throw new Error('README.md: no ```sh block after "**Browser mode**"')
  return block[1]
}

let child: ChildProcess | undefined
let browser: Promise<Browser> | undefined

beforeAll(async () => {
  await requireLab()
})

afterAll(async () => {
  await (await browser?.catch(() => undefined))?.close()
  // The block's processes (npm, node serve.js) form one process group: end it, ours only.
  if (child?.pid && child.exitCode === null) process.kill(-child.pid, 'SIGTERM')
})

describe("the README's browser-mode block", () => {
  it('runs as written, prints a link, and the lab hosts appear online in the browser', async () => {
    const block = readmeBrowserModeBlock(fs.readFileSync(path.join(root, 'README.md'), 'utf8'))
    expect(block).toMatch(/^npm run serve\b/m)
    const started = Date.now()
    // Chromium starts while the block builds and starts the server: it needs neither.
    browser = launchChromium()
    const env: NodeJS.ProcessEnv = { ...process.env, HYPERDESK_CONFIG: LAB_CLUSTER_CONFIG }
    delete env.SSH_AUTH_SOCK
    child = spawn('bash', ['-e', '-c', block], {
      cwd: root,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no link printed within 240 s:\n${output}`)), 240_000)
      const look = () => {
        const match = /Open: (http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]+)/.exec(output)
        if (match?.[1]) {
          clearTimeout(timer)
          resolve(match[1])
        }
      }
      child!.stdout?.on('data', look)
      child!.on('exit', (code) =>
        reject(new Error(`the block ended (${code}) before printing a link:\n${output}`)),
      )
    })
    expect(output).toContain(`cluster file: ${LAB_CLUSTER_CONFIG}`)
    console.log(`README block: link printed after ${Math.round((Date.now() - started) / 1000)} s`)

    const page = await (
      await (await browser).newContext({ locale: 'en-US', viewport: { width: 1280, height: 800 } })
    ).newPage()
    await page.goto(url)
    for (const host of LAB_HOSTS) {
      await expect
        .poll(
          () =>
            page
              .locator(`[data-host="${host.name}"] [data-testid="host-status"]`)
              .getAttribute('data-status'),
          {
            timeout: 60_000,
          },
        )
        .toBe('online')
    }
    expect(await page.getByTestId('host-count').textContent()).toBe('3/3 hosts reachable')
    await page.screenshot({ path: screenshotPath('readme-browser-mode-en'), fullPage: true })
    console.log(`README block: lab hosts online after ${Math.round((Date.now() - started) / 1000)} s`)
  }, 300_000)
})
