import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { macIssue, normaliseMac, type MacIssue } from '../../../../shared/vmdef'
import { NIC_MODELS, type NicAdd, type NicChange, type VmEditPlan } from '../../../../shared/vmedit'
import { Data } from '../../components/Data'

/** The network-card part of the edit form: each card's MAC and bridge as typed, cards removed, cards added. */
export interface NicsForm {
  /** Current MAC → the MAC and bridge in the form. */
  cards: Record<string, { mac: string; bridge: string }>
  remove: string[]
  add: NicAdd[]
}

export function nicsFormOf(plan: VmEditPlan): NicsForm {
  return {
    cards: Object.fromEntries(
      (plan.settings?.nics ?? []).map((nic) => [nic.mac, { mac: nic.mac, bridge: nic.bridge }]),
    ),
    remove: [],
    add: [],
  }
}

/** The card changes the form asks for, or null while a typed MAC is not one. */
export function nicChanges(
  form: NicsForm,
  plan: VmEditPlan,
): { addNics?: NicAdd[]; removeNics?: string[]; changeNics?: NicChange[] } | null {
  const change: NicChange[] = []
  for (const nic of plan.settings?.nics ?? []) {
    if (form.remove.includes(nic.mac)) continue
    const card = form.cards[nic.mac]
    if (!card) continue
    const mac = normaliseMac(card.mac)
    if (macIssue(mac) !== null) return null
    const entry: NicChange = { mac: nic.mac }
    if (mac !== nic.mac) entry.newMac = mac
    if (card.bridge !== nic.bridge) entry.bridge = card.bridge
    if (entry.newMac !== undefined || entry.bridge !== undefined) change.push(entry)
  }
  return {
    ...(form.add.length > 0 ? { addNics: form.add } : {}),
    ...(form.remove.length > 0 ? { removeNics: form.remove } : {}),
    ...(change.length > 0 ? { changeNics: change } : {}),
  }
}

/** The wizard's words for a MAC's problem. */
const macRule = (issue: MacIssue) => `vmWizard.macRule.${issue}` as const

/**
 * The VM's network cards (issue 19 item 3): each card's MAC (unique among every definition on every
 * host: the core checks) and bridge (only those present on every host are offered), a box to remove
 * it, and a card to add — its MAC typed (a failover IP's virtual MAC) or drawn by the core.
 */
export function EditNics({
  plan,
  value,
  onChange,
}: {
  plan: VmEditPlan
  value: NicsForm
  onChange(next: NicsForm): void
}) {
  const { t } = useTranslation()
  const [bridge, setBridge] = useState(plan.bridges[0] ?? '')
  const [mac, setMac] = useState('')
  const [model, setModel] = useState<(typeof NIC_MODELS)[number]>('virtio')
  const typed = normaliseMac(mac)
  const addProblem = mac.trim() === '' ? null : macIssue(typed)
  const bridgesFor = (current: string) => [...new Set([current, ...plan.bridges])].filter(Boolean)

  function add(): void {
    if (bridge === '' || addProblem !== null) return
    onChange({ ...value, add: [...value.add, { bridge, model, ...(mac.trim() ? { mac: typed } : {}) }] })
    setMac('')
  }

  return (
    <div className="wizard-field" data-testid="vm-edit-nics">
      <span className="wizard-label">{t('vmEdit.nics.title')}</span>
      <span className="wizard-input edit-disks">
        <table className="edit-disk-table">
          <tbody>
            {(plan.settings?.nics ?? []).map((nic) => {
              const card = value.cards[nic.mac] ?? { mac: nic.mac, bridge: nic.bridge }
              const problem = macIssue(normaliseMac(card.mac))
              const removed = value.remove.includes(nic.mac)
              const set = (patch: Partial<typeof card>) =>
                onChange({ ...value, cards: { ...value.cards, [nic.mac]: { ...card, ...patch } } })
              return (
                <tr key={nic.mac} data-testid={`vm-edit-nic-${nic.mac}`}>
                  <td>
                    <input
                      type="text"
                      size={17}
                      value={card.mac}
                      disabled={removed}
                      aria-label={t('vmEdit.nics.mac')}
                      aria-invalid={problem !== null}
                      onChange={(event) => set({ mac: event.target.value })}
                      data-testid={`vm-edit-nic-mac-${nic.mac}`}
                      translate="no"
                    />
                    {problem && <span className="wizard-problem"> {t(macRule(problem))}</span>}
                  </td>
                  <td>
                    <select
                      value={card.bridge}
                      disabled={removed}
                      aria-label={t('vmEdit.nics.bridge')}
                      onChange={(event) => set({ bridge: event.target.value })}
                      data-testid={`vm-edit-nic-bridge-${nic.mac}`}
                    >
                      {bridgesFor(nic.bridge).map((name) => (
                        <option key={name} value={name} translate="no">
                          {name}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <Data>{nic.model}</Data>
                  </td>
                  <td>
                    <label>
                      <input
                        type="checkbox"
                        checked={removed}
                        onChange={(event) =>
                          onChange({
                            ...value,
                            remove: event.target.checked
                              ? [...value.remove, nic.mac]
                              : value.remove.filter((other) => other !== nic.mac),
                            cards: { ...value.cards, [nic.mac]: { mac: nic.mac, bridge: nic.bridge } },
                          })
                        }
                        data-testid={`vm-edit-nic-remove-${nic.mac}`}
                      />{' '}
                      {t('vmEdit.nics.remove')}
                    </label>
                  </td>
                </tr>
              )
            })}
          </tbody>
        </table>
        {value.add.length > 0 && (
          <ul className="edit-disk-attach-list" data-testid="vm-edit-nic-add-list">
            {value.add.map((nic, index) => (
              <li key={`${nic.bridge}:${nic.mac ?? index}`}>
                {nic.mac ? t('vmEdit.nics.addItem') : t('vmEdit.nics.addItemDrawn')}{' '}
                <Data>
                  {nic.mac ? `${nic.mac} ` : ''}
                  {nic.bridge} ({nic.model})
                </Data>{' '}
                <button
                  type="button"
                  onClick={() => onChange({ ...value, add: value.add.filter((other) => other !== nic) })}
                >
                  {t('vmEdit.disks.remove')}
                </button>
              </li>
            ))}
          </ul>
        )}
        <span className="edit-disk-add" data-testid="vm-edit-nic-add">
          <strong>{t('vmEdit.nics.add')}</strong>
          <select
            value={bridge}
            onChange={(event) => setBridge(event.target.value)}
            aria-label={t('vmEdit.nics.bridge')}
            data-testid="vm-edit-nic-add-bridge"
          >
            {plan.bridges.map((name) => (
              <option key={name} value={name} translate="no">
                {name}
              </option>
            ))}
          </select>
          <input
            type="text"
            size={17}
            value={mac}
            placeholder={t('vmEdit.nics.macDrawn')}
            aria-label={t('vmEdit.nics.mac')}
            aria-invalid={addProblem !== null}
            onChange={(event) => setMac(event.target.value)}
            data-testid="vm-edit-nic-add-mac"
            translate="no"
          />
          <select
            value={model}
            onChange={(event) => setModel(event.target.value as (typeof NIC_MODELS)[number])}
            aria-label={t('vmEdit.nics.model')}
            data-testid="vm-edit-nic-add-model"
          >
            {NIC_MODELS.map((name) => (
              <option key={name} value={name} translate="no">
                {name}
              </option>
            ))}
          </select>
          <button
            type="button"
            disabled={bridge === '' || addProblem !== null}
            onClick={add}
            data-testid="vm-edit-nic-add-button"
          >
            {t('vmEdit.disks.add')}
          </button>
          {addProblem && <span className="wizard-problem">{t(macRule(addProblem))}</span>}
        </span>
        <span className="muted small">{t('vmEdit.nics.help')}</span>
      </span>
    </div>
  )
}

/** The cards the plan adds, with the MAC each gets. */
export function NicPlanSummary({ plan }: { plan: VmEditPlan }) {
  const { t } = useTranslation()
  if (plan.addNics.length === 0) return null
  return (
    <ul data-testid="vm-edit-nic-plan">
      {plan.addNics.map((nic) => (
        <li key={nic.mac}>
          {t('vmEdit.nics.planAdd')}{' '}
          <Data>
            {nic.mac} → {nic.bridge} ({nic.model})
          </Data>
        </li>
      ))}
    </ul>
  )
}
