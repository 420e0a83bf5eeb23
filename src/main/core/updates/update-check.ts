import semver from 'semver'
import { z } from 'zod'
import { ApiError } from '../../../shared/errors'
import { msg } from '../../../shared/messages/message'
import { isReleasePage, renderUpdateText, type UpdateStatus, type UpdateText } from '../../../shared/updates'

/**
 * Tells whether a newer release exists, from a feed in the shape of GitHub's "latest release" JSON
 * (`GET /repos/OWNER/REPO/releases/latest`: drafts and pre-releases are never in it). It only reads:
 * on a machine that manages clusters nothing is downloaded or installed behind the admin's back.
 * An automatic check (at start) reuses a recent answer; one the user asks for always asks the feed.
 */
export interface UpdateCheckOptions {
  /** The feed; undefined turns the check off (development builds, browser mode, tests). */
  feedUrl?: string
  currentVersion: string
  timeoutMs?: number
  /** How long an automatic check reuses the last answer (default 6 h). */
  maxAgeMs?: number
  now?: () => Date
}

/** What the feed must contain; anything else is reported as a bad feed, never trusted. */
const LatestReleaseSchema = z.object({
  tag_name: z.string().min(1),
  html_url: z.string(),
  draft: z.boolean().optional(),
  prerelease: z.boolean().optional(),
})

const MAX_FEED_BYTES = 1024 * 1024

/** The feed must be https, except plain http on loopback (a local test feed). */
export function checkFeedUrl(feedUrl: string): URL {
  let url: URL
  try {
    url = new URL(feedUrl)
  } catch {
    throw ApiError.of(
      'updates.bad-feed-url',
      msg('coreErrors.feedNotUrl', { url: JSON.stringify(feedUrl) }),
      {
        hint: msg('coreErrors.feedHint'),
      },
    )
  }
  const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]'
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw ApiError.of('updates.bad-feed-url', msg('coreErrors.feedNotHttps', { url: url.href }), {
      hint: msg('coreErrors.feedHint'),
    })
  }
  return url
}

export class UpdateChecker {
  private last: UpdateStatus | undefined
  private running: Promise<UpdateStatus> | undefined
  private readonly feed: URL | 'unusable' | undefined

  constructor(private readonly options: UpdateCheckOptions) {
    try {
      this.feed = options.feedUrl ? checkFeedUrl(options.feedUrl) : undefined
    } catch {
      // A wrong feed must not stop the core from starting: every check reports it instead.
      this.feed = 'unusable'
    }
  }

  async check(manual: boolean): Promise<UpdateStatus> {
    const now = this.now()
    const maxAge = this.options.maxAgeMs ?? 6 * 3600_000
    if (!manual && this.last && now.getTime() - Date.parse(this.last.checkedAt) < maxAge) {
      return { ...this.last, manual: false }
    }
    // Two windows starting at once share one request.
    this.running ??= this.ask().finally(() => (this.running = undefined))
    const status = await this.running
    if (status.state !== 'failed' && status.state !== 'disabled') this.last = status
    return { ...status, manual }
  }

  private now(): Date {
    return this.options.now?.() ?? new Date()
  }

  private status(
    state: UpdateStatus['state'],
    text: UpdateText,
    params: Record<string, string>,
    extra: Partial<Pick<UpdateStatus, 'latest' | 'url'>> = {},
  ): UpdateStatus {
    const all = { current: this.options.currentVersion, ...params }
    return {
      state,
      text,
      params: all,
      message: renderUpdateText(text, all),
      current: this.options.currentVersion,
      ...extra,
      checkedAt: this.now().toISOString(),
      manual: false,
    }
  }

  private async ask(): Promise<UpdateStatus> {
    const feed = this.feed
    if (feed === 'unusable')
      return this.status('failed', 'failedFeedUrl', { feed: this.options.feedUrl ?? '' })
    if (!feed) return this.status('disabled', 'disabled', {})
    const current = semver.valid(semver.clean(this.options.currentVersion) ?? '')
    if (!current) return this.status('failed', 'failedVersion', {})
    const timeoutMs = this.options.timeoutMs ?? 10_000
    const where = { feed: feed.href }
    let body: string
    try {
      const response = await fetch(feed, {
        headers: { accept: 'application/vnd.github+json', 'user-agent': `Hyperdesk/${current}` },
        redirect: 'error',
        signal: AbortSignal.timeout(timeoutMs),
      })
      if (!response.ok)
        return this.status('failed', 'failedHttp', { ...where, status: String(response.status) })
      body = await response.text()
    } catch (error) {
      if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
        return this.status('failed', 'failedTimeout', {
          ...where,
          seconds: String(Math.round(timeoutMs / 1000)),
        })
      }
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : undefined
      return this.status('failed', 'failedNetwork', {
        ...where,
        error: cause ?? (error instanceof Error ? error.message : String(error)),
      })
    }
    if (body.length > MAX_FEED_BYTES)
      return this.status('failed', 'failedFeed', { ...where, problem: 'too large' })
    let json: unknown
    try {
      json = JSON.parse(body)
    } catch {
      return this.status('failed', 'failedFeed', { ...where, problem: 'not JSON' })
    }
    const release = LatestReleaseSchema.safeParse(json)
    if (!release.success) {
      return this.status('failed', 'failedFeed', { ...where, problem: 'no tag_name or html_url' })
    }
    if (release.data.draft || release.data.prerelease) {
      return this.status('failed', 'failedFeed', { ...where, problem: 'a draft or pre-release' })
    }
    const latest = semver.valid(semver.clean(release.data.tag_name) ?? '')
    if (!latest) {
      return this.status('failed', 'failedFeed', {
        ...where,
        problem: `tag ${JSON.stringify(release.data.tag_name)} is not a version`,
      })
    }
    if (!semver.gt(latest, current)) return this.status('current', 'current', { latest }, { latest })
    // The link is shown and may be opened in the user's browser: only the project's release pages.
    const url = isReleasePage(release.data.html_url) ? release.data.html_url : undefined
    return this.status('newer', 'newer', { latest }, { latest, ...(url ? { url } : {}) })
  }
}
