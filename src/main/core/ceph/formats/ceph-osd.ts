import { z } from 'zod'
import { readFamilies } from './json'

/**
 * `ceph osd tree` and `ceph osd dump` (flags) with `--format json`.
 *
 * osd tree: `{nodes: [{id, name, type, children?, status?, reweight?, crush_weight?, device_class?}], stray}`
 * in every supported release (device_class since Luminous).
 *
 * osd dump flags:
 * - luminous-mimic: `flags` only, a comma-separated string ("noout,sortbitwise,…").
 * - nautilus-tentacle: also `flags_set` (a list) and `crush_node_flags` ({bucket: [flags]}), which is
 *   where `ceph osd set-group noout HOST` shows (Ceph 16.2.15 in the lab).
 */

const TreeNode = z.object({
  id: z.number().int(),
  name: z.string(),
  type: z.string(),
  children: z.array(z.number().int()).optional(),
  status: z.string().optional(),
  reweight: z.number().optional(),
  crush_weight: z.number().optional(),
  device_class: z.string().optional(),
})
export type OsdTreeNode = z.infer<typeof TreeNode>

export function readOsdTree(value: unknown, command = 'ceph osd tree'): OsdTreeNode[] {
  return readFamilies(
    value,
    [
      {
        family: 'luminous-tentacle',
        schema: z.object({ nodes: z.array(TreeNode) }).transform((tree) => tree.nodes),
      },
    ],
    command,
  ).data
}

export interface OsdDumpFlags {
  flags: string[]
  groupFlags: Array<{ node: string; flags: string[] }>
}

export function readOsdDumpFlags(
  value: unknown,
  command = 'ceph osd dump',
): { family: string; flags: OsdDumpFlags } {
  const { family, data } = readFamilies(
    value,
    [
      {
        family: 'nautilus-tentacle',
        schema: z
          .object({
            flags: z.string(),
            flags_set: z.array(z.string()),
            crush_node_flags: z.record(z.string(), z.array(z.string())),
          })
          .transform((dump): OsdDumpFlags => ({
            flags: dump.flags_set,
            groupFlags: Object.entries(dump.crush_node_flags).map(([node, flags]) => ({ node, flags })),
          })),
      },
      {
        family: 'luminous-mimic',
        schema: z
          .object({ flags: z.string(), flags_set: z.never().optional() })
          .transform((dump): OsdDumpFlags => ({
            flags: dump.flags.split(',').filter(Boolean),
            groupFlags: [],
          })),
      },
    ],
    command,
  )
  return { family, flags: data }
}
