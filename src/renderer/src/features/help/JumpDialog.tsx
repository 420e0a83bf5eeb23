import { useId, useMemo, useState, type KeyboardEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { Data } from '../../components/Data'
import { Dialog } from '../../components/Dialog'
import { useAppStore } from '../../store'
import { jumpMatches, type JumpTarget } from './jump'
import './help.css'

const NO_HOSTS: never[] = []

/** Ctrl/Cmd+K: type part of a VM's or a host's name, Enter opens it (arrows choose among the matches). */
export function JumpDialog() {
  const open = useAppStore((state) => state.overlay === 'jump')
  if (!open) return null
  return <JumpBox onClose={() => useAppStore.getState().openOverlay(null)} />
}

function JumpBox({ onClose }: { onClose(): void }) {
  const { t } = useTranslation()
  const id = useId()
  const hosts = useAppStore((state) => state.config?.hosts ?? NO_HOSTS)
  const vms = useAppStore((state) => state.vms)
  // Before the inventory has come only hosts can be found: the box says so, and VMs join the
  // matches as they are read.
  const vmsKnown = useAppStore((state) => state.inventoryKnown)
  const [query, setQuery] = useState('')
  const [active, setActive] = useState(0)
  const matches = useMemo(
    () =>
      jumpMatches(
        query,
        hosts.map((host) => host.name),
        vms,
      ),
    [query, hosts, vms],
  )
  const current = Math.min(active, matches.length - 1)

  function go(target: JumpTarget | undefined): void {
    if (!target) return
    const store = useAppStore.getState()
    store.select(
      target.kind === 'host' ? { kind: 'host', host: target.name } : { kind: 'vm', uuid: target.uuid },
    )
    onClose()
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>): void {
    if (event.key === 'ArrowDown') setActive(Math.min(current + 1, matches.length - 1))
    else if (event.key === 'ArrowUp') setActive(Math.max(current - 1, 0))
    else if (event.key === 'Enter') go(matches[current])
    // A search field's Escape would only clear it: here it closes the box, as everywhere else.
    else if (event.key === 'Escape') onClose()
    else return
    event.preventDefault()
  }

  const optionId = (index: number): string => `${id}-option-${index}`
  return (
    <Dialog labelledBy={`${id}-title`} onClose={onClose} testId="jump-dialog" className="jump">
      <h1 id={`${id}-title`}>{t('jump.title')}</h1>
      <input
        className="jump-input"
        type="search"
        data-autofocus
        aria-label={t('jump.label')}
        role="combobox"
        aria-expanded={matches.length > 0}
        aria-controls={`${id}-list`}
        aria-activedescendant={matches.length > 0 ? optionId(current) : undefined}
        value={query}
        onChange={(event) => {
          setQuery(event.target.value)
          setActive(0)
        }}
        onKeyDown={onKeyDown}
        data-testid="jump-input"
      />
      {!vmsKnown && (
        <p className="muted" role="status" data-testid="jump-reading">
          {t('jump.readingVms')}
        </p>
      )}
      {matches.length === 0 ? (
        <p className="muted">{vmsKnown ? t('jump.none') : t('jump.noHost')}</p>
      ) : (
        <div className="jump-results" id={`${id}-list`} role="listbox" aria-label={t('jump.results')}>
          {matches.map((target, index) => (
            // The keyboard stays in the input above (its aria-activedescendant points here).
            // eslint-disable-next-line jsx-a11y/click-events-have-key-events
            <div
              key={`${target.kind}:${target.name}:${target.kind === 'vm' ? target.uuid : ''}`}
              id={optionId(index)}
              role="option"
              aria-selected={index === current}
              tabIndex={-1}
              onClick={() => go(target)}
              data-testid={`jump-${target.kind}-${target.name}`}
            >
              <Data>{target.name}</Data> <span className="muted">· {t(`jump.${target.kind}`)}</span>
            </div>
          ))}
        </div>
      )}
      <button type="button" className="link" onClick={onClose} data-testid="jump-close">
        {t('jump.close')}
      </button>
    </Dialog>
  )
}
