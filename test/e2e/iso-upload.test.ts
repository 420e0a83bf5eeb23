import type { Page } from 'playwright-core'
import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ApiError, commandStep } from '../../src/shared/errors'
import {
  IsoChunkParamsSchema,
  IsoUploadParamsSchema,
  IsoUploadResultSchema,
  UPLOAD_CHUNK_BYTES,
  uploadDetail,
} from '../../src/shared/iso'
import type { Job } from '../../src/shared/jobs'
import { msg } from '../../src/shared/messages/message'
import { screenshotPath } from '../support/browser'
import { openFakeInventoryPage, pushJob, useClosedPortApp } from '../support/fake-inventory'

/**
 * The wizard's "Upload an ISO" panel (issue 19 item 1) in the browser, in French and English: a file
 * from the workstation, the name the hosts accept, then the upload job's progress per host, each
 * host's SHA-256 comparison (or its skip: it already had the same file), and a failure that names its
 * host. The first test goes to the real core (its hosts on a closed port refuse, each named); the
 * others answer iso.upload and iso.uploadChunk as the core does (parsed with the contract's schemas)
 * and push the job's updates as its events would.
 */

const app = useClosedPortApp()

/** 2.5 chunks: the last one is short, as a real file's. */
const FILE = randomBytes(2 * UPLOAD_CHUNK_BYTES + UPLOAD_CHUNK_BYTES / 2)
const SHA = createHash('sha256').update(FILE).digest('hex')
const NAME = 'debian-12.8.0-amd64-netinst.iso'
/**
 * The file on disk under the name the system gives it (spaces), chosen by its path as a user picks it.
 * Given as a buffer instead, Playwright sent it base64 inside its JSON protocol: 1.6 s a file on the
 * loaded two-core machine, against 0.5 s from a path.
 */
const PICKED_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'hd-iso-upload-'))
const PICKED = path.join(PICKED_DIR, 'Debian 12.8.0 amd64 netinst.iso')
fs.writeFileSync(PICKED, FILE)
afterAll(() => fs.rmSync(PICKED_DIR, { recursive: true, force: true }))
const PATH = `/var/lib/libvirt/images/${NAME}`

/** Text with French spacing (narrow no-break spaces before ":") as plain spaces. */
const plain = (text: string | null) => (text ?? '').replace(/[\u202f\u00a0]/g, ' ')

interface Faked {
  /** The iso.upload calls (params) and the chunks' offsets, as the page sent them. */
  uploads: unknown[]
  offsets: number[]
}

/** A page with the wizard's upload panel open; with `fakeJob`, the upload is answered here. */
async function openPanel(locale: string, fakeJob?: (attempt: number) => Job) {
  const faked: Faked = { uploads: [], offsets: [] }
  const opened = await openFakeInventoryPage(
    app(),
    locale,
    {
      answer(call) {
        if (!fakeJob) return undefined
        if (call.method === 'iso.upload') {
          faked.uploads.push(IsoUploadParamsSchema.parse(call.params))
          return fakeJob(faked.uploads.length)
        }
        if (call.method === 'iso.uploadChunk') {
          const chunk = IsoChunkParamsSchema.parse(call.params)
          faked.offsets.push(chunk.offset)
          return { received: chunk.offset + Buffer.from(chunk.data, 'base64').length, sizeBytes: FILE.length }
        }
        return undefined
      },
    },
    { height: 1100, ready: 'open-vm-create' },
  )
  const { page } = opened
  await page.getByTestId('open-vm-create').click()
  await page.getByTestId('vm-create-upload-iso').click()
  await page.getByTestId('iso-upload-file').setInputFiles(PICKED)
  return { ...opened, faked }
}

const jobOf = (id: string): Job => ({
  id,
  kind: 'iso.upload',
  title: `Upload ${NAME}`,
  target: {},
  state: 'running',
  progress: 0,
  step: 'Checking the images pool default on hv1, hv2, hv3',
  detail: uploadDetail(FILE.length, 0, {}, 'prepare'),
  log: [],
  cancellable: true,
  startedAt: Date.now(),
})

async function screenshotPanel(page: Page, name: string): Promise<void> {
  await page.getByTestId('iso-upload').scrollIntoViewIfNeeded()
  await page.screenshot({ path: screenshotPath(name) })
}

describe('ISO upload panel', () => {
  it('English, real core: the file’s name made valid, then every host that does not answer is named', async () => {
    const { context, page, errors } = await openPanel('en-US')
    // The system's name (spaces) becomes one the hosts accept; a bad one is said live.
    const name = page.getByTestId('iso-upload-name')
    expect(await name.inputValue()).toBe('Debian-12.8.0-amd64-netinst.iso')
    await name.fill('debian 12.iso')
    expect(await page.getByTestId('iso-upload-problem').textContent()).toBe(
      'The name contains “␠”: only ASCII letters, digits, “.”, “_” and “-” are allowed.',
    )
    expect(await page.getByTestId('iso-upload-start').isDisabled()).toBe(true)
    await name.fill('debian-12')
    expect(await page.getByTestId('iso-upload-problem').textContent()).toBe('The name must end with .iso.')
    await name.fill(NAME)
    await page.getByTestId('iso-upload-start').click()
    const job = page.getByTestId('iso-upload-job')
    await expect.poll(() => job.getAttribute('data-state'), { timeout: 30_000 }).toBe('failed')
    const refused = page.getByTestId('iso-upload-refused').locator('[data-level="fail"]')
    expect(await refused.count()).toBe(3)
    for (const [index, host] of ['hv1', 'hv2', 'hv3'].entries())
      expect(await refused.nth(index).textContent()).toContain(`${host} does not answer`)
    expect(await page.getByTestId('iso-upload-failed').getAttribute('data-code')).toBe('iso.upload.refused')
    // Refused: the form is given back to try again.
    expect(await name.isDisabled()).toBe(false)
    await screenshotPanel(page, 'iso-upload-refused-en')
    expect(errors).toEqual([])
    await context.close()
  })

  for (const [locale, language, texts] of [
    [
      'fr-FR',
      'fr',
      {
        sending: 'Envoi : 1 Mio sur 2,5 Mio',
        checked: 'SHA-256 comparé : comme envoyé',
        skipped: 'l’avait déjà avec le même SHA-256 : sauté',
      },
    ],
    [
      'en-US',
      'en',
      {
        sending: 'Sending: 1 MiB of 2.5 MiB',
        checked: 'SHA-256 compared: as sent',
        skipped: 'already had it with the same SHA-256: skipped',
      },
    ],
  ] as const) {
    it(`${language}: progress per host, each host's SHA-256 compared or skipped, the wizard's medium filled`, async () => {
      const job = jobOf('5c3e2d1a-5d6e-4f70-8a9b-0c1d2e3f4a71')
      const { context, page, errors, faked, socket } = await openPanel(locale, () => job)
      await page.getByTestId('iso-upload-name').fill(NAME)
      await page.getByTestId('iso-upload-sha').fill(SHA.toUpperCase())
      await page.getByTestId('iso-upload-start').click()
      // The file went in order, one chunk per call, with what was typed.
      await expect.poll(() => faked.offsets.length).toBe(3)
      expect(faked.offsets).toEqual([0, UPLOAD_CHUNK_BYTES, 2 * UPLOAD_CHUNK_BYTES])
      expect(faked.uploads).toEqual([{ name: NAME, sizeBytes: FILE.length, expectedSha256: SHA }])

      // hv3 already has it (same size): nothing goes there; hv1 and hv2 are fed.
      const half = { hv1: UPLOAD_CHUNK_BYTES, hv2: UPLOAD_CHUNK_BYTES }
      pushJob(socket, {
        ...job,
        progress: 0.4,
        step: `Sending ${NAME} to hv1, hv2`,
        detail: uploadDetail(FILE.length, UPLOAD_CHUNK_BYTES, half, 'send'),
      })
      const status = page.getByTestId('iso-upload-job')
      await expect.poll(async () => plain(await status.locator('strong').textContent())).toBe(texts.sending)
      const perHost = page.getByTestId('iso-upload-hosts').locator('li')
      expect(await perHost.allTextContents()).toEqual([
        expect.stringContaining('hv1'),
        expect.stringContaining('hv2'),
      ])
      expect(await perHost.first().locator('progress').getAttribute('value')).toBe(String(UPLOAD_CHUNK_BYTES))
      expect(await page.getByTestId('vm-create-name').isDisabled()).toBe(false)
      await screenshotPanel(page, `iso-upload-progress-${language}`)

      const result = IsoUploadResultSchema.parse({
        name: NAME,
        pool: 'default',
        path: PATH,
        sizeBytes: FILE.length,
        sha256: SHA,
        hosts: ['hv1', 'hv2', 'hv3'],
        skipped: ['hv3'],
      })
      pushJob(socket, {
        ...job,
        state: 'succeeded',
        progress: 1,
        endedAt: Date.now(),
        detail: uploadDetail(FILE.length, FILE.length, { hv1: FILE.length, hv2: FILE.length }, 'verify'),
        result,
      })
      await expect.poll(() => status.getAttribute('data-state')).toBe('succeeded')
      expect(await page.getByTestId('iso-upload-done').textContent()).toContain(SHA)
      const results = page.getByTestId('iso-upload-host-results').locator('li')
      expect((await results.allTextContents()).map(plain)).toEqual([
        `hv1 · ${texts.checked}`,
        `hv2 · ${texts.checked}`,
        `hv3 · ${texts.skipped}`,
      ])
      // The wizard's install medium is the new ISO.
      expect(await page.getByTestId('vm-create-iso').inputValue()).toBe(PATH)
      await screenshotPanel(page, `iso-upload-done-${language}`)
      expect(errors).toEqual([])
      await context.close()
    })
  }

  for (const [locale, language, texts] of [
    [
      'en-US',
      'en',
      { failed: 'failed on hv2 while checking the SHA-256', differs: 'hv3 already had a different' },
    ],
    ['fr-FR', 'fr', { failed: 'a échoué sur hv2', differs: 'hv3 avait déjà un autre' }],
  ] as const) {
    it(`${language}: a host whose copy differs is named, and one with another file of that name is not overwritten`, async () => {
      const first = jobOf('5c3e2d1a-5d6e-4f70-8a9b-0c1d2e3f4a72')
      const second = jobOf('5c3e2d1a-5d6e-4f70-8a9b-0c1d2e3f4a73')
      const { context, page, errors, faked, socket } = await openPanel(locale, (attempt) =>
        attempt === 1 ? first : second,
      )
      await page.getByTestId('iso-upload-name').fill(NAME)
      await page.getByTestId('iso-upload-start').click()
      await expect.poll(() => faked.offsets.length).toBe(3)
      // hv2's copy read back with another SHA-256: the job deleted its volumes and names hv2 and the step.
      const cause = msg('iso.checksumDiffers', { name: NAME, host: 'hv2', found: 'f'.repeat(64), sent: SHA })
      const failed = ApiError.of(
        'iso.upload.failed',
        msg('iso.failedUndone', {
          name: NAME,
          host: 'hv2',
          step: msg('iso.stepVerify'),
        }),
        { host: 'hv2', step: commandStep(`upload ${NAME}: stepVerify`), details: { remains: [], cause } },
      ).toData()
      pushJob(socket, { ...first, state: 'failed', endedAt: Date.now(), error: failed })
      const box = page.getByTestId('iso-upload-failed')
      await expect.poll(() => box.count()).toBe(1)
      expect(plain(await box.textContent())).toContain(texts.failed)
      expect(await box.getAttribute('data-code')).toBe('iso.upload.failed')
      await screenshotPanel(page, `iso-upload-failed-${language}`)

      // Again: hv3 turns out to hold another file of that name and size; it is named, not overwritten.
      await page.getByTestId('iso-upload-start').click()
      await expect.poll(() => faked.offsets.length).toBe(6)
      const differs = ApiError.of(
        'iso.upload.present-differs',
        msg('iso.presentDiffers', { name: NAME, pool: 'default', sent: SHA, hosts: ['hv3'] }),
        {
          host: 'hv3',
          step: msg('errorSteps.compareCopies'),
          details: { found: { hv3: 'e'.repeat(64) } },
        },
      ).toData()
      pushJob(socket, { ...second, state: 'failed', endedAt: Date.now(), error: differs })
      await expect.poll(() => box.getAttribute('data-code')).toBe('iso.upload.present-differs')
      expect(plain(await box.textContent())).toContain(texts.differs)
      await screenshotPanel(page, `iso-upload-differs-${language}`)
      expect(errors).toEqual([])
      await context.close()
    })
  }
})
