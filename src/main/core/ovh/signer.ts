import { createHash } from 'node:crypto'

/**
 * OVH's request signature (API v1, "First steps with the OVHcloud APIs"):
 * `"$1$" + SHA1_HEX(applicationSecret + "+" + consumerKey + "+" + METHOD + "+" + fullUrl + "+" + body + "+" + timestamp)`,
 * where fullUrl is the whole URL with its query string, body the exact bytes sent ("" for none) and
 * timestamp OVH's clock in seconds (ours plus the offset read from GET /auth/time).
 *
 * A small signer of our own rather than @ovhcloud/node-ovh 3.0.0: that package is untyped JavaScript
 * that pulls bluebird, async 0.9 and simple-oauth2, does not read ovh.conf, and would still need the
 * typed endpoints, task following and error mapping written here; the signature itself is one hash,
 * tested against OVH's own client's test vectors (test/unit/ovh-signer.test.ts).
 */
export interface SignInput {
  applicationSecret: string
  consumerKey: string
  method: string
  /** The full URL, e.g. https://eu.api.ovh.com/1.0/ip?type=failover */
  url: string
  /** The exact request body ("" when there is none). */
  body: string
  /** OVH's time, in whole seconds. */
  timestamp: number
}

export function ovhSignature(input: SignInput): string {
  const text = [
    input.applicationSecret,
    input.consumerKey,
    input.method.toUpperCase(),
    input.url,
    input.body,
    String(input.timestamp),
  ].join('+')
  return '$1$' + createHash('sha1').update(text, 'utf8').digest('hex')
}

/** OVH's clock from ours: `GET /auth/time` answers OVH's epoch seconds; we keep the difference. */
export class OvhClock {
  private offset: number | undefined

  constructor(private readonly now: () => number = () => Date.now()) {}

  get known(): boolean {
    return this.offset !== undefined
  }

  /** Records OVH's time (epoch seconds) as read now. */
  set(serverSeconds: number): void {
    this.offset = serverSeconds - Math.floor(this.now() / 1000)
  }

  /** OVH's time now, in seconds; needs set() first. */
  seconds(): number {
    if (this.offset === undefined) throw new Error('OVH clock offset unknown: read /auth/time first')
    return Math.floor(this.now() / 1000) + this.offset
  }

  get offsetSeconds(): number | undefined {
    return this.offset
  }
}
