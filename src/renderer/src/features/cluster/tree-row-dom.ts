import type { HostHealth } from '../../../../shared/host-health'
import { formatPercent } from '../../format'
import { hostStatusWords } from '../hosts/HostStatus'
import { formatCoreTime } from '../vm/use-when'
import { DANGER_FLAGS, sameTreeRow, type TreeRow } from './tree-rows'

/** i18next's t for the rows, kept per language (ClusterTree's keptLabels). */
export type Label = (key: string, params?: Record<string, unknown>) => string

/** What one row on screen shows: its row, and what the tree says of it. */
export interface RowLook {
  row: TreeRow
  /** The element's id (aria-activedescendant names it). */
  id: string
  selected: boolean
  dropTarget: boolean
  status: HostHealth | undefined
  /** The window's words: a new one (a language change) writes every row again. */
  label: Label
}

/** The same content: the row's fields, its host's status, the language (its element's attributes aside). */
function sameContent(a: RowLook, b: RowLook): boolean {
  return a.status === b.status && a.label === b.label && sameTreeRow(a.row, b.row)
}

/** A row whose look is the same is left as it is (a row's objects are new after each update). */
export function sameLook(a: RowLook, b: RowLook): boolean {
  return a.id === b.id && a.selected === b.selected && a.dropTarget === b.dropTarget && sameContent(a, b)
}

/** A row's element on screen, in the slot it keeps while it stays on screen (row-window.ts). */
export interface WrittenRow {
  element: HTMLDivElement
  look: RowLook
}

/**
 * The rows on screen, written into `box` without React (issue 23 item 2). A row is a function of its
 * row object and four props, and the tree's handlers find it by its id: React's reconciliation of
 * ~35 rows of six elements each (fibers made, props compared, effects walked) cost more than the
 * writing itself, at the first paint, at each update and at each filter keystroke. A slot's element stays while
 * its slot does; a row that comes takes the element of a slot that went and is written again in
 * place; a row whose look did not change is not touched. `written` is the tree's, kept across renders.
 */
export function writeRows(
  box: HTMLElement,
  written: Map<number, WrittenRow>,
  wanted: readonly { slot: number; look: RowLook }[],
): void {
  const kept = new Set<number>()
  for (const { slot } of wanted) kept.add(slot)
  for (const [slot, { element }] of written)
    if (!kept.has(slot)) {
      element.remove()
      written.delete(slot)
    }
  let next = box.firstChild
  for (const { slot, look } of wanted) {
    let entry = written.get(slot)
    if (!entry) {
      entry = { element: document.createElement('div'), look }
      writeRow(entry.element, look, undefined)
      written.set(slot, entry)
    } else if (!sameLook(entry.look, look)) {
      writeRow(entry.element, look, entry.look)
      entry.look = look
    } else entry.look = look
    if (entry.element === next) next = next.nextSibling
    else box.insertBefore(entry.element, next)
  }
}

function attribute(element: Element, name: string, value: string | undefined): void {
  if (value === undefined) element.removeAttribute(name)
  else if (element.getAttribute(name) !== value) element.setAttribute(name, value)
}

/**
 * A span of a row's content, described before it is built: a row written again in place (a filter
 * keystroke brings another row into each slot) compares its elements with these and builds only
 * what is missing, instead of building every span of the row and then comparing the two trees.
 */
interface SpanSpec {
  attributes: Record<string, string>
  content: (SpanSpec | string)[]
}

/** A span with these attributes and this content (texts and spans). */
const span = (attributes: Record<string, string>, ...content: (SpanSpec | string)[]): SpanSpec => ({
  attributes,
  content,
})

/** Data shown as is in every language (components/Data.tsx): marked translate="no". */
const data = (text: string) => span({ translate: 'no' }, text)

function build(spec: SpanSpec | string): Node {
  if (typeof spec === 'string') return document.createTextNode(spec)
  const element = document.createElement('span')
  for (const name in spec.attributes) element.setAttribute(name, spec.attributes[name]!)
  element.append(...spec.content.map(build))
  return element
}

/**
 * One row: the element's attributes, then its content when it changed (`before`: what the element
 * shows now). The same DOM ClusterTree's TreeItem wrote.
 */
export function writeRow(element: HTMLDivElement, look: RowLook, before: RowLook | undefined): void {
  const { row, id, selected, dropTarget, status, label } = look
  attribute(element, 'id', id)
  attribute(element, 'role', 'treeitem')
  attribute(element, 'tabindex', '-1')
  attribute(element, 'aria-selected', String(selected))
  attribute(element, 'aria-level', row.kind === 'vm' ? '2' : '1')
  attribute(element, 'aria-expanded', row.kind === 'vm' ? undefined : String(!row.collapsed))
  attribute(
    element,
    'class',
    `tree-row tree-row-${row.kind}${selected ? ' selected' : ''}${row.kind === 'vm' && row.stale ? ' stale' : ''}${dropTarget ? ' drop-target' : ''}`,
  )
  // A running VM can be dragged onto another host (ClusterTree's dragAndDrop).
  attribute(element, 'draggable', row.kind === 'vm' && row.host !== null && !row.stale ? 'true' : undefined)
  attribute(
    element,
    'data-testid',
    row.kind === 'vm'
      ? `tree-vm-${row.vm.name}`
      : row.kind === 'host'
        ? `tree-host-${row.host}`
        : 'tree-group-stopped',
  )
  attribute(element, 'data-host', row.kind === 'host' ? row.host : undefined)
  attribute(element, 'data-vm-host', row.kind === 'vm' ? (row.host ?? '') : undefined)
  if (!before) element.append(...rowContent(row, status, label).map(build))
  else if (!sameContent(before, look)) patchChildren(element, rowContent(row, status, label))
}

/**
 * `parent`'s children made like `next`, in place: an element of the same tag at the same place keeps
 * itself and takes the new one's attributes and children, a text its text. A row under the pointer
 * (a drag over a host row while its count changes, a click) keeps the element the pointer is on, as
 * React kept it.
 */
function patchChildren(parent: Element, next: readonly (SpanSpec | string)[]): void {
  // Walked by sibling, not by childNodes[index]: a row in place of another changes a few texts.
  let old = parent.firstChild
  for (let index = 0; index < next.length; index++) {
    const spec = next[index]!
    const text = typeof spec === 'string'
    if (old === null || old.nodeName !== (text ? '#text' : 'SPAN')) {
      parent.insertBefore(build(spec), old)
      continue
    }
    if (text) {
      if (old.nodeValue !== spec) old.nodeValue = spec
    } else {
      const was = old as Element
      let count = 0
      for (const name in spec.attributes) {
        attribute(was, name, spec.attributes[name])
        count++
      }
      // It has every attribute of the spec now: any more are the old span's own.
      if (was.attributes.length > count)
        for (const name of was.getAttributeNames()) if (!(name in spec.attributes)) was.removeAttribute(name)
      patchChildren(was, spec.content)
    }
    old = old.nextSibling
  }
  while (old !== null) {
    const after = old.nextSibling
    old.remove()
    old = after
  }
}

function percent(used: number | undefined, total: number | undefined): string {
  if (used === undefined || !total) return '–'
  return formatPercent(used / total)
}

/** What a row shows. */
function rowContent(row: TreeRow, status: HostHealth | undefined, t: Label): SpanSpec[] {
  if (row.kind === 'host') {
    const facts = row.inventory?.facts
    const used =
      facts?.memoryTotalKiB !== undefined && facts.memoryFreeKiB !== undefined
        ? facts.memoryTotalKiB - facts.memoryFreeKiB
        : undefined
    const health = hostStatusWords(status?.status, status?.problems ?? [], t)
    const meta = span(
      { class: 'row-meta' },
      `${t('tree.vmCount', { count: row.runningCount })} · ${t('tree.memory')} `,
      data(percent(used, facts?.memoryTotalKiB)),
    )
    if (row.warnings > 0)
      meta.content.push(span({ class: 'badge-inline danger' }, ' ⚠ ', data(String(row.warnings))))
    return [
      span({ class: 'twisty' }, row.collapsed ? '▸' : '▾'),
      span({ class: 'row-name', translate: 'no' }, row.host),
      span(
        {
          class: `host-status host-status-${health.value}`,
          'data-testid': 'host-status',
          'data-status': health.value,
          title: health.text,
        },
        health.text,
      ),
      meta,
    ]
  }
  if (row.kind === 'group')
    return [
      span({ class: 'twisty' }, row.collapsed ? '▸' : '▾'),
      span({ class: 'row-name muted' }, t('tree.stopped', { count: row.count })),
    ]
  const content: SpanSpec[] = [
    span({
      class: `vm-state state-${row.state}`,
      title: t(`vmState.${row.state}`, { defaultValue: row.state }),
    }),
    span({ class: 'row-name', translate: 'no' }, row.vm.name),
  ]
  if (row.stale && row.host !== null) {
    const since = row.inventory?.unreachableSince
    content.push(
      span(
        {
          class: 'muted small tree-last-seen',
          title: `${t('fencing.lastSeen', { host: row.host, since: formatCoreTime(since) })}. ${t('fencing.lastSeenLong', { host: row.host })}`,
          'data-testid': 'tree-last-seen',
        },
        t('fencing.lastSeenTree', { host: row.host, since: formatCoreTime(since, true) }),
      ),
    )
  }
  if (row.fenced)
    content.push(
      span(
        { class: 'badge-inline danger', title: t('fencing.fencedLong'), 'data-testid': 'tree-fenced' },
        t('fencing.fenced'),
      ),
    )
  const meta = span({ class: 'row-meta' })
  if (row.host === null)
    meta.content.push(
      span({ class: 'muted small' }, t('tree.definedOn', { hosts: row.vm.definedOn.join(', ') })),
    )
  // The flags shown are rowShowsFlag's (sameTreeRow compares those alone).
  for (const flag of row.flags)
    if (DANGER_FLAGS.includes(flag))
      meta.content.push(
        span({ class: 'badge-inline danger', title: t(`flags.${flag}.long`) }, t(`flags.${flag}.short`)),
      )
  if (row.flags.includes('host-unknown'))
    meta.content.push(span({ class: 'badge-inline warn', title: t('flags.host-unknown.long') }, '?'))
  content.push(meta)
  return content
}
