import {
  memo,
  useCallback,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
  type CSSProperties,
  type DragEvent,
  type HTMLAttributes,
  type KeyboardEvent,
} from 'react'
import { useTranslation } from 'react-i18next'
import type { TFunction } from 'i18next'
import { formatPercent } from '../../format'
import { formatCoreTime } from '../vm/use-when'
import type { HostHealth } from '../../../../shared/host-health'
import { HostStatusText } from '../hosts/HostStatus'
import { Data } from '../../components/Data'
import { DANGER_FLAGS, filterTree, groupTree, sameTreeRow, type TreeRow } from './tree-rows'
import { assignSlots, useRowWindow } from './row-window'
import { useAppStore, VM_DRAG_TYPE } from '../../store'
import './cluster-tree.css'

/**
 * Every row's height: the one source. The tree places its rows by it, and hands it to
 * cluster-tree.css (--tree-row-height) so a row is drawn that high.
 */
const ROW_HEIGHT = 30
const ROW_HEIGHT_STYLE = { '--tree-row-height': `${ROW_HEIGHT}px` } as CSSProperties
/** Rows rendered beyond each edge of the screen: enough for a wheel notch, few enough to render fast. */
const OVERSCAN = 4
/** Labels kept per language before the oldest are dropped (counts and times vary; names do not). */
const KEPT_LABELS = 2000

/** i18next's t for the rows: the same key and parameters give the same text, asked once per language. */
type Label = (key: string, params?: Record<string, unknown>) => string

function keptLabels(typed: TFunction): Label {
  // The keys are the rows' own (checked where they are written, below); i18next's typing wants literals.
  const t = typed as unknown as (key: string, params?: Record<string, unknown>) => string
  const kept = new Map<string, string>()
  return (key, params) => {
    const id = params === undefined ? key : `${key}\u0000${JSON.stringify(params)}`
    let text = kept.get(id)
    if (text === undefined) {
      text = t(key, params)
      if (kept.size >= KEPT_LABELS) kept.clear()
      kept.set(id, text)
    }
    return text
  }
}

export interface ClusterTreeProps {
  hostNames: readonly string[]
  /** Status per host (online, offline, key-unknown…, or degraded: libvirt/Ceph unusable). */
  hostStatus: Readonly<Record<string, HostHealth | undefined>>
  /** The selected host row's key ("host:hv1"), if any. */
  selected: string | null
  /** The selected VM's UUID: its row is highlighted under whichever host shows it. */
  selectedVm: string | null
  onSelect(row: TreeRow): void
}

function percent(used: number | undefined, total: number | undefined): string {
  if (used === undefined || !total) return '–'
  return formatPercent(used / total)
}

/**
 * Hosts with the VMs running on each, then the VMs running nowhere. Virtualised (hundreds of VMs stay
 * fluid), filtered as you type, driven by the keyboard (↑ ↓ to move, ← → to fold, Enter to open).
 */
export function ClusterTree(props: ClusterTreeProps) {
  // The language's words here, above the filter's state: a keystroke renders TreeView only, and
  // useTranslation costs a fraction of a millisecond at each render (its snapshot is checked again).
  const { t } = useTranslation()
  // Rows whose text is the same ask i18next once (its t costs tens of µs; a filled screen asks ~100 times).
  const label = useMemo(() => keptLabels(t), [t])
  return <TreeView {...props} label={label} />
}

const TreeView = memo(function TreeView({
  hostNames,
  hostStatus,
  selected,
  selectedVm,
  onSelect,
  label,
}: ClusterTreeProps & { label: Label }) {
  const inventories = useAppStore((state) => state.inventories)
  const vms = useAppStore((state) => state.vms)
  const [filter, setFilter] = useState('')
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set())
  // Grouped again only when the VMs change (a host's refresh brings a new inventory, mostly the same
  // VMs); a keystroke or a fold only picks among the same VMs, and a row object is made only for a
  // row on screen (the list's `at`).
  const groups = useMemo(() => groupTree({ hostNames, vms }), [hostNames, vms])
  const rows = useMemo(
    () => filterTree(groups, inventories, filter, collapsed),
    [groups, inventories, filter, collapsed],
  )
  const scroller = useRef<HTMLDivElement>(null)
  const [dropTarget, setDropTarget] = useState<string | null>(null)
  const shown = useRowWindow(scroller, rows.length, ROW_HEIGHT, OVERSCAN)
  const isSelected = (row: TreeRow): boolean =>
    row.kind === 'vm' ? row.vm.uuid === selectedVm : row.key === selected
  const selectedIndex = rows.indexOfSelection(selected, selectedVm)
  const selectedRow = rows.at(selectedIndex)
  const onScreen: TreeRow[] = []
  for (let index = shown.start; index < shown.end; index++) onScreen.push(rows.at(index)!)
  // Each row on screen keyed by its slot (row-window.ts): the screen's rows change in place.
  const slots = useRef<ReadonlyMap<string, number>>(new Map())
  const slotOf = assignSlots(
    slots.current,
    onScreen.map((row) => row.key),
  )
  useEffect(() => {
    slots.current = slotOf
  })
  const idPrefix = useId()
  const rowId = (row: TreeRow): string => `${idPrefix}-${row.key}`
  // The rows on screen by their element's id: the tree's own handlers find the row under the pointer
  // (one handler per event for every row, instead of each row's own closures, new at each render).
  const onScreenById = new Map(onScreen.map((row) => [rowId(row), row]))
  const rowAt = (target: EventTarget): TreeRow | undefined => {
    const element = target instanceof Element ? target.closest('[role="treeitem"]') : null
    return element ? onScreenById.get(element.id) : undefined
  }

  // A stable callback (and a stable onSelect from the sidebar), so a row that did not change is not
  // rendered again (TreeItem is memoized).
  const toggle = useCallback((key: string): void => {
    setCollapsed((previous) => {
      const next = new Set(previous)
      if (next.has(key)) next.delete(key)
      else next.add(key)
      return next
    })
  }, [])

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>): void {
    const move = (index: number): void => {
      const shownIndex = Math.max(0, Math.min(rows.length - 1, index))
      const row = rows.at(shownIndex)
      if (!row) return
      onSelect(row)
      shown.scrollToIndex(shownIndex)
    }
    const current = selectedRow
    switch (event.key) {
      case 'ArrowDown':
        move(selectedIndex + 1)
        break
      case 'ArrowUp':
        move(selectedIndex <= 0 ? 0 : selectedIndex - 1)
        break
      case 'ArrowLeft':
      case 'ArrowRight':
        if (current && current.kind !== 'vm' && current.collapsed === (event.key === 'ArrowRight'))
          toggle(current.key)
        break
      case 'Enter':
        if (current) onSelect(current)
        break
      default:
        return
    }
    event.preventDefault()
  }

  return (
    <div className="cluster-tree" style={ROW_HEIGHT_STYLE}>
      <FilterField label={label} onFilter={setFilter} />
      <div
        ref={scroller}
        className="tree-scroll"
        role="tree"
        aria-label={label('sidebar.hosts')}
        tabIndex={0}
        // The tree keeps the focus; the selected row is its active descendant (WAI-ARIA tree pattern).
        aria-activedescendant={selectedRow ? rowId(selectedRow) : undefined}
        onKeyDown={onKeyDown}
        onClick={(event) => {
          const row = rowAt(event.target)
          if (row) onSelect(row)
        }}
        onDoubleClick={(event) => {
          const row = rowAt(event.target)
          if (row && row.kind !== 'vm') toggle(row.key)
        }}
        {...dragAndDrop(rowAt, setDropTarget)}
        data-testid="cluster-tree"
      >
        <div style={{ height: shown.totalHeight, position: 'relative' }}>
          {/* The rows on screen flow inside one block moved to the first one's place: a row keeps its
              props when the rows above it change (a filter keystroke, a scroll), so it is not
              rendered again; each row placed on its own would take a new offset every time. */}
          <div style={{ transform: `translateY(${shown.start * ROW_HEIGHT}px)` }}>
            {onScreen.map((row) => (
              <TreeItem
                key={slotOf.get(row.key)}
                row={row}
                id={rowId(row)}
                selected={isSelected(row)}
                dropTarget={row.kind === 'host' && row.host === dropTarget}
                status={row.kind === 'host' ? hostStatus[row.host] : undefined}
                label={label}
              />
            ))}
          </div>
        </div>
      </div>
    </div>
  )
})

/**
 * The filter's field, apart from the tree's rows: its props do not change as one types (the label
 * per language, React's stable setState), so a keystroke renders the rows and leaves the field alone
 * (rendered with them, React compared its props and wrote its default value back at each keystroke).
 */
const FilterField = memo(function FilterField({
  label,
  onFilter,
}: {
  label: Label
  onFilter(text: string): void
}) {
  return (
    <input
      className="tree-filter"
      type="search"
      placeholder={label('tree.filter')}
      aria-label={label('tree.filter')}
      // Uncontrolled: only typing changes it, and React then has no value to put back at each keystroke.
      defaultValue=""
      onChange={(event) => onFilter(event.target.value)}
      data-testid="tree-filter"
    />
  )
})

interface TreeItemProps {
  row: TreeRow
  id: string
  selected: boolean
  dropTarget: boolean
  status: HostHealth | undefined
  /** The window's words, kept per language: a new one (a language change) renders every row again. */
  label: Label
}

/**
 * One row of the tree. Memoized (issue 23 item 2): a keystroke in the filter re-renders only the rows
 * that appear (each in the slot of a row that went), not the fifty on screen. Its pointer (click,
 * double click, drag) is the tree's (TreeView's handlers find the row), and its content is written
 * here, not by a component of its own: a row rewritten by a keystroke is one component and its
 * elements, with no handlers to compare.
 */
const TreeItem = memo(
  function TreeItem({ row, id, selected, dropTarget, status, label }: TreeItemProps) {
    return (
      <div
        id={id}
        role="treeitem"
        tabIndex={-1}
        aria-selected={selected}
        aria-level={row.kind === 'vm' ? 2 : 1}
        aria-expanded={row.kind === 'vm' ? undefined : !row.collapsed}
        className={`tree-row tree-row-${row.kind}${selected ? ' selected' : ''}${row.kind === 'vm' && row.stale ? ' stale' : ''}${dropTarget ? ' drop-target' : ''}`}
        // A running VM can be dragged onto another host (TreeView's dragAndDrop).
        draggable={row.kind === 'vm' && row.host !== null && !row.stale ? true : undefined}
        data-testid={
          row.kind === 'vm'
            ? `tree-vm-${row.vm.name}`
            : row.kind === 'host'
              ? `tree-host-${row.host}`
              : 'tree-group-stopped'
        }
        data-host={row.kind === 'host' ? row.host : undefined}
        data-vm-host={row.kind === 'vm' ? (row.host ?? '') : undefined}
      >
        {rowContent(row, status, label)}
      </div>
    )
  },
  (before, after) =>
    sameTreeRow(before.row, after.row) &&
    (Object.keys(after) as (keyof TreeItemProps)[]).every(
      (key) => key === 'row' || before[key] === after[key],
    ),
)

/**
 * A running VM can be dragged onto another host: that opens the migration sheet (which checks and
 * asks before anything happens). The VM view's "Migrate…" does the same without a mouse. The tree's
 * handlers, for every row: `rowAt` finds the row an event comes from.
 */
function dragAndDrop(
  rowAt: (target: EventTarget) => TreeRow | undefined,
  onDropTarget: (host: string | null) => void,
): HTMLAttributes<HTMLDivElement> {
  const hostAt = (event: DragEvent<HTMLDivElement>): string | undefined => {
    const row = rowAt(event.target)
    return row?.kind === 'host' ? row.host : undefined
  }
  const accepts = (event: DragEvent<HTMLDivElement>) => event.dataTransfer.types.includes(VM_DRAG_TYPE)
  return {
    onDragStart: (event) => {
      const row = rowAt(event.target)
      if (row?.kind !== 'vm' || row.host === null || row.stale) return
      event.dataTransfer.setData(VM_DRAG_TYPE, JSON.stringify({ uuid: row.vm.uuid, from: row.host }))
      event.dataTransfer.effectAllowed = 'move'
    },
    onDragOver: (event) => {
      const host = hostAt(event)
      if (host === undefined || !accepts(event)) return
      event.preventDefault()
      event.dataTransfer.dropEffect = 'move'
      onDropTarget(host)
    },
    onDragLeave: (event) => {
      if (hostAt(event) !== undefined) onDropTarget(null)
    },
    onDrop: (event) => {
      const host = hostAt(event)
      if (host === undefined) return
      onDropTarget(null)
      if (!accepts(event)) return
      event.preventDefault()
      const { uuid, from } = JSON.parse(event.dataTransfer.getData(VM_DRAG_TYPE)) as {
        uuid: string
        from: string
      }
      if (from !== host) useAppStore.getState().openMigration(uuid, host)
    },
  }
}

/** What a row shows, written into its TreeItem. */
function rowContent(row: TreeRow, status: HostHealth | undefined, t: Label) {
  const when = formatCoreTime
  if (row.kind === 'host') {
    const facts = row.inventory?.facts
    const used =
      facts?.memoryTotalKiB !== undefined && facts.memoryFreeKiB !== undefined
        ? facts.memoryTotalKiB - facts.memoryFreeKiB
        : undefined
    return (
      <>
        <span className="twisty">{row.collapsed ? '▸' : '▾'}</span>
        <span className="row-name" translate="no">
          {row.host}
        </span>
        <HostStatusText status={status?.status} problems={status?.problems ?? []} t={t} />
        <span className="row-meta">
          {t('tree.vmCount', { count: row.runningCount })} · {t('tree.memory')}{' '}
          <Data>{percent(used, facts?.memoryTotalKiB)}</Data>
          {row.warnings > 0 && (
            <span className="badge-inline danger">
              {' '}
              ⚠ <Data>{row.warnings}</Data>
            </span>
          )}
        </span>
      </>
    )
  }
  if (row.kind === 'group') {
    return (
      <>
        <span className="twisty">{row.collapsed ? '▸' : '▾'}</span>
        <span className="row-name muted">{t('tree.stopped', { count: row.count })}</span>
      </>
    )
  }
  const dangers = row.flags.filter((flag) => DANGER_FLAGS.includes(flag))
  return (
    <>
      <span
        className={`vm-state state-${row.state}`}
        title={t(`vmState.${row.state}`, { defaultValue: row.state })}
      />
      <span className="row-name" translate="no">
        {row.vm.name}
      </span>
      {row.stale && row.host !== null && (
        <span
          className="muted small tree-last-seen"
          title={`${t('fencing.lastSeen', { host: row.host, since: when(row.inventory?.unreachableSince) })}. ${t('fencing.lastSeenLong', { host: row.host })}`}
          data-testid="tree-last-seen"
        >
          {t('fencing.lastSeenTree', { host: row.host, since: when(row.inventory?.unreachableSince, true) })}
        </span>
      )}
      {row.fenced && (
        <span className="badge-inline danger" title={t('fencing.fencedLong')} data-testid="tree-fenced">
          {t('fencing.fenced')}
        </span>
      )}
      <span className="row-meta">
        {row.host === null && (
          <span className="muted small">{t('tree.definedOn', { hosts: row.vm.definedOn.join(', ') })}</span>
        )}
        {dangers.map((flag) => (
          <span key={flag} className="badge-inline danger" title={t(`flags.${flag}.long`)}>
            {t(`flags.${flag}.short`)}
          </span>
        ))}
        {row.vm.flags.includes('host-unknown') && (
          <span className="badge-inline warn" title={t('flags.host-unknown.long')}>
            ?
          </span>
        )}
      </span>
    </>
  )
}
