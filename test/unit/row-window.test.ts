import { describe, expect, it } from 'vitest'
import { assignSlots, rowRange } from '../../src/renderer/src/features/cluster/row-window'

const slots = (map: Map<string, number>) => Object.fromEntries(map)

describe("the tree's row slots", () => {
  it('a row still on screen keeps its slot; a row that comes takes the slot of one that went', () => {
    const first = assignSlots(new Map(), ['a', 'b', 'c'])
    expect(slots(first)).toEqual({ a: 0, b: 1, c: 2 })
    // A scroll by one row: b and c stay where they were, d takes a's.
    expect(slots(assignSlots(first, ['b', 'c', 'd']))).toEqual({ b: 1, c: 2, d: 0 })
    // A filter that changes the whole screen: every slot is used again, none added.
    expect(slots(assignSlots(first, ['x', 'y', 'z']))).toEqual({ x: 0, y: 1, z: 2 })
  })

  it('more rows than before take the smallest free slots; fewer keep theirs', () => {
    const few = assignSlots(
      new Map([
        ['a', 0],
        ['b', 1],
        ['c', 2],
      ]),
      ['c'],
    )
    expect(slots(few)).toEqual({ c: 2 })
    expect(slots(assignSlots(few, ['c', 'd', 'e', 'f']))).toEqual({ c: 2, d: 0, e: 1, f: 3 })
    const all = assignSlots(new Map(), ['k1', 'k2', 'k3', 'k4'])
    expect(new Set(all.values()).size).toBe(4)
  })
})

describe("the tree's rows on screen", () => {
  it('the rows the scroller shows, plus the overscan beyond each edge, within the list', () => {
    // 300 px of 30 px rows from row 20: rows 20-30 (the last partly shown), 4 more on each side.
    expect(rowRange({ first: 20, height: 300 }, 900, 30, 4)).toEqual({ start: 16, end: 35 })
    // At the top nothing above row 0; before the scroller's first height report, its first rows.
    expect(rowRange({ first: 0, height: 300 }, 900, 30, 4)).toEqual({ start: 0, end: 15 })
    expect(rowRange({ first: 0, height: 0 }, 900, 30, 4)).toEqual({ start: 0, end: 5 })
  })

  it('fewer rows than the scroll showed (a filter): the screen is the end of the list', () => {
    expect(rowRange({ first: 500, height: 300 }, 20, 30, 4)).toEqual({ start: 5, end: 20 })
    expect(rowRange({ first: 500, height: 300 }, 3, 30, 4)).toEqual({ start: 0, end: 3 })
  })
})
