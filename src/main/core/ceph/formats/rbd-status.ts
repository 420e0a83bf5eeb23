import { z } from 'zod'
import {
  CephShapeError,
  excerpt,
  jsonTrees,
  properties,
  readFamilies,
  valueOf,
  type ShapeFamily,
} from './json'

/**
 * `rbd status --format json`: the clients watching an image (a running QEMU is one).
 *
 * - luminous-mimic: `watchers` is an object section holding one `"watcher"` key per client, repeated
 *   (ceph/ceph src/tools/rbd/action/Status.cc before image namespaces: `open_object_section("watchers")`).
 *   JSON.parse keeps only the last one; here every one is read.
 * - nautilus-tentacle: `watchers` is an array (Status.cc with namespaces: `open_array_section`), and a
 *   `migration` object may follow. Captured from Ceph 16.2.15 in the lab.
 */

export interface RbdWatcher {
  address: string
  client: number
  cookie?: number
}

const WatcherSchema = z.object({
  address: z.string(),
  client: z.number().int().nonnegative(),
  cookie: z.number().optional(),
})

const ArrayForm: ShapeFamily<RbdWatcher[]> = {
  family: 'nautilus-tentacle',
  schema: z.object({ watchers: z.array(WatcherSchema) }).transform((status) => status.watchers),
}

const ObjectForm: ShapeFamily<RbdWatcher[]> = {
  family: 'luminous-mimic',
  schema: z
    .object({ watchers: z.array(z.object({ key: z.literal('watcher'), value: WatcherSchema })) })
    .transform((status) => status.watchers.map((entry) => entry.value)),
}

export function parseRbdStatus(text: string, command: string): { family: string; watchers: RbdWatcher[] } {
  const trees = jsonTrees(text, command)
  const root = trees[0]
  if (trees.length !== 1 || root?.type !== 'object')
    throw new CephShapeError(command, ['expected one JSON object'], excerpt(text))
  const watchers = properties(root).find((property) => property.key === 'watchers')?.value
  if (watchers?.type === 'object') {
    // Every repeated key, not JSON.parse's last one.
    const entries = properties(watchers).map(({ key, value }) => ({ key, value: valueOf(value) }))
    const { family, data } = readFamilies({ watchers: entries }, [ObjectForm], command, text)
    return { family, watchers: data }
  }
  const { family, data } = readFamilies(valueOf(root), [ArrayForm], command, text)
  return { family, watchers: data }
}
