import type { DomainOnHost, HostInventory } from '../../../shared/inventory'
import { msg } from '../../../shared/messages'
import { ApiError } from '../../../shared/errors'
import { addressIp, isClientAddress, normalizeAddress } from '../ceph/blocklist'
import { imageSpec, type RbdImageRef } from '../ceph/image'
import { isActive } from '../inventory/cluster-model'
import type { RemoteRunner } from '../remote/runner'
import type { FenceStore } from './fence-store'

/**
 * Records, while a host is reachable, the exact Ceph client addresses (`IP:0/nonce`) of each running
 * VM's disks on it: a lost host cannot be asked, and its watchers vanish from `rbd status` once
 * their watch times out. Cheap: one exec per host, only when a VM is first seen running there (a
 * start, a migration's arrival, the app's start-up) — never on every refresh.
 */

/** The VM's Ceph disks in one definition. */
export function rbdImagesOf(domain: DomainOnHost | undefined): RbdImageRef[] {
  return (domain?.definition?.disks ?? []).flatMap((disk) =>
    disk.rbd ? [{ pool: disk.rbd.pool, image: disk.rbd.image }] : [],
  )
}

const SEPARATOR = '@@hyperdesk-watchers'

/**
 * One exec: the host's IPs, then `rbd status` of each image. $1 client id, $2 monitor timeout,
 * $3… pool/image specs.
 */
const RECORD_SCRIPT = String.raw`
client=$1; t=$2; shift 2
hostname -I 2>/dev/null
for spec in "$@"; do
  echo "${SEPARATOR}"
  timeout -k 2 $((t + 5)) rbd --id "$client" --client-mount-timeout "$t" --rados-mon-op-timeout "$t" status "$spec" --format json 2>/dev/null
  echo
done
`

/** Parses the script's output: the host's IPs and, per image, the watcher addresses (pure, for tests). */
export function parseRecordOutput(
  stdout: string,
  specs: readonly string[],
): { ips: string[]; images: Record<string, string[]> } {
  const [head = '', ...parts] = stdout.split(`${SEPARATOR}\n`)
  const ips = head.split(/\s+/).filter((ip) => /^[\d.]+$|^[0-9a-f:]+$/i.test(ip) && ip !== '')
  const images: Record<string, string[]> = {}
  specs.forEach((spec, index) => {
    let watchers: Array<{ address?: string }> = []
    try {
      watchers = (JSON.parse(parts[index]?.trim() || '{}') as { watchers?: typeof watchers }).watchers ?? []
    } catch {
      watchers = []
    }
    const addresses = watchers
      .map((watcher) => normalizeAddress(watcher.address ?? ''))
      .filter((address) => isClientAddress(address))
    // Only this host's clients: during a migration the other end's QEMU watches the image too.
    images[spec] = ips.length > 0 ? addresses.filter((a) => ips.includes(addressIp(a) ?? '')) : addresses
  })
  return { ips, images }
}

/** A recording asked for and not ended: when, and for which VMs. */
interface PendingRecording {
  askedAt: number
  uuids: ReadonlySet<string>
  /** Settles (never rejects) when the recording has ended. */
  done: Promise<void>
}

export interface RecorderSettings {
  clientId: string
  monitorTimeoutSeconds: number
}

export class WatcherRecorder {
  /** host/uuid pairs seen active since the app started (recorded once per run of the QEMU). */
  private readonly seen = new Set<string>()
  private readonly queue = new Map<string, Promise<void>>()
  /** host → the recordings asked for and not ended (queued or running), for a start to join. */
  private readonly pending = new Map<string, PendingRecording[]>()

  constructor(
    private readonly runner: RemoteRunner,
    private readonly store: FenceStore,
    private readonly settings: () => RecorderSettings,
    private readonly log: (message: string) => void = () => undefined,
  ) {}

  /** Called with every published inventory: records the VMs newly seen active on a reachable host. */
  observe(inventory: HostInventory): void {
    if (!inventory.reachable) return
    const fresh: DomainOnHost[] = []
    const active = new Set<string>()
    for (const domain of inventory.domains) {
      const key = `${inventory.host}/${domain.uuid}`
      if (!isActive(domain.state)) {
        this.seen.delete(key)
        continue
      }
      active.add(key)
      if (this.seen.has(key) || rbdImagesOf(domain).length === 0) continue
      this.seen.add(key)
      fresh.push(domain)
    }
    if (fresh.length > 0) void this.record(inventory.host, fresh).catch(() => undefined)
  }

  /** Records now (at start time, or from observe); one exec per host, queued per host. */
  record(host: string, domains: readonly DomainOnHost[]): Promise<void> {
    const previous = this.queue.get(host) ?? Promise.resolve()
    const next = previous.then(() => this.recordNow(host, domains))
    const settled = next.catch(() => undefined)
    this.queue.set(host, settled)
    const entry: PendingRecording = {
      askedAt: Date.now(),
      uuids: new Set(domains.map((domain) => domain.uuid)),
      done: settled,
    }
    this.pending.set(host, [...(this.pending.get(host) ?? []), entry])
    void settled.then(() => {
      const left = (this.pending.get(host) ?? []).filter((other) => other !== entry)
      if (left.length > 0) this.pending.set(host, left)
      else this.pending.delete(host)
    })
    return next
  }

  /**
   * After a start that ran `virsh start` from `since` (Date.now()): the inventory, seeing the VM run,
   * has usually asked for its recording already (often ended already); that one is joined rather
   * than another queued behind it. It is enough only if it found a client of every disk of the VM on `host` after
   * `since` (the start's checks found no watcher before, so these are the new QEMU's); otherwise
   * (none asked, it failed, it ran before the QEMU opened a disk) the start records as before.
   */
  async recordStarted(host: string, domain: DomainOnHost, since: number): Promise<void> {
    // Already ended: the inventory saw the VM run (a libvirt event) before the start returned.
    if (this.recordedSince(host, domain, since)) return
    const joinable = (this.pending.get(host) ?? []).filter(
      (entry) => entry.askedAt >= since && entry.uuids.has(domain.uuid),
    )
    if (joinable.length > 0) {
      await Promise.all(joinable.map((entry) => entry.done))
      if (this.recordedSince(host, domain, since)) return
    }
    return this.record(host, [domain])
  }

  /** Every Ceph disk of `domain` has a client on `host` recorded at or after `since`. */
  private recordedSince(host: string, domain: DomainOnHost, since: number): boolean {
    const recorded = this.store.watchers(host, domain.uuid)
    if (!recorded || recorded.seenAt < since) return false
    return rbdImagesOf(domain).every((image) => (recorded.images[imageSpec(image)] ?? []).length > 0)
  }

  private async recordNow(host: string, domains: readonly DomainOnHost[]): Promise<void> {
    const specs = [...new Set(domains.flatMap((domain) => rbdImagesOf(domain).map(imageSpec)))]
    if (specs.length === 0) return
    const { clientId, monitorTimeoutSeconds } = this.settings()
    const result = await this.runner.run(
      host,
      ['sh', '-c', RECORD_SCRIPT, 'hyperdesk-watchers', clientId, String(monitorTimeoutSeconds), ...specs],
      {
        step: msg('errorSteps.recordCephClients'),
        timeoutSeconds: (monitorTimeoutSeconds + 10) * specs.length + 10,
        allowFailure: true,
      },
    )
    const { ips, images } = parseRecordOutput(result.stdout, specs)
    if (ips.length > 0) this.store.setHostIps(host, ips)
    const seenAt = Date.now()
    for (const domain of domains) {
      const own: Record<string, string[]> = {}
      for (const spec of rbdImagesOf(domain).map(imageSpec)) own[spec] = images[spec] ?? []
      if (Object.values(own).every((addresses) => addresses.length === 0)) {
        this.log(`No Ceph client of ${domain.name}'s disks seen on ${host} (rbd status)`)
        // Keep what was recorded before rather than replace it with nothing.
        if (this.store.watchers(host, domain.uuid)) continue
      }
      this.store.setWatchers({ host, uuid: domain.uuid, seenAt, images: own })
    }
  }

  /** Forgets that a VM was seen, so its next sighting records again (after a fence, a destroy). */
  forget(host: string, uuid: string): void {
    this.seen.delete(`${host}/${uuid}`)
  }
}

export function recorderError(error: unknown): string {
  return ApiError.from(error).message
}
