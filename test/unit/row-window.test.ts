import { describe, expect, it } from 'vitest'
import { assignSlots } from '../../src/renderer/src/features/cluster/row-window'

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
