import { useTranslation } from 'react-i18next'
import type { MaintenanceMove, MaintenancePlan } from '../../../../shared/maintenance'
import { FAILOVER_CHECK } from '../../../../shared/migration'
import { Consent } from '../../components/Consent'
import { Data } from '../../components/Data'
import { ErrorBox } from '../../components/ErrorBox'

/** The user's choices for the failover blocks: move it through OVH (default when it can), others confirmed. */
export interface BlockChoices {
  move: Record<string, boolean>
  othersOk: Record<string, boolean>
}

/** The check the migration plan raises for a failover IP to move by hand, as the maintenance plan carries it. */
const failoverCheckId = (move: MaintenanceMove) => `migration:${move.name}:${FAILOVER_CHECK}`

/**
 * What the choices mean for the plan: the blocks the job moves (sent as `blockMoves`), the failover
 * IPs left to the user, the checks the job takes care of, and whether a block still waits for its
 * other VMs to be confirmed.
 */
export function blockDecisions(plan: MaintenancePlan, choices: BlockChoices) {
  const chosen = (move: MaintenanceMove) =>
    Boolean(move.block && (!move.block.needed || move.block.canMove) && choices.move[move.uuid] !== false)
  const failovers = plan.moves.filter((move) => move.failoverIp)
  const moved = failovers.filter(chosen)
  return {
    chosen,
    manual: failovers.filter((move) => !chosen(move)),
    handledChecks: new Set(moved.map(failoverCheckId)),
    othersPending: moved.some((move) => move.block!.others.length > 0 && !choices.othersOk[move.uuid]),
    blockMoves: Object.fromEntries(
      moved.map((move) => [
        move.uuid,
        { block: move.block!.block, others: move.block!.others.map((other) => other.uuid) },
      ]),
    ),
  }
}

/**
 * The runbook's first step per VM in the maintenance plan (issue 20): each VM's failover block as
 * OVH routes it, every address and the VMs using it, OVH's pre-check, the choice to move it through
 * OVH before the VM migrates, and the confirmation when other VMs' addresses move too.
 */
export function MaintenanceBlocks({
  plan,
  choices,
  onChange,
}: {
  plan: MaintenancePlan
  choices: BlockChoices
  onChange(choices: BlockChoices): void
}) {
  const { t } = useTranslation()
  const failovers = plan.moves.filter((move) => move.failoverIp)
  if (failovers.length === 0) return null
  const { chosen } = blockDecisions(plan, choices)
  const set = (field: keyof BlockChoices, uuid: string, value: boolean) =>
    onChange({ ...choices, [field]: { ...choices[field], [uuid]: value } })
  return (
    <div className="maintenance-blocks" data-testid="maintenance-blocks">
      <h2>{t('maintenance.ovhTitle')}</h2>
      {plan.ovh && !plan.ovh.configured && (
        <p data-testid="maintenance-ovh-unconfigured">{t('maintenance.ovhUnconfigured')}</p>
      )}
      {plan.ovh?.error && (
        <>
          <p>{t('maintenance.ovhUnreadable')}</p>
          <ErrorBox error={plan.ovh.error} testId="maintenance-ovh-error" />
        </>
      )}
      {plan.ovh?.configured &&
        !plan.ovh.error &&
        failovers.map((move) => {
          const block = move.block
          const names = { vm: move.name, to: move.to }
          if (!block)
            return (
              <p key={move.uuid} className="warning">
                {t('maintenance.ovhNoBlock', { ...names, ip: move.failoverIp })}
              </p>
            )
          return (
            <div key={move.uuid} className="maintenance-block" data-testid={`maintenance-block-${move.name}`}>
              {!block.needed ? (
                <p className="done">
                  {t('maintenance.ovhAlready', {
                    ...names,
                    block: block.block,
                    server: block.toServer ?? '?',
                  })}
                </p>
              ) : (
                <>
                  <p>
                    {t('maintenance.ovhBlock', {
                      ...names,
                      block: block.block,
                      server: block.routedHost ?? block.routedTo ?? '—',
                      toServer: block.toServer ?? '?',
                    })}
                  </p>
                  <ul className="small">
                    {block.addresses.map((address) => (
                      <li key={address.ip}>
                        <Data>{address.ip}</Data> —{' '}
                        {address.vms.length ? <Data>{address.vms.join(', ')}</Data> : '—'}
                      </li>
                    ))}
                  </ul>
                  {block.blockedBy && (
                    <p className="error">
                      {t(`migration.ovhBlocked.${block.blockedBy}`, { ...names, block: block.block })}
                    </p>
                  )}
                  {block.refusal && (
                    <>
                      <p className="error">{t('maintenance.ovhRefused', { ...names, block: block.block })}</p>
                      <ErrorBox error={block.refusal} testId={`maintenance-block-refusal-${move.name}`} />
                    </>
                  )}
                  {block.canMove && (
                    <>
                      <p className="done small">{t('maintenance.ovhCanMove')}</p>
                      <label className="small">
                        <input
                          type="checkbox"
                          checked={chosen(move)}
                          onChange={(event) => set('move', move.uuid, event.target.checked)}
                          data-testid={`maintenance-block-move-${move.name}`}
                        />{' '}
                        {t('maintenance.ovhMoveIt', { ...names, block: block.block })}
                      </label>
                    </>
                  )}
                </>
              )}
              {chosen(move) && block.others.length > 0 && (
                <Consent
                  checked={choices.othersOk[move.uuid] ?? false}
                  onChange={(value) => set('othersOk', move.uuid, value)}
                  testId={`maintenance-block-others-${move.name}`}
                >
                  {t('maintenance.ovhOthers', {
                    block: block.block,
                    others: block.others
                      .map((other) =>
                        t(other.to ? 'maintenance.ovhOtherWhereTo' : 'maintenance.ovhOtherWhere', {
                          ...other,
                          runningOn: other.runningOn.join(', ') || '—',
                        }),
                      )
                      .join(' ; '),
                  })}
                </Consent>
              )}
            </div>
          )
        })}
    </div>
  )
}
