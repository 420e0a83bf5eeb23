import { useTranslation } from 'react-i18next'
import type { BlockedAction, Check, CheckLevel } from '../../../shared/messages'
import { MessageText } from './MessageText'
import './messages.css'

const ICONS: Record<CheckLevel, string> = { ok: '✔', info: 'ℹ', warn: '⚠', fail: '✖', unknown: '?' }
const BLOCK_KEYS = {
  start: 'checks.blocksStart',
  migrate: 'checks.blocksMigrate',
  maintenance: 'checks.blocksMaintenance',
  console: 'checks.blocksConsole',
  storage: 'checks.blocksStorage',
  fencing: 'checks.blocksFencing',
  inventory: 'checks.blocksInventory',
  ceph: 'checks.blocksCeph',
} as const satisfies Record<BlockedAction, string>

/**
 * Every list of checks the window shows — the host doctor, the migration and maintenance pre-checks,
 * storage refusals — in one shape (shared/messages/check.ts): level, what was found, the fix (words
 * and/or the exact command, verbatim) and what a failing check blocks. `label` names a check when the
 * list has names (the doctor's "libvirt access"…).
 */
export function CheckList({
  checks,
  label,
  testId,
}: {
  checks: readonly Check[]
  label?: (check: Check) => string | undefined
  testId?: string
}) {
  const { t } = useTranslation()
  return (
    <ul className="check-list" data-testid={testId}>
      {checks.map((check) => {
        const name = label?.(check)
        return (
          <li
            key={check.id}
            className={`check-item level-${check.level}`}
            data-check={check.id}
            data-level={check.level}
          >
            <span className="check-icon" role="img" aria-label={t(`checkUi.levels.${check.level}`)}>
              {ICONS[check.level]}
            </span>
            <div className="check-body">
              {name && <strong className="check-name">{name}</strong>}
              <MessageText message={check.message} as="div" />
              {check.fix && (check.fix.message || check.fix.command) && (
                <div className="check-fix small">
                  <span className="muted">{t('checkUi.fix')}</span>{' '}
                  {check.fix.message && <MessageText message={check.fix.message} />}
                  {check.fix.command && (
                    <pre className="fix" translate="no">
                      {check.fix.command}
                    </pre>
                  )}
                </div>
              )}
              {check.level === 'fail' && check.blocks && check.blocks.length > 0 && (
                <div className="check-blocks muted small">
                  {check.blocks.map((action) => t(BLOCK_KEYS[action])).join(' · ')}
                </div>
              )}
            </div>
          </li>
        )
      })}
    </ul>
  )
}
