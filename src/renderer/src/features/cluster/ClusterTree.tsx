import {
  memo,
  useCallback,
  useId,
  useLayoutEffect,
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
import type { HostHealth } from '../../../../shared/host-health'
import { filterTree, keptGroups, type TreeList, type TreeRow } from './tree-rows'
import { assignSlots, rowRange, useRowWindow } from './row-window'
import { writeRows, type Label, type WrittenRow } from './tree-row-dom'
import { useAppStore, VM_DRAG_TYPE, type AppState } from '../../store'
import './cluster-tree.css'

/**
 * Every row's height: the one source. The tree places its rows by it, and hands it to
 * cluster-tree.css (--tree-row-height) so a row is drawn that high.
 */
const ROW_HEIGHT = 30
const ROW_HEIGHT_STYLE = { '--tree-row-height': `${ROW_HEIGHT}px` } as CSSProperties
/** The box as high as every row shown: its height is set with the rows (TreeView's `show`). */
const SIZER_STYLE: CSSProperties = { position: 'relative' }
/** Rows rendered beyond each edge of the screen: enough for a wheel notch, few enough to render fast. */
const OVERSCAN = 4
/** Labels kept per language before the oldest are dropped (counts and times vary; names do not). */
const KEPT_LABELS = 2000

function keptLabels(typed: TFunction): Label {
  // The keys are the rows' own (tree-row-dom.ts writes them); i18next's typing wants literals.
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

// The tree's subscription, the same function at every render: with a new selector each time, each
// render (a filter keystroke) also scheduled and ran an effect per subscription to note the new one.
const selectInventoryKnown = (state: AppState) => state.inventoryKnown
/** No host row until the inventory comes: a host with "0 VMs" would be a guess. */
const NO_HOST_NAMES: readonly string[] = []

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
  const inventoryKnown = useAppStore(selectInventoryKnown)
  // The VMs and host inventories, read here and not subscribed to through React: an inventory update
  // (one per host read, each with every VM of the cluster) writes the rows shown without a render
  // (`refresh` below), as a filter keystroke does. Through React, each update also rendered TreeView
  // and committed it (~1 ms of React's own work per update with 900 VMs, issue 23 item 2).
  const { vms, inventories } = useAppStore.getState()
  // The filter's text: the field sets it at each keystroke without a render (`refilter` below); a
  // render (an update, a fold, a selection) reads it.
  const filter = useRef('')
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set())
  // Grouped again only when the VMs change (a host's refresh brings a new inventory, mostly the same
  // VMs); a keystroke or a fold only picks among the same VMs, and a row object is made only for a
  // row on screen (the list's `at`). Kept here, not in a memo: an update groups outside a render.
  const [groupsOf] = useState(keptGroups)
  const shownHostNames = inventoryKnown ? hostNames : NO_HOST_NAMES
  const groups = groupsOf(vms, shownHostNames)
  const filterText = filter.current
  const rows = useMemo(
    () => filterTree(groups, inventories, filterText, collapsed),
    [groups, inventories, filterText, collapsed],
  )
  // The rows shown now: the last render's, or the last filter keystroke's since.
  const shownRows = useRef(rows)
  const scroller = useRef<HTMLDivElement>(null)
  const sizer = useRef<HTMLDivElement>(null)
  const [dropTarget, setDropTarget] = useState<string | null>(null)
  const isSelected = (row: TreeRow): boolean =>
    row.kind === 'vm' ? row.vm.uuid === selectedVm : row.key === selected
  const idPrefix = useId()
  const rowId = (row: TreeRow): string => `${idPrefix}-${row.key}`
  // Each row on screen in its slot (row-window.ts): the screen's rows change in place.
  const slots = useRef<ReadonlyMap<string, number>>(new Map())
  // The rows on screen by their element's id: the tree's own handlers find the row under the pointer
  // (one handler per event for every row, instead of each row's own closures, new at each render).
  const onScreenById = useRef<ReadonlyMap<string, TreeRow>>(new Map())
  // The rows on screen are written into their box without React (tree-row-dom.ts), after each render
  // and at each scroll or resize (row-window.ts); React renders the box empty and leaves it alone.
  const rowsBox = useRef<HTMLDivElement>(null)
  const written = useRef(new Map<number, WrittenRow>())

  // The list's height and the selected row as the tree's active descendant, for the rows shown: set
  // here, not as props, since a filter keystroke changes them without React (which would not write
  // again a prop it believes unchanged).
  const show = (list: TreeList): void => {
    shownRows.current = list
    const height = `${list.length * ROW_HEIGHT}px`
    if (sizer.current!.style.height !== height) sizer.current!.style.height = height
    const active = list.at(list.indexOfSelection(selected, selectedVm))
    const tree = scroller.current!
    if (active) tree.setAttribute('aria-activedescendant', rowId(active))
    else tree.removeAttribute('aria-activedescendant')
  }
  // A filter keystroke, outside React (issue 23 item 2): the field's own `input` listener computes the
  // rows shown and writes them, with this render's VMs, folds and selection. Through React, each
  // keystroke also ran React's change event, rendered TreeView and committed it.
  const refilter = useRef<(text: string) => void>(() => undefined)
  // An inventory update, outside React: the rows shown again with the store's VMs and inventories.
  const refresh = useRef<() => void>(() => undefined)
  useLayoutEffect(() => {
    show(rows)
    // What the rows shown come from: this render's, or the last update's since.
    let shown = { vms, inventories, groups }
    refilter.current = (text) => {
      if (text === filter.current) return
      filter.current = text
      show(filterTree(shown.groups, shown.inventories, text, collapsed))
      rowWindow.rewrite()
    }
    refresh.current = () => {
      const state = useAppStore.getState()
      // The inventory's arrival renders (the tree stops saying it reads the VMs): that render shows it.
      if (state.inventoryKnown !== inventoryKnown) return
      if (state.vms === shown.vms && state.inventories === shown.inventories) return
      shown = { vms: state.vms, inventories: state.inventories, groups: groupsOf(state.vms, shownHostNames) }
      show(filterTree(shown.groups, shown.inventories, filter.current, collapsed))
      rowWindow.rewrite()
    }
  })
  useLayoutEffect(() => {
    const stop = useAppStore.subscribe(() => refresh.current())
    // A change between the first render and this subscription.
    refresh.current()
    return stop
  }, [])
  const onFilter = useCallback((text: string) => refilter.current(text), [])
  const rowWindow = useRowWindow(scroller, ROW_HEIGHT, (shown) => {
    const list = shownRows.current
    const { start, end } = rowRange(shown, list.length, ROW_HEIGHT, OVERSCAN)
    const onScreen = list.slice(start, end)
    const slotOf = assignSlots(
      slots.current,
      onScreen.map((row) => row.key),
    )
    slots.current = slotOf
    const byId = new Map<string, TreeRow>()
    const wanted = onScreen.map((row) => {
      const id = rowId(row)
      byId.set(id, row)
      return {
        slot: slotOf.get(row.key)!,
        look: {
          row,
          id,
          selected: isSelected(row),
          dropTarget: row.kind === 'host' && row.host === dropTarget,
          status: row.kind === 'host' ? hostStatus[row.host] : undefined,
          label,
        },
      }
    })
    onScreenById.current = byId
    const box = rowsBox.current!
    // The rows on screen flow inside one block moved to the first one's place: a row keeps its look
    // when the rows above it change (a filter keystroke, a scroll), so it is not written again; each
    // row placed on its own would take a new offset every time.
    const offset = `translateY(${start * ROW_HEIGHT}px)`
    if (box.style.transform !== offset) box.style.transform = offset
    writeRows(box, written.current, wanted)
  })
  const rowAt = (target: EventTarget): TreeRow | undefined => {
    const element = target instanceof Element ? target.closest('[role="treeitem"]') : null
    return element ? onScreenById.current.get(element.id) : undefined
  }

  // Folds or unfolds a host or the stopped group (by the keyboard or a double click).
  const toggle = useCallback((key: string): void => {
    setCollapsed((previous) => {
      const next = new Set(previous)
      if (next.has(key)) next.delete(key)
      else next.add(key)
      return next
    })
  }, [])

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>): void {
    const list = shownRows.current
    const selectedIndex = list.indexOfSelection(selected, selectedVm)
    const move = (index: number): void => {
      const shownIndex = Math.max(0, Math.min(list.length - 1, index))
      const row = list.at(shownIndex)
      if (!row) return
      onSelect(row)
      rowWindow.scrollToIndex(shownIndex)
    }
    const current = list.at(selectedIndex)
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
      <FilterField label={label} onFilter={onFilter} />
      {!inventoryKnown && (
        <p className="muted small" role="status" data-testid="tree-loading">
          {label('tree.loading')}
        </p>
      )}
      <div
        ref={scroller}
        className="tree-scroll"
        role="tree"
        aria-label={label('sidebar.hosts')}
        aria-busy={!inventoryKnown}
        tabIndex={0}
        // The tree keeps the focus; the selected row is its active descendant (WAI-ARIA tree pattern),
        // set with the rows shown (`show`).
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
        <div ref={sizer} style={SIZER_STYLE}>
          <div ref={rowsBox} />
        </div>
      </div>
    </div>
  )
})

/**
 * The field's typing events, which stop at the window, in their capture phase, before they reach
 * anything else: nothing in the window handles them but the field. React listens at its root in both
 * phases for every event under it; stopped at the field itself, they still ran React's capture
 * dispatch at the root (the target's fiber found, its ancestors walked for capture handlers, none
 * there), ~5 times per keystroke. keydown goes on: the window's shortcuts read it (use-shortcuts.ts),
 * and the tree's own keys are on the tree, not here. A handler for these events on the field's
 * ancestors (a React onKeyUp, onInput, onChange or their Capture forms) would not see the field's.
 */
const FIELD_OWN_EVENTS = ['keypress', 'textInput', 'beforeinput', 'input', 'keyup'] as const

/**
 * The filter's field, apart from the tree's rows: its props do not change as one types (the label
 * per language, a stable `onFilter`). Uncontrolled: a keystroke calls `onFilter` with the text and
 * React renders nothing (TreeView writes the rows itself).
 */
const FilterField = memo(function FilterField({
  label,
  onFilter,
}: {
  label: Label
  onFilter(text: string): void
}) {
  const field = useRef<HTMLInputElement>(null)
  // At the commit, not in a passive effect: a key typed before that effect ran would be missed.
  useLayoutEffect(() => {
    const element = field.current!
    const view = element.ownerDocument.defaultView!
    const onEvent = (event: Event): void => {
      if (event.target !== element) return
      event.stopPropagation()
      if (event.type === 'input') onFilter(element.value)
    }
    for (const type of FIELD_OWN_EVENTS) view.addEventListener(type, onEvent, { capture: true })
    return () => {
      for (const type of FIELD_OWN_EVENTS) view.removeEventListener(type, onEvent, { capture: true })
    }
  }, [onFilter])
  return (
    <input
      ref={field}
      className="tree-filter"
      type="search"
      placeholder={label('tree.filter')}
      aria-label={label('tree.filter')}
      defaultValue=""
      // VM and host names are not words: no red underline, no suggestions from earlier forms.
      spellCheck={false}
      autoComplete="off"
      data-testid="tree-filter"
    />
  )
})

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
