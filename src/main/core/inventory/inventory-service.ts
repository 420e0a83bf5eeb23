import type { DomainOnHost, HostInventory, Vm } from '../../../shared/inventory'
import { ApiError, commandStep, errorText } from '../../../shared/errors'
import { msg, withDetail } from '../../../shared/messages/message'
import type { CoreEvents } from '../events'
import type { RemoteRunner } from '../remote/runner'
import { buildVms } from './cluster-model'
import {
  digestedAsked,
  readListing,
  sectionText,
  sessionNonce,
  splitBatchOutput,
  virshDigestedBatchArgv,
  type Sections,
} from '../remote/framing'
import { DEFINITIONS_DIR, eventStreamArgv, readDefinitionsChanged } from '../libvirt/host'
import {
  DefinitionCache,
  definitionReader,
  definitionsRead,
  fingerprintOf,
  firstReadListing,
  firstReadSections,
  fingerprintSections,
  HostBatchError,
  hostBatchSections,
  readFingerprints,
  readFirstReadListing,
  readHostSections,
  sessionFingerprintOf,
} from './host-inventory'
import { lifecycleChange, needsDefinitionReload, parseVirshEventLine } from './virsh-events'

export interface InventoryOptions {
  runner: RemoteRunner
  events: CoreEvents
  /** The configured hosts, in the cluster file's order. */
  hostNames(): string[]
  /** From the doctor: false forces the dominfo fallback (libvirt < 1.2.8). */
  hasDomstats(host: string): boolean
  /** A cheap full refresh to catch anything events missed. */
  pollIntervalMs?: number
  /** Refresh timeout on the host. */
  refreshTimeoutSeconds?: number
  /** A fence covers this VM's copy on this host (fencing.ts). */
  isFenced?(host: string, uuid: string): boolean
  /** Where the hosts keep libvirt's definition files (DEFINITIONS_DIR; tests give their own). */
  definitionsDir?: string
  /**
   * The waits before each new try to reopen a host's event stream, growing; the last repeats
   * (default EVENT_RECONNECT_DELAYS_MS). Lab tests shorten the growth to reach the last one sooner.
   */
  eventReconnectDelaysMs?: readonly number[]
}

export interface InventorySnapshot {
  hosts: HostInventory[]
  vms: Vm[]
}

const EVENT_RECONNECT_DELAYS_MS = [500, 1000, 2000, 5000, 10000]
const REFRESH_DEBOUNCE_MS = 150
/**
 * A host whose batch gave no fingerprints (see fingerprintSections) has its definitions read again
 * every DEFINITIONS_EVERY-th poll instead: every minute with the default 15 s poll.
 */
const DEFINITIONS_EVERY = 4

export interface RefreshOptions {
  definitions?: boolean
  fingerprints?: boolean
}

/**
 * What one batch said: the inventory, the definitions' fingerprints, the definitions it read, and the
 * domains whose display it asked.
 */
interface BatchAnswer {
  inventory: HostInventory
  fingerprints: Map<string, string>
  read: string[]
  /** The definition directory's listing (its sum) when the batch ran, if the host could list it. */
  listing: string | undefined
  /** The listing was the one given: the host skipped the fingerprints, none changed. */
  unchanged: boolean
  /** The running domains whose display this batch asked. */
  displayAsked: string[]
}

/**
 * The live inventory of the cluster. One exec per host per refresh (a single read-only `virsh`
 * running a batch; a host's first read asks its virsh session instead: firstRead), hosts in parallel; XML only for domains that are new or changed; `virsh event`
 * streams per host update the state at once and schedule a refresh; a periodic refresh catches
 * anything missed. A host that cannot be reached is marked unreachable; the others go on.
 * Each refresh also gets the fingerprint of every known inactive definition, hashed on the host: one
 * that changed without an event is read again (its XML only) at once, and the event stream says
 * when a definition file changed, so such a change shows within seconds (DEFINITIONS_CHANGED).
 */
export class InventoryService {
  private readonly inventories = new Map<string, HostInventory>()
  /** Definitions already read, this service's own: a started core begins with none. */
  private readonly definitions = new DefinitionCache()
  /** host → UUIDs whose definition must be read again */
  private readonly staleDefinitions = new Map<string, Set<string>>()
  /** host → UUID → fingerprint of the inactive definition the inventory holds (see fingerprintSections) */
  private readonly fingerprints = new Map<string, Map<string, string>>()
  /** Hosts whose last batch gave no fingerprints: their definitions are read again periodically. */
  private readonly unfingerprinted = new Set<string>()
  /**
   * host → the definition directory's listing when the fingerprints held were taken (and what they
   * said changed was read): while it stays the same, the host skips the fingerprints (framing.ts,
   * DigestGate), the most of a steady refresh's work on the host with hundreds of definitions.
   */
  private readonly listings = new Map<string, string>()
  private readonly refreshing = new Map<string, Promise<HostInventory>>()
  private readonly refreshAgain = new Set<string>()
  /**
   * host → its debounced refresh: `listing` when only the definition files' watch asked it (the
   * listing it saw), none when an event did (see scheduleRefresh).
   */
  private readonly debounce = new Map<string, { timer: NodeJS.Timeout; listing?: string }>()
  private readonly streams = new Map<string, { close(): void }>()
  /** Hosts whose event stream is being kept up. */
  private readonly watching = new Set<string>()
  /** Hosts whose stream is being opened or is open (at most one per host). */
  private readonly streaming = new Set<string>()
  /** Pending reconnection of a host's lost stream, after a backoff. */
  private readonly reconnects = new Map<string, NodeJS.Timeout>()
  private pollTimer: NodeJS.Timeout | undefined
  private stopped = true

  constructor(private readonly options: InventoryOptions) {}

  snapshot(): InventorySnapshot {
    const hosts = this.options
      .hostNames()
      .map((name) => this.inventories.get(name))
      .filter((inventory): inventory is HostInventory => inventory !== undefined)
    return { hosts, vms: buildVms(hosts, this.options.isFenced?.bind(this.options)) }
  }

  host(name: string): HostInventory | undefined {
    return this.inventories.get(name)
  }

  /** One VM across the cluster, by UUID. */
  vm(uuid: string): Vm | undefined {
    return this.snapshot().vms.find((vm) => vm.uuid === uuid)
  }

  /** One VM as one host last reported it (state, definition), by UUID. */
  domain(host: string, uuid: string): DomainOnHost | undefined {
    return this.inventories.get(host)?.domains.find((domain) => domain.uuid === uuid)
  }

  /**
   * Starts event streams and periodic refreshes. Hosts are refreshed as they come online
   * (`hostOnline`), so start-up never waits for a slow or unreachable host.
   */
  start(): void {
    this.stopped = false
    this.followHosts()
    let polls = 0
    // Some definition changes raise no libvirt event (e.g. `setmaxmem --config` on a stopped VM): the
    // fingerprints find them; on a host that gave none, every DEFINITIONS_EVERY-th poll reads the
    // definitions again.
    this.pollTimer = setInterval(() => {
      const rereadAll = ++polls % DEFINITIONS_EVERY === 0
      for (const host of this.options.hostNames()) {
        // The listing gate trusts file times: on a file system that keeps whole seconds, two changes
        // of one definition in a second, to the same size, would look like one. The fingerprints are
        // taken anyway at these polls, so such a change shows within a minute.
        void this.refreshHost(host, {
          definitions: rereadAll && this.unfingerprinted.has(host),
          fingerprints: rereadAll,
        })
      }
    }, this.options.pollIntervalMs ?? 15_000)
    this.pollTimer.unref()
  }

  /**
   * Watches the events of hosts added to the cluster file, and forgets removed ones. A host's stream
   * opens once the host is read (hostOnline): opened beside a cold start's first read, its virsh and
   * its watch loop took the host's CPU that read, the tree's, waited for.
   */
  followHosts(): void {
    if (this.stopped) return
    const names = new Set(this.options.hostNames())
    for (const host of names) {
      if (this.watching.has(host)) continue
      this.watching.add(host)
      if (this.inventories.get(host)?.reachable) void this.watchEvents(host, 1)
    }
    for (const host of [...this.watching]) {
      if (names.has(host)) continue
      this.watching.delete(host)
      this.streams.get(host)?.close()
      clearTimeout(this.reconnects.get(host))
      this.reconnects.delete(host)
      this.inventories.delete(host)
      this.fingerprints.delete(host)
      this.listings.delete(host)
    }
  }

  /**
   * A host (re)connected: read it now, then open its event stream, at once rather than after the
   * backoff of its failed attempts, and once the read is done, so the stream's start does not slow
   * the read (the stream's return triggers one more refresh, so an event that came between this read
   * and the stream is not missed). Settles when the read is done.
   */
  hostOnline(host: string): Promise<HostInventory> {
    const read = this.refreshHost(host)
    if (this.stopped || !this.watching.has(host) || this.streaming.has(host)) return read
    clearTimeout(this.reconnects.get(host))
    this.reconnects.delete(host)
    // Held from now: a second hostOnline meanwhile opens no second stream.
    this.streaming.add(host)
    void read.finally(() => {
      this.streaming.delete(host)
      if (!this.stopped && this.watching.has(host)) void this.watchEvents(host, 1)
    })
    return read
  }

  /**
   * The pool lost a host the inventory still holds as reachable: read it now. The read fails at once
   * (the connection is down) and publishes the host unreachable, its running VMs as last seen there;
   * without this the tree showed them running on the lost host until the next poll (up to 15 s).
   */
  hostOffline(host: string): void {
    if (this.stopped || !this.inventories.get(host)?.reachable) return
    void this.refreshHost(host)
  }

  stop(): void {
    this.stopped = true
    if (this.pollTimer) clearInterval(this.pollTimer)
    for (const pending of this.debounce.values()) clearTimeout(pending.timer)
    this.debounce.clear()
    for (const stream of this.streams.values()) stream.close()
    this.streams.clear()
    for (const timer of this.reconnects.values()) clearTimeout(timer)
    this.reconnects.clear()
    this.watching.clear()
  }

  /**
   * `definitions`: read every definition again, not only the ones announced as changed.
   * `fingerprints`: take every definition's fingerprint, even if their files' listing is the same.
   * `keep`: hosts not read again, their last read kept (the fence's start: fencing.ts).
   */
  async refreshAll(options: RefreshOptions = {}, keep: readonly string[] = []): Promise<InventorySnapshot> {
    const hosts = this.options.hostNames().filter((host) => !keep.includes(host))
    await Promise.all(hosts.map((host) => this.refreshHost(host, options)))
    return this.snapshot()
  }

  /**
   * Refreshes one host. Concurrent calls share the refresh in flight, and one more runs after it
   * when something asked during it, so no change is missed and no host is asked twice at once. A
   * refresh that starts reads whatever an event before it announced: it replaces the host's pending
   * debounced refresh.
   */
  refreshHost(host: string, options: RefreshOptions = {}): Promise<HostInventory> {
    if (options.fingerprints) this.listings.delete(host)
    if (options.definitions) {
      for (const domain of this.inventories.get(host)?.domains ?? [])
        this.invalidateDefinition(host, domain.uuid)
    }
    const running = this.refreshing.get(host)
    if (running) {
      this.refreshAgain.add(host)
      return running
    }
    clearTimeout(this.debounce.get(host)?.timer)
    this.debounce.delete(host)
    const refresh = this.doRefresh(host).finally(() => {
      this.refreshing.delete(host)
      if (this.refreshAgain.delete(host)) void this.refreshHost(host)
    })
    this.refreshing.set(host, refresh)
    return refresh
  }

  /** Marks a domain's definition as changed (after the app itself redefined it, for instance). */
  invalidateDefinition(host: string, uuid: string): void {
    const set = this.staleDefinitions.get(host) ?? new Set<string>()
    set.add(uuid)
    this.staleDefinitions.set(host, set)
  }

  private async doRefresh(host: string): Promise<HostInventory> {
    const previous = this.inventories.get(host)
    try {
      const wanted = this.xmlWanted(host, previous)
      const first = await this.runBatch(host, previous, wanted, undefined, this.listings.get(host))
      let inventory = first.inventory
      // Definitions whose fingerprint changed (a change that raised no event), and domains seen for
      // the first time: their XML in one follow-up exec, only then.
      const changed = this.noteFingerprints(host, first)
      // The listing is kept only once every change its fingerprints showed has been read.
      let settled: BatchAnswer | undefined = changed.length === 0 ? first : undefined
      const missing = inventory.domains.filter((domain) => !domain.definition).map((domain) => domain.uuid)
      // Running domains whose display this batch did not ask (they started meanwhile); one it asked
      // and did not get (no VNC) is not asked again in a second exec.
      const needDisplay = inventory.domains
        .filter(
          (d) => d.state === 'running' && d.displayPort === undefined && !first.displayAsked.includes(d.uuid),
        )
        .map((d) => d.uuid)
      const reread = [...new Set([...missing, ...changed])]
      if (reread.length > 0 || needDisplay.length > 0) {
        const again = await this.runBatch(host, inventory, reread, inventory, first.listing)
        settled = this.noteFingerprints(host, again).length === 0 ? again : undefined
        inventory = again.inventory
      }
      if (settled?.listing && (settled.unchanged || this.fingerprints.get(host)?.size))
        this.listings.set(host, settled.listing)
      else this.listings.delete(host)
      // Forget only what this refresh read: a change announced meanwhile waits for the next one.
      const stale = this.staleDefinitions.get(host)
      for (const uuid of [...wanted, ...reread]) stale?.delete(uuid)
      return this.publish(inventory)
    } catch (error) {
      const apiError = ApiError.from(error)
      return this.publish({
        host,
        reachable: false,
        error: apiError.message,
        errorText: errorText(apiError),
        unreachableSince:
          previous && !previous.reachable ? (previous.unreachableSince ?? Date.now()) : Date.now(),
        facts: previous?.facts ?? {},
        domains: previous?.domains ?? [],
        refreshedAt: Date.now(),
      })
    }
  }

  /**
   * Keeps the fingerprints of the definitions the inventory holds, and returns the domains whose
   * fingerprint changed since their XML was read (to read again). A definition read in this very
   * batch takes the batch's fingerprint (asked first in the batch: a change in between shows as a
   * change at the next refresh, never as a missed one).
   */
  private noteFingerprints(host: string, answer: BatchAnswer): string[] {
    const { inventory, fingerprints, read, unchanged } = answer
    const asked = inventory.domains.length > 0 && (unchanged || fingerprints.size > 0)
    if (asked) this.unfingerprinted.delete(host)
    else if (inventory.domains.length > 0) this.unfingerprinted.add(host)
    const known = this.fingerprints.get(host) ?? new Map<string, string>()
    const listed = new Set(inventory.domains.map((domain) => domain.uuid))
    for (const uuid of [...known.keys()]) if (!listed.has(uuid)) known.delete(uuid)
    const changed: string[] = []
    for (const [uuid, fingerprint] of fingerprints) {
      if (!listed.has(uuid)) continue
      const before = known.get(uuid)
      if (read.includes(uuid) || before === undefined) known.set(uuid, fingerprint)
      else if (before !== fingerprint) changed.push(uuid)
    }
    this.fingerprints.set(host, known)
    return changed
  }

  private xmlWanted(host: string, previous: HostInventory | undefined): string[] {
    const stale = [...(this.staleDefinitions.get(host) ?? [])]
    const known = previous?.domains.filter((domain) => domain.definition).map((domain) => domain.uuid) ?? []
    return stale.filter((uuid) => known.includes(uuid))
  }

  private async runBatch(
    host: string,
    previous: HostInventory | undefined,
    xmlFor: string[],
    current?: HostInventory,
    /** The definition directory's listing when the fingerprints held were taken. */
    listing?: string,
  ): Promise<BatchAnswer> {
    const basis = current ?? previous
    const useDomstats = this.options.hasDomstats(host)
    // Nothing known of the host yet (a cold start, a host added): read in the host's virsh session.
    if (!basis && useDomstats) return this.firstRead(host)
    // Running domains' displays, and those of domains whose state is not known yet: they are named
    // only once their XML is read (in this very batch), so they may well be running.
    const running =
      basis?.domains
        .filter((domain) => domain.state === 'running' || !domain.definition)
        .map((domain) => domain.uuid) ?? []
    const sections = hostBatchSections({
      xmlFor,
      displayFor: running,
      useDomstats,
      dominfoFor: basis?.domains.map((domain) => domain.uuid) ?? [],
    })
    // Every domain known so far; those whose XML this batch reads get theirs from that XML.
    const reading = new Set(xmlFor)
    const digested = fingerprintSections(
      basis?.domains.map((domain) => domain.uuid).filter((uuid) => !reading.has(uuid)) ?? [],
    )
    const nonce = sessionNonce()
    const argv = virshDigestedBatchArgv(sections, digested, 'hyperdesk-refresh', nonce, {
      dir: this.options.definitionsDir ?? DEFINITIONS_DIR,
      listing,
    })
    const result = await this.options.runner.run(host, argv, {
      timeoutSeconds: this.options.refreshTimeoutSeconds ?? 20,
      allowFailure: true,
      step: msg('errorSteps.refreshInventory'),
      // Definitions are read as they arrive, while the host prints the rest.
      ...(listing || xmlFor.length > 0 ? { onStdout: definitionReader(host, this.definitions) } : {}),
    })
    return this.answerOf(host, () => {
      const answer = splitBatchOutput(result.stdout, {
        sections: digestedAsked(sections, digested),
        exitCode: result.exitCode,
      })
      const inventory = readHostSections(host, answer, basis, Date.now(), this.definitions)
      // Without domstats, the first refresh only learns the UUIDs: ask dominfo for them now.
      if (!useDomstats && !basis && inventory.domains.length > 0)
        return this.runBatch(host, inventory, xmlFor, inventory, listing)
      const fingerprints = readFingerprints(answer)
      const read = this.withReadFingerprints(answer, xmlFor, fingerprints, fingerprintOf)
      // Without digested sections there is no gate: nothing to skip, nothing learnt of the listing.
      const gate = digested.length > 0 ? readListing(answer) : { listing: undefined, unchanged: false }
      return { inventory, fingerprints, read, displayAsked: running, ...gate }
    })
  }

  /**
   * A host's first read, in its virsh session (host-inventory.ts: firstReadListing): the listing, then
   * the host's sections with every listed definition and the active domains' displays.
   */
  private async firstRead(host: string): Promise<BatchAnswer> {
    const options = {
      timeoutSeconds: this.options.refreshTimeoutSeconds ?? 20,
      step: msg('errorSteps.refreshInventory'),
    }
    return this.answerOf(host, async () => {
      const listed = readFirstReadListing(
        await this.options.runner.virshQuery(host, firstReadListing(), options),
      )
      const answer = await this.options.runner.virshQuery(host, firstReadSections(listed), options)
      const inventory = readHostSections(host, answer, undefined, Date.now(), this.definitions)
      const fingerprints = new Map<string, string>()
      const read = this.withReadFingerprints(answer, listed.every, fingerprints, sessionFingerprintOf)
      return {
        inventory,
        fingerprints,
        read,
        displayAsked: listed.active,
        listing: undefined,
        unchanged: false,
      }
    })
  }

  /**
   * The definitions among `asked` that the answer did read; each one's fingerprint is set from its
   * text, as the host's sha256sum of the same dumpxml in a batch would give (`fingerprint`: fingerprintOf
   * for a batch's text, sessionFingerprintOf for a session's).
   */
  private withReadFingerprints(
    answer: Sections,
    asked: readonly string[],
    fingerprints: Map<string, string>,
    fingerprint: (text: string) => string,
  ): string[] {
    const read = definitionsRead(answer, asked)
    for (const uuid of read) fingerprints.set(uuid, fingerprint(sectionText(answer, `xml:${uuid}`) ?? ''))
    return read
  }

  /** Reads an answer; an essential section that failed becomes the error naming it and the host. */
  private async answerOf(host: string, read: () => BatchAnswer | Promise<BatchAnswer>): Promise<BatchAnswer> {
    try {
      return await read()
    } catch (error) {
      if (error instanceof HostBatchError) {
        throw ApiError.of(
          'inventory.refresh-failed',
          withDetail(msg('coreErrors.refreshSectionFailed', { section: error.section, host }), error.message),
          { host, step: commandStep(`virsh ${error.section}`), hint: msg('coreErrors.refreshHint') },
        )
      }
      throw error
    }
  }

  /** Tells every listener again (after a fence changed what the model shows). */
  republish(): void {
    for (const inventory of this.inventories.values()) this.publish(inventory)
  }

  private publish(inventory: HostInventory): HostInventory {
    this.inventories.set(inventory.host, inventory)
    this.options.events.emit('inventory.changed', { host: inventory, vms: this.snapshot().vms })
    return inventory
  }

  /**
   * Refreshes the host soon (events come in bursts). `watched`: only the definition files' watch asks,
   * having seen their listing as `watched.listing`; an event's ask (none) outweighs it.
   */
  private scheduleRefresh(host: string, watched?: { listing: string | undefined }): void {
    const pending = this.debounce.get(host)
    clearTimeout(pending?.timer)
    const listing = pending && pending.listing === undefined ? undefined : watched?.listing
    const timer = setTimeout(() => {
      this.debounce.delete(host)
      if (listing === undefined) void this.refreshHost(host)
      else void this.refreshUnlessRead(host, listing)
    }, REFRESH_DEBOUNCE_MS)
    timer.unref()
    this.debounce.set(host, listing === undefined ? { timer } : { timer, listing })
  }

  /**
   * The definition files' watch saw their listing as `listing`: the host is read again unless a
   * refresh already read every definition with the files so (it keeps that listing: see doRefresh),
   * as after the app's own define. A refresh in flight may be that one: its end says.
   */
  private async refreshUnlessRead(host: string, listing: string): Promise<void> {
    for (let running = this.refreshing.get(host); running; running = this.refreshing.get(host)) await running
    if (this.listings.get(host) === listing) return
    await this.refreshHost(host)
  }

  /** Applies a virsh event at once (state) and refreshes the host soon after (details). */
  handleEventLine(host: string, line: string): void {
    // A definition file changed (maybe without an event): the refresh's fingerprints say which.
    const watched = readDefinitionsChanged(line)
    if (watched) {
      this.scheduleRefresh(host, watched)
      return
    }
    const inventory = this.inventories.get(host)
    // virsh names the domain (never its UUID), unescaped: read against the names the host has.
    const event = parseVirshEventLine(
      line,
      inventory?.domains.map((domain) => domain.name),
    )
    if (!event || !inventory) return
    const domain = inventory.domains.find((candidate) => candidate.name === event.domain)
    const change = lifecycleChange(event.event, event.detail)
    if (domain && change && (domain.state !== change.state || domain.stateReason !== change.stateReason)) {
      domain.state = change.state
      // The reason the event implies, or none: a stale reason must not outlive its state.
      if (change.stateReason !== undefined) domain.stateReason = change.stateReason
      else delete domain.stateReason
      if (change.state !== 'running') delete domain.displayPort
      this.publish({ ...inventory, refreshedAt: Date.now() })
    }
    if (domain && needsDefinitionReload(event)) this.invalidateDefinition(host, domain.uuid)
    this.scheduleRefresh(host)
  }

  private async watchEvents(host: string, attempt: number): Promise<void> {
    if (this.stopped) return
    this.watching.add(host)
    this.streaming.add(host)
    let connectedAt = 0
    try {
      const stream = await this.options.runner.stream(
        host,
        eventStreamArgv({ dir: this.options.definitionsDir ?? DEFINITIONS_DIR }),
        (line) => this.handleEventLine(host, line),
      )
      this.streams.set(host, stream)
      connectedAt = Date.now()
      // Events may have been missed while the stream was down.
      if (attempt > 0) this.scheduleRefresh(host)
      await stream.done
    } catch {
      // The host is unreachable; the refresh path reports it. Try again later.
    }
    this.streams.delete(host)
    this.streaming.delete(host)
    if (this.stopped || !this.watching.has(host)) return
    const next = connectedAt && Date.now() - connectedAt > 30_000 ? 0 : attempt
    const delays = this.options.eventReconnectDelaysMs ?? EVENT_RECONNECT_DELAYS_MS
    const delay = delays[Math.min(next, delays.length - 1)] ?? 10_000
    const timer = setTimeout(() => {
      this.reconnects.delete(host)
      void this.watchEvents(host, next + 1)
    }, delay)
    timer.unref()
    this.reconnects.set(host, timer)
  }
}
