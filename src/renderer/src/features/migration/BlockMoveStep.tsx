import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { MigrateParams } from '../../../../shared/migration'
import { blockMoveFor, type BlockMovePlan, type OvhMoveCheck, type OvhStatus } from '../../../../shared/ovh'
import { useApi } from '../../api/context'
import { usePlan } from '../../api/use-plan'
import { Consent } from '../../components/Consent'
import { Data } from '../../components/Data'
import { ErrorBox } from '../../components/ErrorBox'

/** What the sheet's first step decided: can the migration start, and the block move it asks for. */
export interface BlockChoice {
  ready: boolean
  blockMove?: MigrateParams['blockMove']
}

type Mode = 'first' | 'parallel' | 'manual'

interface Facts {
  status: OvhStatus
  move?: BlockMovePlan
  /** The other VMs of the block (their UUIDs: the job refuses a block with one not confirmed). */
  others: string[]
  check?: OvhMoveCheck
}

/**
 * The runbook's first step in the migration sheet (issue 20): with OVH configured, the VM's failover
 * block, every address of it and the VMs using them, OVH's own pre-check, and the choice to move it
 * first (the runbook's order), in parallel, or by hand; without OVH, how to configure it and the
 * manual confirmation the sheet always had.
 */
export function BlockMoveStep({
  uuid,
  name,
  to,
  failoverIp,
  onChange,
}: {
  uuid: string
  name: string
  to: string
  failoverIp: string
  onChange(choice: BlockChoice): void
}) {
  const { t } = useTranslation()
  const api = useApi()
  const { plan: facts, error } = usePlan<Facts>(async () => {
    const status = await api.call('ovh.status', {})
    if (!status.configured) return { status, others: [] }
    const view = await api.call('ovh.failoverView', {})
    const move = blockMoveFor(view, { uuid, name }, to)
    const others =
      view.blocks
        .find((block) => block.block === move.block)
        ?.addresses.flatMap((address) => address.vms)
        .filter((vm) => vm.uuid !== uuid)
        .map((vm) => vm.uuid) ?? []
    const check =
      move.needed && !move.blockedBy && move.block
        ? await api.call('ovh.moveCheck', { block: move.block, to })
        : undefined
    return { status, move, others, ...(check ? { check } : {}) }
  }, `${uuid}:${to}`)
  const [mode, setMode] = useState<Mode>('first')
  const [manualDone, setManualDone] = useState(false)
  const [othersOk, setOthersOk] = useState(false)

  const move = facts?.move
  const canMove = Boolean(move?.needed && move.block && !move.blockedBy && facts?.check?.canMove)
  const already = Boolean(move?.block && !move.needed)
  const effective: Mode = canMove ? mode : 'manual'
  useEffect(() => {
    if (!facts && !error) onChange({ ready: false })
    else if (already) onChange({ ready: true })
    else if (effective === 'manual') onChange({ ready: manualDone })
    else
      onChange({
        ready: (move?.othersMoving.length ?? 0) === 0 || othersOk,
        blockMove: { block: move!.block!, when: effective, others: facts!.others },
      })
    // onChange is the sheet's setter; the choice depends on these values only
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [facts, error, effective, manualDone, othersOk, already])

  const manual = (
    <Consent checked={manualDone} onChange={setManualDone} testId="migration-failover-done">
      {t('migration.failoverDone', { ip: failoverIp, to })}
    </Consent>
  )
  return (
    <div data-testid="migration-block">
      {!facts && !error && <p className="muted">{t('migration.ovhAsking')}</p>}
      {error && (
        <>
          <ErrorBox error={error} testId="migration-block-error" />
          {manual}
        </>
      )}
      {facts && !facts.status.configured && (
        <>
          <p data-testid="migration-ovh-unconfigured">{t('migration.ovhUnconfigured')}</p>
          {manual}
        </>
      )}
      {facts?.status.configured && move && !move.block && (
        <>
          <p>{t('migration.ovhNoBlock', { ip: failoverIp })}</p>
          {manual}
        </>
      )}
      {already && (
        <p className="done" data-testid="migration-block-already">
          {t('migration.ovhAlready', { block: move!.block!, to, server: move!.toServer ?? '?' })}
        </p>
      )}
      {move?.block && move.needed && (
        <>
          <p>
            {t('migration.ovhBlock', {
              block: move.block,
              server: move.routedTo ?? '—',
              to,
              toServer: move.toServer ?? '?',
            })}
          </p>
          <table className="block-addresses" data-testid="migration-block-addresses">
            <thead>
              <tr>
                <th>{t('migration.ovhAddress')}</th>
                <th>{t('migration.ovhUsedBy')}</th>
              </tr>
            </thead>
            <tbody>
              {move.addresses.map((address) => (
                <tr key={address.ip}>
                  <td>
                    <Data>{address.ip}</Data>
                  </td>
                  <td>
                    {address.vms.length ? (
                      <Data>{address.vms.join(', ')}</Data>
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {move.blockedBy && (
            <p className="error" data-testid="migration-block-blocked">
              {t(`migration.ovhBlocked.${move.blockedBy}`, { to, block: move.block })}
            </p>
          )}
          {facts?.check?.refusal && (
            <>
              <p className="error">{t('migration.ovhRefused', { block: move.block, to })}</p>
              <ErrorBox error={facts.check.refusal} testId="migration-block-refusal" />
            </>
          )}
          {canMove && (
            <>
              <p className="done" data-testid="migration-block-can-move">
                {t('migration.ovhCanMove', { block: move.block, toServer: move.toServer ?? '?' })}
              </p>
              {move.othersMoving.length > 0 && (
                <Consent checked={othersOk} onChange={setOthersOk} testId="migration-block-others">
                  {t('migration.ovhOthers', {
                    block: move.block,
                    others: move.othersMoving
                      .map((other) => `${other.name} (${other.ip}, ${other.runningOn.join(', ') || '—'})`)
                      .join(' ; '),
                    to,
                  })}
                </Consent>
              )}
              <fieldset className="block-mode">
                {(['first', 'parallel', 'manual'] as const).map((value) => (
                  <label key={value}>
                    <input
                      type="radio"
                      name="block-mode"
                      value={value}
                      checked={mode === value}
                      onChange={() => setMode(value)}
                      data-testid={`migration-block-${value}`}
                    />{' '}
                    {t(`migration.ovhMode.${value}`, { block: move.block, to })}
                  </label>
                ))}
              </fieldset>
            </>
          )}
          {effective === 'manual' && manual}
        </>
      )}
    </div>
  )
}
