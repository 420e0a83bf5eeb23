import crypto from 'node:crypto'
import { msg, type Message } from '../../../shared/messages'
import {
  fenceMessage,
  type FenceMessage,
  type FencePlan,
  type FenceText,
  type FenceRecord,
  type FenceStartParams,
  type FenceTarget,
} from '../../../shared/fencing'
import { ApiError, causeText, commandStep } from '../../../shared/errors'
import type { HostInventory } from '../../../shared/inventory'
import {
  addressIp,
  FENCE_EXPIRY_SECONDS,
  isWholeIpAddress,
  normalizeAddress,
  wholeIpAddress,
  type Blocklist,
} from '../ceph/blocklist'
import { imageSpec, type RbdImageRef } from '../ceph/image'
import type { Rbd } from '../ceph/rbd'
import { isActive } from '../inventory/cluster-model'
import type { InventoryService } from '../inventory/inventory-service'
import type { JobContext } from '../jobs/job-manager'
import type { KeyedMutex } from '../jobs/keyed-mutex'
import type { Leases } from '../lease/cluster-lease'
import { vmLeaseName } from '../../../shared/lease'
import { localAdminName } from '../remote/audit'
import type { RemoteRunner } from '../remote/runner'
import type { FenceStore } from './fence-store'
import { startLeaseNames, type HeldStartLease, type Lifecycle } from './lifecycle'
import { rbdImagesOf, type WatcherRecorder } from './watcher-recorder'
import { domainArgv } from '../libvirt/domain'

/**
 * Fencing a lost host before its VM starts elsewhere (issue 15, items 2 and 4). The plan says what
 * the app knows (lock owners, watchers recorded while the host was reachable, watchers alive now)
 * and what the user must accept; the job blocklists each exact address with a long expiry, reads the
 * blocklist back, releases the fenced owner's exclusive lock, and only then runs the ordinary start
 * (Lifecycle.startLocked, every start check included). When the host answers again, its fenced copy
 * is isolated at once (link down, paused) and waits for the user's confirmation to be destroyed;
 * then the entries the app added are removed.
 */

export interface FencingDeps {
  runner: RemoteRunner
  inventory: InventoryService
  rbd: Rbd
  blocklist: Blocklist
  store: FenceStore
  recorder: WatcherRecorder
  lifecycle: Lifecycle
  vmLocks: KeyedMutex
  /** The cluster lease (Ceph): a fence changes the VM and its disks, like a start. */
  lease: Leases
  hostNames(): string[]
  audit(host: string, action: string, vm: string): Promise<void>
  /** The fences changed (event for the UI). */
  changed(fences: FenceRecord[]): void
}

/** A fence job's lease: blocklist, read-back, lock release and the start; renewed if it runs longer. */
const FENCE_LEASE_SECONDS = 300

/** The start lock cookie of Hyperdesk before the cluster lease (an older instance): not a QEMU, never fenced. */
const START_LOCK_PREFIX = 'hyperdesk-start:'

function timeOf(ms: number | undefined): string {
  return ms === undefined ? '?' : new Date(ms).toISOString()
}

/** A fence for `uuid` that covers `host`: the start may ignore that host's silence. */
export function isFencedBy(fences: readonly FenceRecord[], host: string, uuid: string): boolean {
  return fences.some((fence) => fence.uuid === uuid && fence.lostHost === host)
}

/**
 * What the fence must blocklist: every lock owner and live watcher of the VM's images, and every
 * address recorded on the lost host; deduplicated by address (pure, for tests).
 */
export function fenceTargets(input: {
  locks: ReadonlyArray<{ image: string; id: string; address?: string }>
  live: ReadonlyArray<{ image: string; address: string }>
  recorded: Readonly<Record<string, readonly string[]>>
  recordedAt?: number
}): { targets: FenceTarget[]; liveWatchers: FenceTarget[] } {
  const targets = new Map<string, FenceTarget>()
  const liveWatchers: FenceTarget[] = []
  for (const lock of input.locks) {
    if (!lock.address || lock.id.startsWith(START_LOCK_PREFIX)) continue
    const address = normalizeAddress(lock.address)
    targets.set(address, { address, image: lock.image, source: 'lock-owner' })
  }
  for (const watcher of input.live) {
    const address = normalizeAddress(watcher.address)
    const target: FenceTarget = { address, image: watcher.image, source: 'live-watcher' }
    liveWatchers.push(target)
    targets.set(address, target)
  }
  for (const [image, addresses] of Object.entries(input.recorded)) {
    for (const raw of addresses) {
      const address = normalizeAddress(raw)
      if (targets.has(address)) continue
      targets.set(address, {
        address,
        image,
        source: 'recorded-watcher',
        ...(input.recordedAt !== undefined ? { seenAt: input.recordedAt } : {}),
      })
    }
  }
  return { targets: [...targets.values()], liveWatchers }
}

export class Fencing {
  constructor(private readonly deps: FencingDeps) {}

  fences(): FenceRecord[] {
    return this.deps.store.fences()
  }

  isFenced(host: string, uuid: string): boolean {
    return isFencedBy(this.deps.store.fences(), host, uuid)
  }

  /** Hosts whose whole IP this app fenced: Ceph refuses every client there, the app's own rados too. */
  wholeIpFenced(): string[] {
    return [
      ...new Set(
        this.deps.store
          .fences()
          .filter((fence) => fence.entries.some((entry) => isWholeIpAddress(entry.address)))
          .map((fence) => fence.lostHost),
      ),
    ]
  }

  private checkHost(host: string): void {
    if (!this.deps.hostNames().includes(host))
      throw ApiError.of('host.unknown', msg('vmErrors.unknownHost', { host }), { host })
  }

  /** A reachable host to ask Ceph from (the start host first). */
  private readerHost(preferred?: string): string {
    const hosts = preferred ? [preferred, ...this.deps.hostNames()] : this.deps.hostNames()
    const reader = hosts.find((host) => this.deps.inventory.host(host)?.reachable)
    if (!reader)
      throw ApiError.of('fence.no-host', msg('vmErrors.noCephReader'), {
        step: msg('errorSteps.chooseCephHost'),
      })
    return reader
  }

  /** The VM's Ceph disks, from every definition the app knows (the lost host's last one included). */
  private imagesOf(uuid: string): RbdImageRef[] {
    const byspec = new Map<string, RbdImageRef>()
    for (const host of this.deps.hostNames()) {
      for (const image of rbdImagesOf(this.deps.inventory.domain(host, uuid)))
        byspec.set(imageSpec(image), image)
    }
    return [...byspec.values()]
  }

  /** What fencing `lostHost` for this VM would do, and what the user must accept. Changes nothing. */
  async plan(uuid: string, lostHost: string, startHost?: string): Promise<FencePlan> {
    this.checkHost(lostHost)
    if (startHost) this.checkHost(startHost)
    const images = this.imagesOf(uuid)
    const reader = this.readerHost(startHost)
    // The sheet's two notes read Ceph beside the decision's reads: each is a `ceph` process on the
    // reader host (python's start-up, ~1 s), and none depends on another.
    const [plan, timeout, listed] = await Promise.all([
      this.decide(uuid, lostHost, startHost, images),
      this.deps.blocklist.watchTimeout(reader),
      this.deps.blocklist.list(reader),
    ])
    plan.notes.push(
      timeout.seconds !== undefined
        ? fenceMessage('watchTimeout', { seconds: timeout.seconds })
        : fenceMessage('watchTimeoutUnknown', { error: timeout.error ?? '?' }),
    )
    plan.notes.push(fenceMessage('expiry', { days: FENCE_EXPIRY_SECONDS / 86400 }))
    for (const target of plan.targets) {
      const entry = listed.find((candidate) => candidate.address === target.address)
      if (entry)
        plan.notes.push(
          fenceMessage('alreadyBlocklisted', { address: entry.address, until: entry.until ?? '?' }),
        )
    }
    return {
      ...plan,
      ...(timeout.seconds !== undefined ? { watchTimeoutSeconds: timeout.seconds } : {}),
    }
  }

  // Over ~80 lines on purpose: the plan's checks in the sheet's order.
  /**
   * The plan's decisions: what to blocklist (every lock owner and watcher of `images`, and the
   * addresses recorded on the lost host), what blocks, what the user must accept. The fence job
   * needs only these: the watch timeout and the blocklist's current entries are the sheet's notes.
   */
  private async decide(
    uuid: string,
    lostHost: string,
    startHost: string | undefined,
    images: readonly RbdImageRef[],
  ): Promise<FencePlan> {
    const vm = this.deps.inventory.vm(uuid)
    const lost = this.deps.inventory.host(lostHost)
    const name = vm?.name ?? uuid
    const blocks: FenceMessage[] = []
    const warnings: FenceMessage[] = []
    const notes: FenceMessage[] = []
    const since = timeOf(lost?.unreachableSince)
    if (!lost || lost.reachable) blocks.push(fenceMessage('hostReachable', { host: lostHost, name }))
    const reader = this.readerHost(startHost)
    // Each disk's locks and watchers, side by side: each is its own command on the reader host
    // (~0.3-0.7 s on the lab, more under load), and none depends on another. The disks' order is kept.
    const perImage = await Promise.all(
      images.map(async (image) => {
        const spec = imageSpec(image)
        const [imageLocks, watchers] = await Promise.all([
          this.deps.rbd.locks(reader, image),
          this.deps.rbd.watchers(reader, image),
        ])
        return {
          locks: imageLocks.map((lock) => ({ ...lock, image: spec })),
          live: watchers.map((watcher) => ({ image: spec, address: watcher.address })),
        }
      }),
    )
    const locks = perImage.flatMap((image) => image.locks)
    const live = perImage.flatMap((image) => image.live)
    const recorded = this.deps.store.watchers(lostHost, uuid)
    const { targets, liveWatchers } = fenceTargets({
      locks,
      live,
      recorded: recorded?.images ?? {},
      ...(recorded ? { recordedAt: recorded.seenAt } : {}),
    })
    for (const watcher of liveWatchers)
      warnings.push(fenceMessage('liveWatcher', { image: watcher.image, address: watcher.address }))

    const lastDomain = lost?.domains.find((domain) => domain.uuid === uuid)
    const lastSeenRunning = lastDomain !== undefined && isActive(lastDomain.state)
    notes.push(
      fenceMessage(lastSeenRunning ? 'lastSeenRunning' : 'lastSeenStopped', { name, host: lostHost, since }),
    )
    // The IPs the host's Ceph clients were seen with (the Ceph network's); all its IPs only if none.
    const seenIps = [
      ...new Set(
        [...targets.map((t) => t.address), ...Object.values(recorded?.images ?? {}).flat()].flatMap((a) =>
          addressIp(a) ? [addressIp(a)!] : [],
        ),
      ),
    ]
    const hostIps = seenIps.length > 0 ? seenIps : this.deps.store.hostIps(lostHost)
    const needsWholeIp = targets.length === 0 && lastSeenRunning
    if (needsWholeIp) {
      if (hostIps.length === 0) blocks.push(fenceMessage('noAddressNoIp', { host: lostHost, name }))
      else warnings.push(fenceMessage('noAddress', { host: lostHost, name }))
    }
    if (hostIps.length > 0) notes.push(fenceMessage('wholeIp', { ips: hostIps.join(', '), host: lostHost }))
    for (const domain of lost?.domains ?? []) {
      if (domain.autostart) warnings.push(fenceMessage('autostart', { vm: domain.name, host: lostHost }))
      if (domain.managedSave) warnings.push(fenceMessage('managedSave', { vm: domain.name, host: lostHost }))
    }
    return {
      uuid,
      name,
      lostHost,
      ...(lost?.unreachableSince !== undefined ? { unreachableSince: lost.unreachableSince } : {}),
      targets,
      liveWatchers,
      hostIps,
      needsWholeIp,
      expirySeconds: FENCE_EXPIRY_SECONDS,
      blocks,
      warnings,
      notes,
    }
  }

  /** The fence, then the start: the one workflow behind "start elsewhere" when a host is lost. */
  async fenceAndStart(
    params: FenceStartParams,
    context: JobContext,
  ): Promise<{ host: string; fence: FenceRecord }> {
    this.checkHost(params.host)
    this.checkHost(params.lostHost)
    if (params.host === params.lostHost)
      throw ApiError.of('fence.same-host', msg('vmErrors.fenceSameHost', { host: params.host }), {
        host: params.host,
      })
    return this.deps.vmLocks.run(params.uuid, async () => {
      context.step(msg('jobSteps.readingFencedHost', { host: params.lostHost }), 0.05)
      await this.deps.inventory.refreshAll()
      // The whole fence, the start included, holds the cluster lease of the VM and of every disk it has
      // on any host: no other app instance starts, migrates or changes it meanwhile.
      const names = startLeaseNames(params.uuid, this.imagesOf(params.uuid))
      return this.deps.lease.run(
        names,
        `fence ${params.lostHost} and start on ${params.host}`,
        FENCE_LEASE_SECONDS,
        (lease) => this.fenceLeased(params, context, { names, lease }),
        context,
      )
    })
  }

  // Over ~80 lines on purpose: the fence's safety steps in their order.
  /**
   * fenceStart's work, under the VM's lock and the cluster lease. The order is the fence's safety:
   * lease checked, then every entry added (side by side: independent addresses, one `ceph` process
   * each) and audited, then the blocklist read back, then only covered locks released, then the start.
   * Nothing of a later step runs before every part of the one before has ended and succeeded.
   */
  private async fenceLeased(
    params: FenceStartParams,
    context: JobContext,
    held: HeldStartLease,
  ): Promise<{ host: string; fence: FenceRecord }> {
    // One list of disks for the plan, the lock release and the lease names (fenceAndStart's).
    const images = this.imagesOf(params.uuid)
    const plan = await this.decide(params.uuid, params.lostHost, params.host, images)
    if (params.confirmName !== plan.name)
      throw ApiError.of(
        'vm.confirm-mismatch',
        msg('vmErrors.confirmFence', { host: params.lostHost, name: plan.name }),
      )
    if (plan.blocks.length > 0)
      throw ApiError.of(
        'fence.refused',
        msg('vmErrors.fenceRefused', {
          host: params.lostHost,
          name: plan.name,
          reasons: plan.blocks.map(fenceText),
        }),
        { host: params.lostHost, step: msg('errorSteps.fencePlan'), details: { blocks: plan.blocks } },
      )
    if (plan.liveWatchers.length > 0 && !params.acceptLiveWatchers)
      throw ApiError.of(
        'fence.live-watcher',
        msg('vmErrors.fenceLiveWatcher', {
          watchers: plan.liveWatchers.map((w) => `${w.image} (${w.address})`),
        }),
        {
          host: params.lostHost,
          step: msg('errorSteps.fencePlan'),
          details: { liveWatchers: plan.liveWatchers },
        },
      )
    if (plan.needsWholeIp && !params.wholeIp)
      throw ApiError.of(
        'fence.needs-whole-ip',
        msg('vmErrors.fenceNeedsWholeIp', { host: params.lostHost, name: plan.name, ips: plan.hostIps }),
        { host: params.lostHost, step: msg('errorSteps.fencePlan') },
      )
    const reader = this.readerHost(params.host)
    const entries = fenceEntries(plan, params)
    const all = entries.map((entry) => entry.address)
    // Still ours before the first entry: a take-over by another instance stops the fence before it cuts anything.
    if (all.length > 0) await held.lease.check(commandStep(`ceph osd blocklist add (${params.lostHost})`))
    await this.addEntries(reader, entries, plan.name, params.lostHost, context)

    // The read-back, and each disk's locks beside it: both only read, after every entry is in; no
    // lock is released before the list has confirmed every entry.
    context.step(msg('jobSteps.readingBlocklist'), 0.55)
    const [listedRead, locksRead] = await Promise.allSettled([
      this.deps.blocklist.list(reader),
      Promise.all(images.map((image) => this.deps.rbd.locks(reader, image))),
    ])
    if (listedRead.status === 'rejected') throw listedRead.reason
    const listed = listedRead.value
    const missing = all.filter((address) => !listed.some((entry) => entry.address === address))
    if (missing.length > 0)
      throw ApiError.of(
        'fence.not-confirmed',
        msg('vmErrors.fenceNotConfirmed', { addresses: missing, name: plan.name }),
        { host: reader, step: msg('errorSteps.readBlocklist') },
      )
    context.log(
      all.length === 0
        ? msg('jobSteps.blocklistListsNothing')
        : msg('jobSteps.blocklistLists', { addresses: all.join(', ') }),
    )
    const record: FenceRecord = {
      id: crypto.randomUUID(),
      uuid: params.uuid,
      name: plan.name,
      lostHost: params.lostHost,
      entries: all.map((address) => {
        const until = listed.find((entry) => entry.address === address)?.until
        return { address, ...(until ? { until } : {}) }
      }),
      fencedAt: Date.now(),
      admin: localAdminName(),
    }
    const previous = this.deps.store.fence(params.uuid, params.lostHost)
    if (previous)
      record.entries = [...previous.entries.filter((e) => !all.includes(e.address)), ...record.entries]
    if (previous) record.id = previous.id
    this.deps.store.putFence(record)
    this.deps.changed(this.fences())
    await this.deps.audit(reader, `fenced ${params.lostHost} (host confirmed off or isolated) for`, plan.name)
    // A failed lock listing stops here, the fence recorded (its entries are removed with it later).
    if (locksRead.status === 'rejected') throw locksRead.reason
    // The fenced client may still hold its image's exclusive lock; a client with the runbook's
    // mon caps cannot break it (librbd would blocklist first), so the app releases it now: only a
    // lock whose address an entry covers, each disk's beside the others'.
    const covered = images.flatMap((image, index) =>
      locksRead.value[index]!.filter(
        (lock) => lock.address !== undefined && all.some((address) => covers(address, lock.address!)),
      ).map((lock) => ({ image, lock })),
    )
    await settledAll(
      covered.map(async ({ image, lock }) => {
        await held.lease.check(commandStep(`rbd lock rm ${imageSpec(image)}`))
        context.step(msg('jobSteps.releasingLock', { image: imageSpec(image) }), 0.6)
        await this.deps.rbd.breakLock(reader, image, lock)
        context.log(
          msg('jobSteps.releasedLock', { lock: lock.id, address: lock.address!, image: imageSpec(image) }),
        )
      }),
    )
    context.step(msg('jobSteps.starting', { name: plan.name, host: params.host }), 0.65)
    // The lost host, read unreachable by this job and now fenced: the start does not wait on it again.
    const started = await this.deps.lifecycle.startLocked({ uuid: params.uuid, host: params.host }, context, {
      ...held,
      fencedHost: params.lostHost,
    })
    const final = { ...record, startedOn: started.host }
    this.deps.store.putFence(final)
    this.deps.changed(this.fences())
    return { host: started.host, fence: final }
  }

  /**
   * Adds every entry side by side, each audited as soon as it is in. Waits for all of them before
   * saying anything failed (no add is left running); a failed add is told with its address, the
   * host it ran on and the entries that are in. A failed audit line stops the fence as before.
   */
  private async addEntries(
    reader: string,
    entries: readonly FenceEntry[],
    name: string,
    lostHost: string,
    context: JobContext,
  ): Promise<void> {
    if (entries.length === 0) return
    context.step(msg('jobSteps.blocklistingAll', { count: entries.length, host: lostHost }), 0.1)
    for (const entry of entries) context.log(entry.adding)
    const added: string[] = []
    const outcomes = await Promise.allSettled(
      entries.map(async (entry) => {
        try {
          await this.deps.blocklist.add(
            reader,
            entry.address,
            FENCE_EXPIRY_SECONDS,
            entry.wholeIp ? { wholeIp: true } : {},
          )
        } catch (error) {
          throw new AddFailed(entry.address, error)
        }
        added.push(entry.address)
        context.log(entry.added)
        await this.deps.audit(reader, entry.audit, name)
      }),
    )
    const failedAdd = outcomes.find(
      (outcome): outcome is PromiseRejectedResult =>
        outcome.status === 'rejected' && outcome.reason instanceof AddFailed,
    )
    if (failedAdd) {
      const { address, failure } = failedAdd.reason as AddFailed
      const error = ApiError.from(failure)
      const inNow = entries.map((entry) => entry.address).filter((candidate) => added.includes(candidate))
      throw ApiError.of(
        error.code,
        msg(inNow.length > 0 ? 'vmErrors.fenceAddFailed' : 'vmErrors.fenceAddFailedNoEntry', {
          address,
          host: reader,
          lostHost,
          name,
          why: causeText(error),
          added: inNow,
        }),
        {
          host: reader,
          step: error.stepText ?? commandStep(`ceph osd blocklist add ${address}`),
          hint: error.hintText ?? msg('vmErrors.fenceAddFailedHint', { host: lostHost }),
          details: { ...error.details, address, added: inNow },
        },
      )
    }
    // Every entry is in; an audit line that could not be written stops the fence here, as it did
    // when the adds ran one by one: nothing released, nothing started.
    const failedAudit = outcomes.find((outcome) => outcome.status === 'rejected')
    if (failedAudit) throw failedAudit.reason
  }

  /**
   * A fenced host answers again: cut the network link of its fenced copies and pause them at once
   * (they hold an old view of the disk and must never run on), and say so on the host.
   */
  async onInventory(inventory: HostInventory): Promise<void> {
    if (!inventory.reachable) return
    for (const fence of this.deps.store.fences()) {
      if (fence.lostHost !== inventory.host || fence.isolatedAt !== undefined) continue
      const domain = inventory.domains.find((candidate) => candidate.uuid === fence.uuid)
      // Nothing runs there any more (the host was powered off): nothing to destroy, the entries go.
      if (!domain || !isActive(domain.state)) await this.release(inventory.host, fence).catch(() => undefined)
      else await this.isolate(inventory.host, fence).catch(() => undefined)
    }
  }

  /** Isolations and releases in flight, by fence: a second caller waits for the same one. */
  private readonly inflight = new Map<string, Promise<void>>()

  private once(key: string, work: () => Promise<void>): Promise<void> {
    const running = this.inflight.get(key)
    if (running) return running
    const promise = work().finally(() => this.inflight.delete(key))
    this.inflight.set(key, promise)
    return promise
  }

  private isolate(host: string, fence: FenceRecord): Promise<void> {
    return this.once(`isolate:${fence.id}`, async () => {
      const { runner } = this.deps
      const list = await runner.virsh(host, domainArgv.interfaces(fence.uuid), {
        step: commandStep('virsh domiflist'),
        allowFailure: true,
      })
      const macs = [...list.stdout.matchAll(/([0-9a-f]{2}(?::[0-9a-f]{2}){5})/gi)].map((match) => match[1]!)
      for (const mac of macs) {
        await runner.virsh(host, domainArgv.linkDown(fence.uuid, mac), {
          step: commandStep(`virsh domif-setlink ${fence.name} ${mac} down`),
          allowFailure: true,
        })
      }
      await runner.virsh(host, domainArgv.suspend(fence.uuid), {
        step: commandStep(`virsh suspend ${fence.name}`),
        allowFailure: true,
      })
      await this.deps.audit(host, `isolated fenced copy (link down, paused) of`, fence.name)
      this.deps.store.putFence({ ...fence, isolatedAt: Date.now() })
      this.deps.changed(this.fences())
      await this.deps.inventory.refreshHost(host)
    })
  }

  /** Removes the fence's blocklist entries and forgets it (its copy is gone). */
  private release(host: string, fence: FenceRecord, log: (text: Message) => void = () => undefined) {
    return this.once(`release:${fence.id}`, async () => {
      if (!this.deps.store.fences().some((other) => other.id === fence.id)) return
      // Another host than the one that came back (a whole-IP entry refuses its own ceph too).
      const reader = this.readerHost(
        this.deps.hostNames().find((name) => name !== host && this.deps.inventory.host(name)?.reachable),
      )
      // Each entry's removal beside the others' (independent addresses, one `ceph` process each, as the
      // adds); the fence is forgotten only once every one is out and audited, else kept to retry.
      const outcomes = await Promise.allSettled(
        fence.entries.map(async (entry) => {
          await this.deps.blocklist.remove(reader, entry.address)
          await this.deps.audit(reader, `unfence ${host}: blocklist rm ${entry.address} for`, fence.name)
          log(msg('jobSteps.unblocklisted', { address: entry.address }))
        }),
      )
      const failed = outcomes.find((outcome) => outcome.status === 'rejected')
      if (failed) throw failed.reason
      this.deps.store.removeFence(fence.id)
      this.deps.recorder.forget(host, fence.uuid)
      this.deps.changed(this.fences())
    })
  }

  /**
   * Destroys the fenced copy on the host that came back (after the user typed its name), then
   * removes the blocklist entries this fence added.
   */
  async destroyFenced(uuid: string, host: string, confirmName: string, context: JobContext): Promise<void> {
    this.checkHost(host)
    const fence = this.deps.store.fence(uuid, host)
    if (!fence) throw ApiError.of('fence.none', msg('vmErrors.fenceNone', { host }), { host })
    if (confirmName !== fence.name)
      throw ApiError.of('vm.confirm-mismatch', msg('vmErrors.confirmDestroyCopy', { name: fence.name }), {
        host,
      })
    const inventory = this.deps.inventory.host(host)
    if (!inventory?.reachable)
      throw ApiError.of('fence.host-unreachable', msg('vmErrors.fencedHostUnreachable', { host }), { host })
    // Like a force off, destroying the copy holds the VM's cluster lease.
    await this.deps.vmLocks.run(uuid, () =>
      this.deps.lease.run(
        [vmLeaseName(uuid)],
        `destroy the fenced copy of ${fence.name} on ${host}`,
        FENCE_LEASE_SECONDS,
        async (lease) => {
          const domain = inventory.domains.find((candidate) => candidate.uuid === uuid)
          if (domain && isActive(domain.state)) {
            await lease.check(commandStep(`virsh destroy ${fence.name}`))
            context.step(msg('jobSteps.destroyingFencedCopy', { name: fence.name, host }), 0.2)
            await this.deps.runner.virsh(host, domainArgv.destroy(uuid), {
              step: commandStep(`virsh destroy ${fence.name}`),
            })
            await this.deps.audit(host, 'destroyed fenced copy of', fence.name)
            context.log(msg('jobSteps.destroyedFencedCopy', { host }))
          }
          await this.deps.inventory.refreshHost(host)
          const after = this.deps.inventory.domain(host, uuid)
          if (after && isActive(after.state))
            throw ApiError.of(
              'fence.still-running',
              msg('vmErrors.fencedCopyStillRuns', { name: fence.name, host }),
              { host },
            )
          context.step(msg('jobSteps.removingBlocklist'), 0.6)
          await this.release(host, fence, (text) => context.log(text))
          await this.deps.inventory.refreshAll()
        },
        context,
      ),
    )
  }
}

/** Whether a blocklist entry covers a client address (exact, or its whole IP). */
function covers(entry: string, address: string): boolean {
  const normal = normalizeAddress(address)
  if (entry === normal) return true
  return isWholeIpAddress(entry) && entry.slice(0, -4) === addressIp(normal)
}

/** A fence plan's sentence as a message of the fenceTexts area (its key and parameters). */
function fenceText(message: FenceMessage): Message {
  return { code: `fenceTexts.${message.text as FenceText}`, params: message.params }
}

/** One blocklist entry the fence adds: its address, its job lines and its audit line. */
interface FenceEntry {
  address: string
  wholeIp: boolean
  adding: Message
  added: Message
  audit: string
}

/** The entries of a fence: the plan's exact addresses, then the whole IPs when the user chose them. */
function fenceEntries(plan: FencePlan, params: FenceStartParams): FenceEntry[] {
  const exact = plan.targets.map((target): FenceEntry => ({
    address: target.address,
    wholeIp: false,
    adding: msg('jobSteps.blocklisting', {
      address: target.address,
      source: target.source,
      image: target.image,
    }),
    added: msg('jobSteps.blocklisted', {
      address: target.address,
      seconds: FENCE_EXPIRY_SECONDS,
      source: target.source,
      image: target.image,
    }),
    audit: `fence ${params.lostHost}: blocklist add ${target.address} ${FENCE_EXPIRY_SECONDS}s (${target.image}) for`,
  }))
  const wholeIps = params.wholeIp ? plan.hostIps.filter((ip) => /^[\d.]+$/.test(ip)).map(wholeIpAddress) : []
  return [
    ...exact,
    ...wholeIps.map((address): FenceEntry => ({
      address,
      wholeIp: true,
      adding: msg('jobSteps.fencingWholeIp', { address, host: params.lostHost }),
      added: msg('jobSteps.blocklistedWholeIp', { address, seconds: FENCE_EXPIRY_SECONDS }),
      audit: `fence ${params.lostHost}: blocklist add whole IP ${address} ${FENCE_EXPIRY_SECONDS}s for`,
    })),
  ]
}

/** An add that failed, with its address (an audit line's failure is not one). */
class AddFailed extends Error {
  constructor(
    readonly address: string,
    readonly failure: unknown,
  ) {
    super(`blocklist add ${address} failed`)
  }
}

/** Waits for every promise, then throws the first failure in their order (none is left running). */
async function settledAll(promises: ReadonlyArray<Promise<unknown>>): Promise<void> {
  const failed = (await Promise.allSettled(promises)).find((outcome) => outcome.status === 'rejected')
  if (failed) throw failed.reason
}
