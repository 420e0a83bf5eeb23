import { useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { useTranslation } from 'react-i18next'
import type { DomainOnHost, HostInventory, Vm } from '../../../../shared/inventory'
import type { Job } from '../../../../shared/jobs'
import { useApi } from '../../api/context'
import { formatKiB } from '../../format'
import { useAppStore } from '../../store'
import { DANGER_FLAGS } from '../cluster/tree-rows'
import { useJobText, useJobTitle } from '../jobs/job-title'
import { DefinitionsPanel } from './DefinitionsPanel'
import { LazyPart, lazyPart } from '../../components/LazyPart'
import { DiskStorageLink } from '../storage/DiskStorageLink'
import { VmSettingsForm } from '../console/VmSettingsForm'
import './vm.css'
import { GuardError } from '../../components/GuardMessage'
import { RefusalList, refusalsOf } from '../jobs/refusals'
import { ErrorText } from '../../components/ErrorText'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import { notifyError } from '../../components/notify'
import { TypedName, typedMatches } from '../../components/TypedName'
import { useWhen } from './use-when'
import { Data } from '../../components/Data'
import { PendingMarker } from '../vmdef/PendingMarker'
import { loadedIsos } from '../vmdef/loaded-isos'

/** One VM: where it runs and is defined, its hardware, its dangers, and what can be done to it. */
// uPlot comes with the graphs, loaded when a running VM's view first shows them (issue 23 item 5).
const VmGraphs = lazyPart(async () => (await import('./VmGraphs')).VmGraphs)
// The sheets and dialogs come the first time one is opened.
const DeleteVmDialog = lazyPart(async () => (await import('../vmdef/DeleteVmDialog')).DeleteVmDialog)
const EditVmSheet = lazyPart(async () => (await import('../vmdef/EditVmSheet')).EditVmSheet)
const RenameVmDialog = lazyPart(async () => (await import('../vmdef/RenameVmDialog')).RenameVmDialog)
const FenceSheet = lazyPart(async () => (await import('./FenceSheet')).FenceSheet)
const CloneVmDialog = lazyPart(async () => (await import('../vmdef/CloneVmDialog')).CloneVmDialog)
const EjectCdromDialog = lazyPart(async () => (await import('../vmdef/EjectCdromDialog')).EjectCdromDialog)

export function VmView({ uuid }: { uuid: string }) {
  const [open, setOpen] = useState<VmSheet | null>(null)
  const close = () => setOpen(null)
  // Outside the view: a deleted VM leaves the inventory before its job's end reaches the dialog.
  return (
    <>
      <LazyPart>
        {open === 'delete' && <DeleteVmDialog uuid={uuid} onClose={close} />}
        {open === 'edit' && <EditVmSheet uuid={uuid} onClose={close} />}
        {open === 'rename' && <RenameVmDialog uuid={uuid} onClose={close} />}
        {open === 'clone' && <CloneVmDialog source={{ kind: 'vm', uuid }} onClose={close} />}
        {open === 'eject' && <EjectCdromDialog uuid={uuid} onClose={close} />}
      </LazyPart>
      <VmDetails uuid={uuid} onOpen={setOpen} />
    </>
  )
}

/** The inventories of the hosts a VM's view reads: where it is defined, was last seen running, or is fenced. */
function inventoriesOf(
  all: Readonly<Record<string, HostInventory>>,
  vm: Vm | undefined,
): Record<string, HostInventory> {
  const picked: Record<string, HostInventory> = {}
  if (!vm) return picked
  for (const host of [...vm.definedOn, ...vm.lastKnownRunningOn, ...(vm.fencedOn ?? [])]) {
    const inventory = all[host]
    if (inventory) picked[host] = inventory
  }
  return picked
}

type VmSheet = 'delete' | 'edit' | 'rename' | 'clone' | 'eject'

function VmDetails({ uuid, onOpen }: { uuid: string; onOpen(sheet: VmSheet): void }) {
  const { t } = useTranslation()
  const api = useApi()
  const vm = useAppStore((state) => state.vms.find((candidate) => candidate.uuid === uuid))
  // Only its own hosts' inventories: another host's refresh (every few seconds each) does not render it again.
  const hosts = useAppStore(useShallow((state) => inventoriesOf(state.inventories, vm)))
  const lastJob = useAppStore((state) => state.jobs.find((job) => job.target.vm === uuid))
  const [startHost, setStartHost] = useState<string>('')
  const [confirming, setConfirming] = useState(false)
  const [typedName, setTypedName] = useState('')
  const [fencing, setFencing] = useState<string | null>(null)
  const [destroyName, setDestroyName] = useState('')
  const when = useWhen()
  const jobTitle = useJobTitle()
  const jobText = useJobText()
  const [migrateTo, setMigrateTo] = useState('')

  if (!vm) {
    return (
      <section className="panel" data-testid="vm-view">
        <p className="muted">{t('vm.gone')}</p>
      </section>
    )
  }

  const runningHost = vm.runningOn[0]
  const copies: Array<{ host: string; domain: DomainOnHost }> = vm.definedOn.flatMap((host) => {
    const domain = hosts[host]?.domains.find((candidate) => candidate.uuid === uuid)
    return domain ? [{ host, domain }] : []
  })
  const shown = copies.find((copy) => copy.host === runningHost) ?? copies[0]
  const definition = shown?.domain.definition
  const target = startHost || vm.definedOn[0] || ''
  const busy = lastJob?.state === 'running'
  const otherHosts = vm.definedOn.filter((host) => !vm.runningOn.includes(host))
  const migrateTarget = migrateTo && otherHosts.includes(migrateTo) ? migrateTo : (otherHosts[0] ?? '')

  async function act(
    method:
      'vm.start' | 'vm.shutdown' | 'vm.reboot' | 'vm.forceOff' | 'vm.destroyFenced' | 'vm.setErrorPolicy',
    params: Record<string, unknown>,
  ): Promise<void> {
    try {
      const job = (await api.call(method, { uuid, ...params } as never)) as Job
      useAppStore.getState().updateJob(job)
    } catch (error) {
      notifyError(error)
    }
  }

  const refusals = lastJob?.state === 'failed' ? refusalsOf(lastJob.error) : []
  const unreachable = refusals.filter((refusal) => refusal.code === 'host-unreachable' && refusal.host)
  // Never "stopped" while a host where it ran cannot be asked (issue 15).
  const lastSeenHost = runningHost ? undefined : vm.lastKnownRunningOn[0]
  const lostHost = lastSeenHost ?? unreachable[0]?.host
  const fencedCopies = (vm.fencedOn ?? []).filter((host) => hosts[host]?.reachable)
  // An install medium left in: a migration would need it on the destination (issue 19).
  const isos = loadedIsos(vm, hosts)
  const noStopPolicy = (definition?.disks ?? [])
    .filter((disk) => disk.rbd && disk.device === 'disk' && disk.errorPolicy !== 'stop')
    .map((disk) => disk.target)

  return (
    <section className="panel vm-view" data-testid="vm-view">
      <div className="panel-title">
        <h1>
          <Data>{vm.name}</Data>{' '}
          <span
            className={`vm-pill state-pill-${runningHost ? 'running' : lastSeenHost ? 'unknown' : 'shutoff'}`}
            data-testid="vm-state"
            title={lastSeenHost ? t('fencing.lastSeenLong', { host: lastSeenHost }) : undefined}
          >
            {runningHost
              ? t('vm.runningOn', { host: vm.runningOn.join(', ') })
              : lastSeenHost
                ? t('fencing.lastSeen', {
                    host: lastSeenHost,
                    since: when(hosts[lastSeenHost]?.unreachableSince),
                  })
                : t('vm.stopped')}
          </span>
        </h1>
      </div>
      <p className="muted small">
        <Data>
          UUID <code translate="no">{vm.uuid}</code>
        </Data>{' '}
        · {t('vm.definedOn', { hosts: vm.definedOn.join(', ') })}
        {vm.missingOn.length > 0 && <> · {t('vm.missingOn', { hosts: vm.missingOn.join(', ') })}</>}
        {vm.unknownOn.length > 0 && <> · {t('vm.unknownOn', { hosts: vm.unknownOn.join(', ') })}</>}
      </p>

      {vm.flags.filter((flag) => DANGER_FLAGS.includes(flag)).length > 0 && (
        <ul className="dangers" data-testid="vm-dangers">
          {vm.flags
            .filter((flag) => DANGER_FLAGS.includes(flag))
            .map((flag) => (
              <li key={flag}>⚠ {t(`flags.${flag}.long`)}</li>
            ))}
        </ul>
      )}

      {runningHost && <PendingMarker uuid={uuid} host={runningHost} version={lastJob?.state ?? ''} />}

      {isos.length > 0 && (
        <p className="muted" data-testid="vm-cdrom-loaded">
          {t('vmEject.offer', { isos: isos.join(', ') })}{' '}
          <button type="button" disabled={busy} onClick={() => onOpen('eject')} data-testid="vm-eject">
            {t('vmEject.open')}
          </button>
        </p>
      )}

      <div className="vm-actions" data-testid="vm-actions">
        {runningHost ? (
          <>
            <button
              type="button"
              disabled={busy}
              onClick={() => void act('vm.shutdown', { host: runningHost })}
              data-testid="vm-shutdown"
            >
              {t('vm.shutdown')}
            </button>
            <button
              type="button"
              disabled={busy}
              onClick={() => void act('vm.reboot', { host: runningHost })}
              data-testid="vm-reboot"
            >
              {t('vm.reboot')}
            </button>
            <label>
              {t('migration.migrateTo')}{' '}
              <select
                value={migrateTarget}
                onChange={(event) => setMigrateTo(event.target.value)}
                data-testid="vm-migrate-host"
              >
                {otherHosts.map((host) => (
                  <option key={host} value={host} translate="no">
                    {host}
                  </option>
                ))}
              </select>
            </label>
            <button
              type="button"
              onClick={() => useAppStore.getState().openConsole({ kind: 'vnc', uuid })}
              data-testid="vm-open-console"
            >
              {t('console.openVnc')}
            </button>
            {definition?.serials.some((serial) => serial.type === 'pty') && (
              <button
                type="button"
                onClick={() => useAppStore.getState().openConsole({ kind: 'serial', uuid })}
                data-testid="vm-open-serial"
              >
                {t('console.openSerial')}
              </button>
            )}
            <button
              type="button"
              disabled={busy || !migrateTarget}
              onClick={() => useAppStore.getState().openMigration(uuid, migrateTarget)}
              data-testid="vm-migrate"
            >
              {t('migration.migrate')}
            </button>
          </>
        ) : (
          <>
            <label>
              {t('vm.startOn')}{' '}
              <select
                value={target}
                onChange={(event) => setStartHost(event.target.value)}
                data-testid="vm-start-host"
              >
                {vm.definedOn.map((host) => (
                  <option key={host} value={host} translate="no">
                    {host}
                  </option>
                ))}
              </select>
            </label>
            <button
              type="button"
              className="primary"
              disabled={busy || !target}
              onClick={() => void act('vm.start', { host: target })}
              data-testid="vm-start"
            >
              {t('vm.start')}
            </button>
            {lostHost && (
              <button
                type="button"
                className="danger"
                disabled={busy}
                onClick={() => setFencing(lostHost)}
                data-testid="vm-fence"
              >
                {t('fencing.fenceAndStart', { host: lostHost })}
              </button>
            )}
          </>
        )}
        <button type="button" disabled={busy} onClick={() => onOpen('edit')} data-testid="vm-edit">
          {t('vmEdit.open')}
        </button>
        <button type="button" disabled={busy} onClick={() => onOpen('rename')} data-testid="vm-rename">
          {t('vmRename.open')}
        </button>
        <button type="button" disabled={busy} onClick={() => onOpen('clone')} data-testid="vm-clone">
          {t('vmClone.open')}
        </button>
        {/* What cannot be taken back stands apart, at the end of the row: force off and delete. */}
        <span className="risky-actions" role="group" aria-label={t('vm.riskyActions')}>
          {runningHost && (
            <button
              type="button"
              className="danger"
              disabled={busy}
              onClick={() => setConfirming(true)}
              data-testid="vm-force-off"
            >
              {t('vm.forceOff')}
            </button>
          )}
          <button
            type="button"
            className="danger"
            disabled={busy}
            onClick={() => onOpen('delete')}
            data-testid="vm-delete"
          >
            {t('vmDelete.open')}
          </button>
        </span>
      </div>

      {confirming && runningHost && (
        <ConfirmDialog
          testId="force-off-dialog"
          title={t('vm.forceOffTitle', { name: vm.name, host: runningHost })}
          confirmLabel={t('vm.forceOff')}
          confirmTestId="force-off-confirm"
          confirmDisabled={!typedMatches(typedName, vm.name)}
          cancelLabel={t('vm.cancel')}
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false)
            setTypedName('')
            void act('vm.forceOff', { host: runningHost, confirmName: typedName })
          }}
        >
          <p>{t('vm.forceOffExplain')}</p>
          <TypedName
            label={t('vm.typeName', { name: vm.name })}
            value={typedName}
            onChange={setTypedName}
            testId="force-off-name"
            autoFocus
          />
        </ConfirmDialog>
      )}

      {lastJob && (
        <div
          className={`job-status job-${lastJob.state}`}
          data-testid="vm-job"
          data-job-id={lastJob.id}
          data-state={lastJob.state}
        >
          <strong>{jobTitle(lastJob)}</strong> — {t(`jobState.${lastJob.state}`)}
          {lastJob.state === 'running' && lastJob.step && (
            <span className="muted"> · {jobText.step(lastJob)}</span>
          )}
          {lastJob.state === 'succeeded' &&
            lastJob.kind === 'vm.shutdown' &&
            (lastJob.result as { stopped?: boolean })?.stopped === false && (
              <p className="warning">{t('vm.shutdownTimedOut')}</p>
            )}
          {lastJob.state === 'failed' && (
            <div data-testid="vm-job-error">
              {refusals.length > 0 ? (
                <>
                  <p>{t('vm.refused')}</p>
                  <RefusalList job={lastJob} />
                </>
              ) : (
                <GuardError error={lastJob.error} />
              )}
              {lastJob.error?.hint && unreachable.length === 0 && !lastJob.error.details?.text && (
                <p className="muted">{lastJob.error.hint}</p>
              )}
            </div>
          )}
        </div>
      )}

      {fencedCopies.map((host) => (
        <div className="confirm" role="alert" key={host} data-testid="vm-fenced-copy" data-host={host}>
          <p>
            <strong>{t('fencing.fencedTitle', { host })}</strong>
          </p>
          <p>{t('fencing.fencedExplain', { host })}</p>
          <TypedName
            label={t('vm.typeName', { name: vm.name })}
            value={destroyName}
            onChange={setDestroyName}
            testId="fenced-destroy-name"
          />{' '}
          <button
            type="button"
            className="danger"
            disabled={busy || !typedMatches(destroyName, vm.name)}
            onClick={() => {
              setDestroyName('')
              void act('vm.destroyFenced', { host, confirmName: vm.name })
            }}
            data-testid="fenced-destroy"
          >
            {t('fencing.destroy')}
          </button>
        </div>
      ))}

      {noStopPolicy.length > 0 && (
        <p className="warning small" data-testid="vm-error-policy">
          ⚠ {t('fencing.errorPolicy', { disks: noStopPolicy.join(', ') })}{' '}
          <button
            type="button"
            className="link"
            disabled={busy}
            onClick={() => void act('vm.setErrorPolicy', {})}
            data-testid="vm-set-error-policy"
          >
            {t('fencing.setErrorPolicy')}
          </button>{' '}
          <span className="muted">{t('fencing.errorPolicyLater')}</span>
        </p>
      )}

      {fencing && (
        <LazyPart>
          <FenceSheet uuid={uuid} lostHost={fencing} onClose={() => setFencing(null)} />
        </LazyPart>
      )}

      {runningHost && (
        <LazyPart>
          <VmGraphs uuid={uuid} host={runningHost} />
        </LazyPart>
      )}

      <DefinitionsPanel vm={vm} />

      {shown?.domain.definitionError && <ErrorText error={shown.domain.definitionError} />}
      {definition && (
        <>
          <h2>{t('vm.hardware')}</h2>
          <table className="table" data-testid="vm-details">
            <tbody>
              <tr>
                <th>{t('vm.vcpus')}</th>
                <td translate="no">{definition.vcpus}</td>
              </tr>
              <tr>
                <th>{t('vm.memory')}</th>
                <td translate="no">{formatKiB(definition.memoryKiB)}</td>
              </tr>
              {definition.disks.map((disk) => (
                <tr key={disk.target}>
                  <th>
                    {disk.device === 'cdrom' ? t('vm.cdrom') : t('vm.disk')}{' '}
                    <code translate="no">{disk.target}</code>
                  </th>
                  <td>
                    {disk.rbd ? (
                      <>
                        <code translate="no">
                          rbd:{disk.rbd.pool}/{disk.rbd.namespace ? `${disk.rbd.namespace}/` : ''}
                          {disk.rbd.image}
                          {disk.rbd.snapshot ? `@${disk.rbd.snapshot}` : ''}
                        </code>{' '}
                        {!disk.rbd.namespace && (
                          <DiskStorageLink pool={disk.rbd.pool} image={disk.rbd.image} />
                        )}
                      </>
                    ) : disk.volume ? (
                      <code>
                        {t('vm.poolVolume', { pool: disk.volume.pool, volume: disk.volume.volume })}
                      </code>
                    ) : disk.network ? (
                      <code translate="no">
                        {disk.network.protocol}:{disk.network.name ?? ''}
                      </code>
                    ) : disk.file ? (
                      <code translate="no">{disk.file}</code>
                    ) : (
                      <code>{t('vm.empty')}</code>
                    )}
                  </td>
                </tr>
              ))}
              {definition.nics.map((nic) => (
                <tr key={nic.mac}>
                  <th>{t('vm.nic')}</th>
                  <td>
                    <Data>
                      <code translate="no">{nic.mac}</code> → {nic.bridge ?? nic.network ?? nic.type}{' '}
                      {nic.model && <span className="muted">({nic.model})</span>}
                    </Data>
                  </td>
                </tr>
              ))}
              <tr>
                <th>{t('vm.console')}</th>
                <td>
                  <Data>{definition.graphics.map((g) => g.type.toUpperCase()).join(', ') || '–'}</Data>
                  {shown?.domain.displayPort !== undefined && runningHost && (
                    <span className="muted">
                      {' '}
                      ·{' '}
                      <Data>
                        {runningHost} 127.0.0.1:{shown.domain.displayPort}
                      </Data>
                    </span>
                  )}
                  {definition.graphics[0]?.keymap && (
                    <span className="muted">
                      {' '}
                      · {t('vm.keymap', { keymap: definition.graphics[0].keymap })}
                    </span>
                  )}
                </td>
              </tr>
              <tr>
                <th>{t('vm.failoverIp')}</th>
                <td>
                  {definition.hyperdesk.failoverIp ? (
                    <Data>{definition.hyperdesk.failoverIp}</Data>
                  ) : (
                    <span className="muted">{t('vm.notSet')}</span>
                  )}
                </td>
              </tr>
            </tbody>
          </table>
          <VmSettingsForm
            uuid={uuid}
            settings={definition.hyperdesk}
            vncKeymap={definition.graphics.find((graphics) => graphics.type === 'vnc')?.keymap}
          />
        </>
      )}
    </section>
  )
}
