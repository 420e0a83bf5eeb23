import { z } from 'zod'
import { fillPlaceholders } from './placeholders'

/**
 * What the release check tells the user, in English with {{placeholders}} (i18next syntax). The core
 * writes each status's `message` from here for its logs; the window shows the same sentence in the
 * user's language by `text` and `params` (i18n/updates.fr.ts translates every key). The app never
 * downloads or installs anything: it points to the release page.
 */
export const UPDATE_TEXTS = {
  newer:
    'Hyperdesk {{latest}} is available (this is {{current}}). Download it from the release page: the app never installs updates by itself.',
  current: 'Hyperdesk {{current}} is the latest release.',
  disabled:
    'This build does not check for releases (a development build or browser mode). Set HYPERDESK_UPDATE_FEED to check.',
  failedNetwork:
    'Could not reach the release feed {{feed}}: {{error}}. Check the network and try again from Help.',
  failedTimeout: 'The release feed {{feed}} did not answer within {{seconds}} s. Try again from Help.',
  failedHttp: 'The release feed {{feed}} answered HTTP {{status}}. Try again later from Help.',
  failedFeed: 'The release feed {{feed}} sent something that is not a release ({{problem}}).',
  failedFeedUrl:
    'The release feed {{feed}} is not usable: it must be an https URL (plain http only on 127.0.0.1). Set HYPERDESK_UPDATE_FEED to one, or to "off".',
  failedVersion: 'This build’s version {{current}} is not a release version, so it cannot be compared.',
} as const
export type UpdateText = keyof typeof UPDATE_TEXTS
export const UPDATE_TEXT_KEYS = Object.keys(UPDATE_TEXTS) as [UpdateText, ...UpdateText[]]

export const UpdateStatusSchema = z.object({
  state: z.enum(['newer', 'current', 'disabled', 'failed']),
  /** The sentence's key in UPDATE_TEXTS, and its parameters. */
  text: z.enum(UPDATE_TEXT_KEYS),
  params: z.record(z.string(), z.string()),
  /** The English sentence, for logs. */
  message: z.string(),
  current: z.string(),
  latest: z.string().optional(),
  /** The newer release's page (only an https URL under the project's releases). */
  url: z.string().optional(),
  /** ISO time of the check. */
  checkedAt: z.string(),
  /** Asked by the user (Help menu), so even "up to date" and failures are shown. */
  manual: z.boolean(),
})
export type UpdateStatus = z.infer<typeof UpdateStatusSchema>

/** The project's GitHub repository: package.json's repository and the release workflow publish here. */
export const PROJECT_REPOSITORY = 'etalab/hyperdesk'
/** Release pages the app may open in the user's browser (nothing else is ever opened externally). */
export const RELEASES_PAGE = `https://github.com/${PROJECT_REPOSITORY}/releases/`
/** GitHub's "latest release" JSON: drafts and pre-releases are never in it. */
export const DEFAULT_UPDATE_FEED = `https://api.github.com/repos/${PROJECT_REPOSITORY}/releases/latest`

/** The project's home page and its issues (About links there). */
export const PROJECT_PAGE = `https://github.com/${PROJECT_REPOSITORY}`
export const ISSUES_PAGE = `${PROJECT_PAGE}/issues`

function isHttpsUnder(url: string, prefix: string): boolean {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return false
  }
  return (
    parsed.protocol === 'https:' &&
    parsed.username === '' &&
    parsed.password === '' &&
    (parsed.href === prefix || parsed.href.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`))
  )
}

/** True only for an https page under the project's releases (what a "newer" notice links to). */
export function isReleasePage(url: string): boolean {
  return isHttpsUnder(url, RELEASES_PAGE)
}

/**
 * The pages the window may open in the user's browser: the project's own (home, issues, releases),
 * never another repository whose name starts the same ("hyperdesk-evil").
 */
export function isProjectPage(url: string): boolean {
  return isHttpsUnder(url, PROJECT_PAGE)
}

export function renderUpdateText(text: UpdateText, params: Record<string, string>): string {
  return fillPlaceholders(UPDATE_TEXTS[text], params)
}
