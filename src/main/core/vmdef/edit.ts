import { ApiError, errorText } from '../../../shared/errors'
import { vmLeaseName } from '../../../shared/lease'
import { msg, withDetail, type Message } from '../../../shared/messages/message'
import type {
  VmEditChanges,
  VmEditPlan,
  VmEditResult,
  VmPending,
  VmEditSettings,
} from '../../../shared/vmedit'
import { readDefinitionXml, readDefinitions, unifiedDiff, type HostDefinition } from '../definitions/drift'
import {
  DefinitionEditError,
  definitionHash,
  diskDeviceXml,
  editedDefinition,
  nicDeviceXml,
  readSettings,
} from '../inventory/domain-edit'
import { pendingParts, type PendingPart } from '../inventory/domain-pending'
import { canonicalDomainXml, withHiddenPasswords, withPasswordsBack } from '../inventory/domain-xml'
import type { JobContext } from '../jobs/job-manager'
import type { LeaseCheck } from '../lease/cluster-lease'
import { domainArgv } from '../libvirt/domain'
import { pathsArgv, presentPaths } from '../remote/framing'
import type { VmdefDeps } from './create'
import { withReasons } from './create'
import { diskFacts, diskLeaseNames, DiskSteps } from './edit-disks'
import { nicFacts } from './edit-nics'
import { expertPending, expertProblems, newIsos, passwordChanges, validateOnHosts } from './edit-expert'
import { vmeditMsg } from './edit-texts'

/**
 * Editing a VM's persistent definition on every host as one change (issue 19 item 3), the app's
 * `virsh edit` done once for the cluster:
 *  1. the plan reads every host's definition with its security data (dumpxml --inactive
 *     --security-info), refuses when a host does not answer, lacks it, or has another one (drift: sync
 *     first), and shows the canonical diff with each host's hash;
 *  2. the job, under the VM's cluster lease, reads again and refuses when a hash differs from the one
 *     the user saw (another admin edited it meanwhile): the error carries the new plan;
 *  3. defines the edited definition on each host and reads it back: the same canonical form on every
 *     host (after libvirt's normalisation) and the changed settings kept; a failure defines the
 *     previous definition back on the hosts already changed;
 *  4. autostart on at most one host; then what libvirt can change on the running VM (vCPUs up to its
 *     maximum, memory through the balloon, CD-ROM media); the rest waits for its next start, which the
 *     VM view shows from the live and persistent definitions (vm.pending).
 */

const EDIT_LEASE_SECONDS = 300

export { vmeditMsg }

interface Planned {
  plan: VmEditPlan
  definitions: HostDefinition[]
  /** The edited definition (absent when refused). */
  next?: string
  /** The host rbd runs on for the disks' steps. */
  rbdHost?: string
}

/** What changes live on the running VM, and what waits for its next start. */
export function liveAndPending(
  before: VmEditSettings,
  changes: VmEditChanges,
  running: boolean,
): { live: VmEditPlan['live']; pending: string[] } {
  const live: VmEditPlan['live'] = []
  const pending: string[] = []
  const changed = <K extends keyof VmEditSettings>(key: K, value: VmEditSettings[K] | undefined) =>
    value !== undefined && JSON.stringify(value) !== JSON.stringify(before[key])
  if (!running) return { live, pending }
  if (changed('maxVcpus', changes.maxVcpus)) pending.push('maxVcpus')
  if (changed('vcpus', changes.vcpus)) {
    if ((changes.vcpus ?? 0) <= before.maxVcpus) live.push('vcpus')
    else pending.push('vcpus')
  }
  if (changed('maxMemoryMiB', changes.maxMemoryMiB)) pending.push('maxMemoryMiB')
  if (changed('memoryMiB', changes.memoryMiB)) {
    if ((changes.memoryMiB ?? 0) <= before.maxMemoryMiB) live.push('memory')
    else pending.push('memoryMiB')
  }
  if (changed('bootOrder', changes.bootOrder)) pending.push('bootOrder')
  if (changes.cdrom) {
    const drive = before.cdroms.find((cdrom) => cdrom.target === changes.cdrom?.target)
    if ((drive?.iso ?? null) !== changes.cdrom.iso) live.push('cdrom')
  }
  // virtio-blk hot-plug: attached and detached on the running VM too (a refusal leaves it pending).
  if ((changes.attachDisks?.length ?? 0) > 0) live.push('diskAttach')
  if ((changes.detachDisks?.length ?? 0) > 0) live.push('diskDetach')
  // Network cards: plugged and unplugged, moved to another bridge (update-device); a MAC waits.
  if ((changes.addNics?.length ?? 0) > 0) live.push('nicAdd')
  if ((changes.removeNics?.length ?? 0) > 0) live.push('nicRemove')
  if ((changes.changeNics ?? []).some((change) => change.bridge !== undefined && change.newMac === undefined))
    live.push('nicBridge')
  if ((changes.changeNics ?? []).some((change) => change.newMac !== undefined)) pending.push('nics')
  return { live, pending }
}

function editRefusal(
  error: DefinitionEditError,
  name: string,
  host: string,
  changes: VmEditChanges,
): Message {
  switch (error.reason) {
    case 'boot-per-device':
      return vmeditMsg('bootPerDevice', { name, detail: error.detail })
    case 'cdrom-unknown':
      return vmeditMsg('cdromUnknown', { name, target: changes.cdrom?.target ?? '?' })
    case 'vcpus-over-max': {
      const [vcpus = 0, max = 0] = (error.detail.match(/\d+/g) ?? []).map(Number)
      return vmeditMsg('vcpusOverMax', { vcpus, max })
    }
    case 'memory-over-max': {
      const [memory = 0, max = 0] = (error.detail.match(/\d+/g) ?? []).map(Number)
      return vmeditMsg('memoryOverMax', { memory, max })
    }
    case 'disk-unknown':
      return vmeditMsg('diskUnknown', { name, target: error.detail })
    case 'disk-cdrom':
      return vmeditMsg('diskCdrom', { target: error.detail })
    case 'disk-not-rbd':
      return vmeditMsg('diskNotRbd', { target: error.detail })
    case 'disk-no-rbd':
      return vmeditMsg('diskNoRbd', { name })
    case 'disk-attached': {
      const [image = '', target = ''] = error.detail.split(' ')
      return vmeditMsg('diskAttached', { image, name, target })
    }
    case 'disk-targets-full':
      return vmeditMsg('diskTargetsFull', { name })
    case 'disk-detach-grow':
      return vmeditMsg('diskDetachGrow', { target: error.detail })
    case 'nic-unknown':
      return vmeditMsg('nicUnknown', { name, mac: error.detail })
    case 'nic-not-bridge': {
      const [mac = '', type = ''] = error.detail.split(' ')
      return vmeditMsg('nicNotBridge', { mac, type })
    }
    case 'nic-mac-twice':
      return vmeditMsg('nicMacTwice', { name, mac: error.detail })
    case 'nic-remove-change':
      return vmeditMsg('nicRemoveChange', { mac: error.detail })
    default:
      return withDetail(vmeditMsg('xmlInvalid', { host }), error.detail, 'local')
  }
}

/** The hosts whose definition hash is not the one the user was shown (the edit's guard). */
export function changedSince(hosts: VmEditPlan['hosts'], hashes: Record<string, string>): string[] {
  return hosts
    .filter((host) => host.hash !== undefined && host.hash !== hashes[host.host])
    .map((host) => host.host)
}

/**
 * Reads every host and judges the edit; changes nothing. Expert mode (changes.xml) takes the user's
 * XML as the edited definition once edit-expert's checks pass, libvirt's schema on every host included.
 */
export async function planEdit(
  deps: VmdefDeps,
  uuid: string,
  requested: VmEditChanges,
  options: { withXml?: boolean; signal?: AbortSignal } = {},
): Promise<Planned> {
  const id = uuid.toLowerCase()
  const hosts = deps.hostNames()
  const definitions = await readDefinitions(deps.runner, hosts, id)
  const defined = definitions.filter(
    (definition): definition is Extract<HostDefinition, { status: 'defined' }> =>
      definition.status === 'defined',
  )
  if (defined.length === 0)
    throw ApiError.of('vm.unknown', vmeditMsg('unknownVm', { uuid: id }), {
      step: msg('errorSteps.readDefinitions'),
    })
  const vm = deps.inventory.vm(id)
  const runningOn = vm?.runningOn.find((host) => defined.some((d) => d.host === host))
  const reference = defined.find((d) => d.host === runningOn) ?? defined[0]!
  let settings: VmEditSettings | undefined
  let name = vm?.name ?? id
  const refusals: Message[] = []
  try {
    settings = readSettings(reference.xml)
    name = /<name>([^<]*)<\/name>/.exec(reference.xml)?.[1] ?? name
  } catch (error) {
    refusals.push(
      withDetail(vmeditMsg('xmlInvalid', { host: reference.host }), (error as Error).message, 'local'),
    )
  }
  for (const definition of definitions) {
    if (definition.status === 'unreachable')
      refusals.push(vmeditMsg('hostUnreachable', { host: definition.host, error: definition.error }))
    else if (definition.status === 'missing')
      refusals.push(vmeditMsg('notDefined', { name, host: definition.host }))
    else if (definition.canonical !== reference.canonical)
      refusals.push(vmeditMsg('drift', { name, reference: reference.host, host: definition.host }))
  }
  const nics = await nicFacts(
    deps,
    id,
    reference.xml,
    requested,
    defined.map((d) => d.host),
  )
  refusals.push(...nics.refusals)
  // The changes with the MACs the plan drew: the job defines what the diff shows.
  const changes = nics.changes
  let next: string | undefined
  // The window has the XML with its passwords hidden (withXml): they are put back here, in the core.
  const restored = changes.xml === undefined ? undefined : withPasswordsBack(changes.xml, reference.xml)
  const expert = restored?.xml
  if (expert !== undefined) {
    const problems = expertProblems(reference.xml, changes)
    if (restored && restored.unknown > 0) problems.push(vmeditMsg('displayPasswordUnknown'))
    refusals.push(...problems)
    if (problems.length === 0) {
      const hostsDefining = defined.map((d) => d.host)
      refusals.push(...(await validateOnHosts(deps.runner, hostsDefining, expert, options.signal)))
      for (const iso of settings ? newIsos(settings, readSettings(expert)) : [])
        refusals.push(...(await isoRefusals(deps, iso, hostsDefining)))
      next = expert
    }
  } else {
    try {
      next = editedDefinition(reference.xml, changes)
    } catch (error) {
      if (!(error instanceof DefinitionEditError)) throw error
      refusals.push(editRefusal(error, name, reference.host, changes))
    }
  }
  const autostartNow = new Map(
    hosts.map((host) => [
      host,
      deps.inventory
        .snapshot()
        .hosts.find((inventory) => inventory.host === host)
        ?.domains.find((domain) => domain.uuid === id)?.autostart ?? false,
    ]),
  )
  const autostart = { enable: [] as string[], disable: [] as string[] }
  if (changes.autostartOn !== undefined) {
    const target = changes.autostartOn
    if (target !== null && !defined.some((d) => d.host === target))
      refusals.push(vmeditMsg('autostartHost', { host: target, name, hosts: defined.map((d) => d.host) }))
    for (const { host } of defined) {
      if (host === target && !autostartNow.get(host)) autostart.enable.push(host)
      if (host !== target && autostartNow.get(host)) autostart.disable.push(host)
    }
  }
  if (changes.cdrom?.iso)
    refusals.push(
      ...(await isoRefusals(
        deps,
        changes.cdrom.iso,
        defined.map((d) => d.host),
      )),
    )
  const disks = await diskFacts(deps, id, reference.xml, changes)
  refusals.push(...disks.refusals)
  // The diff shows every password as "(hidden)"; what happens to one is said in words.
  const shown = canonicalDomainXml(reference.xml, { passwords: 'hidden' })
  const after = next === undefined ? shown : canonicalDomainXml(next, { passwords: 'hidden' })
  const diff = after === shown ? '' : unifiedDiff(reference.host, 'edit', name, shown, after)
  const passwords = next === undefined ? [] : passwordChanges(reference.xml, next)
  if (
    refusals.length === 0 &&
    diff === '' &&
    passwords.length === 0 &&
    autostart.enable.length + autostart.disable.length === 0 &&
    disks.grow.length === 0
  )
    refusals.push(vmeditMsg('nothing'))
  const { live, pending } = !settings
    ? { live: [], pending: [] }
    : expert !== undefined
      ? {
          live: [],
          pending:
            next === undefined
              ? []
              : expertPending(
                  settings,
                  readSettings(next),
                  diff !== '' || passwords.length > 0,
                  runningOn !== undefined,
                ),
        }
      : liveAndPending(settings, changes, runningOn !== undefined)
  const plan: VmEditPlan = {
    uuid: id,
    name,
    reference: reference.host,
    ...(settings ? { settings } : {}),
    ...(options.withXml ? { xml: withHiddenPasswords(reference.xml) } : {}),
    hosts: definitions.map((definition) => ({
      host: definition.host,
      ...(definition.status === 'defined' ? { hash: definitionHash(definition.xml) } : {}),
      running: definition.host === runningOn,
      autostart: autostartNow.get(definition.host) ?? false,
    })),
    diff,
    passwords,
    changes,
    ...(runningOn ? { runningOn } : {}),
    live,
    pending,
    refusals,
    disks: disks.disks,
    attach: disks.attach,
    grow: disks.grow,
    pools: deps.pools(),
    addNics: nics.addNics,
    bridges: nics.bridges,
    autostart,
    canApply: refusals.length === 0,
  }
  return {
    plan,
    definitions,
    ...(next !== undefined ? { next } : {}),
    ...(disks.rbdHost ? { rbdHost: disks.rbdHost } : {}),
  }
}

async function isoRefusals(deps: VmdefDeps, iso: string, hosts: readonly string[]): Promise<Message[]> {
  const missing: string[] = []
  const refusals: Message[] = []
  await Promise.all(
    hosts.map(async (host) => {
      try {
        const result = await deps.runner.run(host, pathsArgv([iso]), {
          timeoutSeconds: 15,
          step: msg('errorSteps.lookForIso', { iso: `${iso}`, host }),
        })
        if (!presentPaths(result.stdout, [iso]).has(iso)) missing.push(host)
      } catch {
        refusals.push(vmeditMsg('isoUnchecked', { iso, host }))
      }
    }),
  )
  if (missing.length > 0) refusals.push(vmeditMsg('isoMissing', { iso, hosts: missing.sort() }))
  return refusals
}

export interface EditParams {
  uuid: string
  changes: VmEditChanges
  hashes: Record<string, string>
}

/** The edit job (see the file's comment). */
export async function editVm(deps: VmdefDeps, params: EditParams, job: JobContext): Promise<VmEditResult> {
  const id = params.uuid.toLowerCase()
  const name = deps.inventory.vm(id)?.name ?? id
  return deps.vmLocks.run(id, () =>
    deps.lease.run(
      [vmLeaseName(id), ...diskLeaseNames(deps, id, params.changes)],
      `edit the definition of ${name}`,
      EDIT_LEASE_SECONDS,
      async (lease) => {
        job.step(msg('jobSteps.readingEveryDefinition'), 0.05)
        const planned = await planEdit(deps, id, params.changes, { signal: job.signal })
        const { plan } = planned
        const changed = changedSince(plan.hosts, params.hashes)
        if (changed.length > 0)
          throw ApiError.of('vm.edit.changed', vmeditMsg('changed', { name: plan.name, hosts: changed }), {
            ...(changed[0] ? { host: changed[0] } : {}),
            step: msg('errorSteps.compareHashes'),
            details: { plan },
          })
        if (!plan.canApply || planned.next === undefined)
          throw withReasons(
            'vm.edit.refused',
            vmeditMsg('refused', { name: plan.name, count: plan.refusals.length }),
            plan.refusals,
            { step: msg('errorSteps.editChecks'), details: { refusals: plan.refusals, plan } },
          )
        const diskSteps = new DiskSteps(deps, plan, planned.rbdHost, lease, job)
        return new Editing(
          deps,
          plan,
          planned.definitions,
          planned.next,
          plan.changes,
          lease,
          job,
          diskSteps,
        ).run()
      },
      job,
    ),
  )
}

interface LiveCommand {
  action: VmEditPlan['live'][number]
  argv: string[]
  stdin?: string
  target?: string
}

/** The edit's steps and their undo. */
class Editing {
  private readonly timeoutSeconds: number
  private readonly saved = new Map<string, string>()
  /** Hosts where define was sent (answered or not): the undo defines the previous one back on each. */
  private readonly definedOn: string[] = []
  private readonly autostartDone: { host: string; enable: boolean }[] = []

  constructor(
    private readonly deps: VmdefDeps,
    private readonly plan: VmEditPlan,
    definitions: readonly HostDefinition[],
    private readonly next: string,
    private readonly changes: VmEditChanges,
    private readonly lease: LeaseCheck,
    private readonly job: JobContext,
    private readonly diskSteps: DiskSteps,
  ) {
    this.timeoutSeconds = deps.defineTimeoutSeconds ?? 30
    for (const definition of definitions)
      if (definition.status === 'defined') this.saved.set(definition.host, definition.xml)
  }

  private get hosts(): string[] {
    return [...this.saved.keys()]
  }

  /** The definition before the edit (the same on every host: the plan refuses drift). */
  private get previous(): string {
    return this.saved.get(this.plan.reference ?? '') ?? [...this.saved.values()][0]!
  }

  async run(): Promise<VmEditResult> {
    const { plan, job } = this
    const hosts = this.hosts
    try {
      await this.diskSteps.createImages()
      let expected: string | undefined
      for (const [index, host] of hosts.entries()) {
        await this.lease.check(msg('errorSteps.commandOn', { command: `virsh define ${plan.name}`, host }))
        job.step(
          msg('vmdefSteps.definingEdited', { host, name: plan.name }),
          0.1 + (0.6 * index) / hosts.length,
        )
        this.definedOn.push(host)
        await this.deps.runner.virsh(host, domainArgv.defineFromStdin(), {
          stdin: this.next,
          timeoutSeconds: this.timeoutSeconds,
          step: msg('errorSteps.commandOn', { command: `virsh define ${plan.name}`, host }),
        })
        const back = await this.readBack(host)
        this.checkKept(host, back)
        const canonical = canonicalDomainXml(back)
        expected ??= canonical
        if (canonical !== expected)
          throw ApiError.of('vm.edit.read-back', vmeditMsg('readBack', { host, reference: hosts[0] ?? '' }), {
            host,
            step: msg('errorSteps.readBack', { name: `${plan.name}`, host }),
          })
      }
      for (const host of plan.autostart.disable) await this.setAutostart(host, false)
      for (const host of plan.autostart.enable) await this.setAutostart(host, true)
      await this.diskSteps.growDisks()
    } catch (error) {
      throw await this.undo(ApiError.from(error))
    }
    for (const host of hosts) {
      this.deps.inventory.invalidateDefinition(host, plan.uuid)
      await this.deps.audit(host, 'edit the definition of', plan.name).catch(() => undefined)
    }
    const live = await this.applyLive()
    await Promise.all(
      this.deps.hostNames().map((host) => this.deps.inventory.refreshHost(host).catch(() => undefined)),
    )
    const setting = {
      vcpus: 'vcpus',
      memory: 'memoryMiB',
      cdrom: 'cdroms',
      diskAttach: 'disks',
      diskDetach: 'disks',
      nicAdd: 'nics',
      nicRemove: 'nics',
      nicBridge: 'nics',
    } as const
    const pending = [
      ...new Set([
        ...plan.pending,
        ...live.filter((entry) => !entry.ok).map((entry) => setting[entry.action]),
        ...(await this.devicesPending(live)),
      ]),
    ]
    job.log(vmeditMsg('edited', { name: plan.name, hosts }))
    return { name: plan.name, hosts, live, pending }
  }

  private async setAutostart(host: string, enable: boolean): Promise<void> {
    await this.lease.check(
      msg('errorSteps.commandOn', { command: `virsh autostart ${this.plan.name}`, host }),
    )
    this.job.step(msg(enable ? 'vmdefSteps.autostartOn' : 'vmdefSteps.autostartOff', { host }), 0.75)
    await this.deps.runner.virsh(host, domainArgv.autostart(this.plan.uuid, enable), {
      timeoutSeconds: this.timeoutSeconds,
      step: msg('errorSteps.commandOn', {
        command: `virsh autostart ${enable ? '' : '--disable '}${this.plan.name}`,
        host,
      }),
    })
    this.autostartDone.push({ host, enable })
  }

  /** The running VM's commands for each live action (one per disk for attach and detach). */
  private liveCommands(): LiveCommand[] {
    const { plan, changes } = this
    return plan.live.flatMap((action): LiveCommand[] => {
      switch (action) {
        case 'vcpus':
          return [{ action, argv: domainArgv.setVcpusLive(plan.uuid, changes.vcpus!) }]
        case 'memory':
          return [{ action, argv: domainArgv.setMemoryLive(plan.uuid, changes.memoryMiB! * 1024) }]
        case 'cdrom':
          return [
            {
              action,
              argv: domainArgv.changeMediaLive(plan.uuid, changes.cdrom!.target, changes.cdrom!.iso),
            },
          ]
        case 'diskAttach':
          return plan.attach.map((disk) => ({
            action,
            target: disk.target,
            argv: domainArgv.attachDeviceLive(plan.uuid),
            stdin: diskDeviceXml(this.next, disk.target),
          }))
        case 'diskDetach':
          return (changes.detachDisks ?? []).map((target) => ({
            action,
            target,
            argv: domainArgv.detachDiskLive(plan.uuid, target),
          }))
        case 'nicAdd':
          return plan.addNics.map((nic) => ({
            action,
            target: nic.mac,
            argv: domainArgv.attachDeviceLive(plan.uuid),
            stdin: nicDeviceXml(this.next, nic.mac),
          }))
        case 'nicRemove':
          return (changes.removeNics ?? []).map((mac) => ({
            action,
            target: mac,
            argv: domainArgv.detachDeviceLive(plan.uuid),
            stdin: nicDeviceXml(this.previous, mac),
          }))
        case 'nicBridge':
          return (changes.changeNics ?? [])
            .filter((change) => change.bridge !== undefined && change.newMac === undefined)
            .map((change) => ({
              action,
              target: change.mac,
              argv: domainArgv.updateDeviceLive(plan.uuid),
              stdin: nicDeviceXml(this.next, change.mac),
            }))
      }
    })
  }

  /** libvirt's changes to the running VM; a refusal leaves the change for its next start. */
  private async applyLive(): Promise<VmEditResult['live']> {
    const { plan } = this
    const host = plan.runningOn
    if (!host) return []
    const out: VmEditResult['live'] = []
    for (const { action, argv, stdin, target } of this.liveCommands()) {
      const what = target ? `${action} ${target}` : action
      this.job.step(msg('vmdefSteps.liveChange', { host, command: argv[0] ?? '', name: plan.name }), 0.85)
      try {
        await this.deps.runner.virsh(host, argv, {
          timeoutSeconds: this.timeoutSeconds,
          step: msg('errorSteps.commandOn', { command: `virsh ${argv[0]} ${plan.name}`, host }),
          ...(stdin ? { stdin } : {}),
        })
        out.push({ action, ok: true, ...(target ? { target } : {}) })
        this.job.log(vmeditMsg('liveDone', { host, action: what }))
      } catch (error) {
        const apiError = ApiError.from(error)
        const stderr = apiError.details?.['stderr']
        const why = typeof stderr === 'string' && stderr.trim() ? stderr.trim() : apiError.message
        out.push({ action, ok: false, error: why, ...(target ? { target } : {}) })
        this.job.log(
          msg('vmdefSteps.liveFailedBecause', {
            failed: vmeditMsg('liveFailed', { host, action: what }),
            why,
          }),
        )
      }
    }
    return out
  }

  /**
   * A device unplug the guest has not finished (libvirt sends the request; the guest lets the device
   * go) still shows in the running VM: read its live definition again after a disk or card change.
   */
  private async devicesPending(live: VmEditResult['live']): Promise<string[]> {
    const host = this.plan.runningOn
    const touched = new Set<string>(
      live.flatMap((entry) =>
        !entry.ok
          ? []
          : entry.action.startsWith('disk')
            ? ['disks']
            : entry.action.startsWith('nic')
              ? ['nics']
              : [],
      ),
    )
    if (!host || touched.size === 0) return []
    try {
      const live = await readDefinitionXml(this.deps.runner, host, this.plan.uuid, {
        command: domainArgv.xml(this.plan.uuid, 'live'),
        timeoutSeconds: this.timeoutSeconds,
        step: msg('errorSteps.commandOn', { command: `virsh dumpxml ${this.plan.name}`, host }),
      })
      return pendingParts(live, this.next).filter((field) => touched.has(field))
    } catch {
      return []
    }
  }

  private readBack(host: string): Promise<string> {
    return readDefinitionXml(this.deps.runner, host, this.plan.uuid, {
      timeoutSeconds: this.timeoutSeconds,
      step: msg('errorSteps.commandOn', { command: `virsh dumpxml ${this.plan.name}`, host }),
    })
  }

  /** The settings the user changed, as the host reads them back. */
  private checkKept(host: string, xml: string): void {
    const wanted = readSettings(this.next)
    const got = readSettings(xml)
    const fields: string[] = (Object.keys(wanted) as (keyof VmEditSettings)[]).filter(
      (key) => JSON.stringify(wanted[key]) !== JSON.stringify(got[key]),
    )
    // The display passwords too (compared here; the field's name only is said).
    if (passwordChanges(this.next, xml).length > 0) fields.push('passwd')
    if (fields.length > 0)
      throw ApiError.of('vm.edit.read-back', vmeditMsg('readBackField', { host, fields }), {
        host,
        step: msg('errorSteps.readBack', { name: `${this.plan.name}`, host }),
      })
  }

  /** Defines the previous definition back where define was sent; autostart back as it was. */
  private async undo(cause: ApiError): Promise<ApiError> {
    const { plan, job } = this
    job.step(msg('jobSteps.undoing', { error: errorText(cause) }), 0.9)
    const restored: string[] = []
    const left: string[] = []
    for (const { host, enable } of [...this.autostartDone].reverse())
      await this.deps.runner
        .virsh(host, domainArgv.autostart(plan.uuid, !enable), {
          timeoutSeconds: this.timeoutSeconds,
          step: msg('errorSteps.commandUndo', { command: 'virsh autostart', host }),
        })
        .catch(() => left.push(`autostart on ${host}`))
    for (const host of [...this.definedOn].reverse()) {
      const saved = this.saved.get(host)!
      try {
        // A host that refused (or never took) the edit still has the previous one: nothing to define.
        if (canonicalDomainXml(await this.readBack(host)) === canonicalDomainXml(saved)) continue
        await this.deps.runner.virsh(host, domainArgv.defineFromStdin(), {
          stdin: saved,
          timeoutSeconds: this.timeoutSeconds,
          step: msg('errorSteps.commandUndo', { command: `virsh define ${plan.name}`, host }),
        })
        if (canonicalDomainXml(await this.readBack(host)) !== canonicalDomainXml(saved))
          throw new Error('reads back another definition')
        restored.push(host)
      } catch (error) {
        job.log(
          msg('vmdefSteps.previousNotBack', {
            host,
            name: plan.name,
            error: errorText(ApiError.from(error)),
          }),
        )
        left.push(host)
      }
    }
    for (const host of this.definedOn) this.deps.inventory.invalidateDefinition(host, plan.uuid)
    const images = await this.diskSteps.undo()
    if (this.diskSteps.grown.length > 0) job.log(vmeditMsg('grownKept', { images: this.diskSteps.grown }))
    const step = cause.step ?? 'edit'
    const causeText: Message =
      cause.text ?? vmeditMsg('stepFailed', { step, host: cause.host ?? '?' }, cause.message)
    const where = {
      ...(cause.host ? { host: cause.host } : {}),
      step: cause.stepText ?? msg('errorSteps.edit'),
    }
    const grown = this.diskSteps.grown
    if (left.length === 0 && images.length > 0)
      return ApiError.of(
        'vm.edit.remains',
        vmeditMsg('failedImagesRemain', { name: plan.name, cause: causeText, images }),
        { ...where, details: { cause: cause.toData(), remains: images, grown } },
      )
    return left.length === 0
      ? ApiError.of(
          'vm.edit.failed',
          vmeditMsg('failedUndone', {
            name: plan.name,
            cause: causeText,
            hosts: restored.length ? restored : ['—'],
          }),
          { ...where, details: { cause: cause.toData(), restored, grown } },
        )
      : ApiError.of(
          'vm.edit.remains',
          vmeditMsg('failedRemains', { name: plan.name, cause: causeText, hosts: left }),
          {
            ...where,
            details: { cause: cause.toData(), remains: [...left, ...images], grown },
          },
        )
  }
}

/**
 * What the running VM has not taken yet: its live definition against the persistent one, where it
 * runs, both with their security data so a changed display password counts (compared here, never
 * sent). Whoever changed the definition (the sheet, expert mode, virsh edit on the host).
 */
export async function pendingChanges(deps: VmdefDeps, uuid: string): Promise<VmPending> {
  const id = uuid.toLowerCase()
  const host = deps.inventory.vm(id)?.runningOn[0]
  if (!host) return { fields: [] }
  const read = (which: 'inactive' | 'live') =>
    readDefinitionXml(deps.runner, host, id, {
      command: domainArgv.xmlWithSecrets(id, which),
      timeoutSeconds: 20,
      step: msg('errorSteps.commandOn', { command: `virsh dumpxml (${which})`, host }),
    })
  const [live, persistent] = await Promise.all([read('live'), read('inactive')])
  const fields = pendingParts(live, persistent)
  if (fields.length === 0) return { host, fields }
  return { host, fields, message: vmeditMsg('pendingRestart', { parts: fields.map(partMessage) }) }
}

/** A part's name in the VM view's words (vmedit.partCpu…). */
export function partMessage(part: PendingPart): Message {
  return vmeditMsg(`part${part[0]!.toUpperCase()}${part.slice(1)}` as `part${Capitalize<PendingPart>}`)
}
