import { z } from 'zod'
import { issueMessage, unknownKeyMessages } from './config-problems'
import { englishText, MessageSchema, type Message } from './messages/message'
import {
  argumentProblem,
  CephClientIdSchema,
  noControlCharacters,
  codePoint,
  controlCharacterIn,
  HostNameSchema,
  PoolNameSchema,
} from './validators'
import { DEFAULT_KEYBOARD_LAYOUT, KeyboardLayoutSchema } from './keyboard'

/**
 * The cluster file: which hypervisors to manage and how to reach them. Stored as JSON in the
 * user's config directory. Every field is validated here, once, for both the core and the UI.
 */

// A host name or an IP address. A leading '-' would turn an address into an ssh option.
const address = z
  .string()
  .min(1, 'is empty')
  .max(253)
  .refine(
    (value) =>
      z.ipv4().safeParse(value).success ||
      z.ipv6().safeParse(value).success ||
      z.hostname().safeParse(value).success,
    {
      message: 'must be a host name or an IP address',
    },
  )

const unixUser = z
  .string()
  .regex(/^[a-z_][a-z0-9_-]{0,31}$/, 'must be a Unix user name (lower case letters, digits, _ and -)')

// Paths may start with ~/ (expanded on use), otherwise they must be absolute.
const filePath = z
  .string()
  .regex(/^(~\/|\/|[A-Za-z]:[\\/])/, 'must be an absolute path or start with ~/')
  .superRefine(noControlCharacters)

/**
 * A command the admin configures to run on the hosts: its words may be options (`sudo -n …`), but
 * none may hold a control character, and the program itself may not start with '-'.
 */
const hostCommand = z
  .array(z.string().min(1, 'is empty'))
  .min(1, 'is empty')
  .superRefine((words, ctx) => {
    words.forEach((word, index) => {
      const control = controlCharacterIn(word)
      if (control !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: [index],
          message: `contains the control character ${codePoint(control)}`,
        })
    })
    const program = argumentProblem(words[0] ?? '')
    if (program) ctx.addIssue({ code: 'custom', path: [0], message: program })
  })

export const HostConfigSchema = z
  .object({
    name: HostNameSchema,
    address: address.describe('SSH address (or an alias from ~/.ssh/config)'),
    port: z.number().int().min(1).max(65535).optional(),
    user: unixUser.optional(),
    identityFile: filePath.optional(),
    migrationAddress: address.optional().describe('private address used for live-migration traffic'),
    gateway: z
      .ipv4({ message: 'must be an IPv4 address' })
      .optional()
      .describe("the guests' default gateway on this host"),
    ovhServiceName: z
      .hostname({ message: 'must be an OVH service name such as ns3000001.ip-1-2-3.eu' })
      .optional()
      .describe('the OVH dedicated server this host is (failover IPs, virtual MACs)'),
  })
  .strict()

export const ClusterConfigSchema = z
  .object({
    version: z.literal(1),
    name: z.string().max(64).optional(),
    ssh: z
      .object({
        user: unixUser.default('etalab'),
        identityFile: filePath.optional(),
        knownHostsFile: filePath.optional(),
        useSshConfig: z.boolean().default(true),
      })
      .strict()
      .default({ user: 'etalab', useSshConfig: true }),
    hosts: z.array(HostConfigSchema).min(1, 'needs at least one host'),
    ceph: z
      .object({
        clientId: CephClientIdSchema.default('libvirt'),
        /** A Ceph client allowed `osd set/unset noout` and `osd ok-to-stop` (its keyring readable by the user). */
        privilegedClientId: CephClientIdSchema.optional(),
        /** Instead: run those commands as `sudo -n ceph …` (root's admin keyring; sudoers rule in docs/hosts.md). */
        privilegedSudo: z.boolean().optional(),
        /**
         * A Ceph client allowed `osd blocklist add/rm` (fencing a lost host); else the sudo rule when
         * privilegedSudo is set; else fencing is refused with the caps to add.
         */
        fenceClientId: CephClientIdSchema.optional(),
        monitorTimeoutSeconds: z.number().int().min(1).max(300).default(10),
      })
      .strict()
      .refine((ceph) => !(ceph.privilegedClientId && ceph.privilegedSudo), {
        message: 'privilegedClientId and privilegedSudo exclude each other: choose one',
      })
      .default({ clientId: 'libvirt', monitorTimeoutSeconds: 10 }),
    maintenance: z
      .object({
        /** argv run on a host to reboot it during maintenance, e.g. ["sudo", "-n", "/sbin/reboot"]. */
        rebootCommand: hostCommand.optional(),
      })
      .strict()
      .optional(),
    pools: z.array(PoolNameSchema).min(1).default(['libvirt-ssd', 'libvirt-sata']),
    /**
     * The guests' keyboard layout when a VM's definition says none (no Hyperdesk setting, no VNC
     * keymap): what text typed into its console is sent as, and the new-VM wizard's default.
     */
    guestKeyboardLayout: KeyboardLayoutSchema.default(DEFAULT_KEYBOARD_LAYOUT),
    /**
     * The libvirt storage pool (a directory pool on every host, Debian's `default` at
     * /var/lib/libvirt/images) where install ISOs are uploaded and listed.
     */
    imagesPool: PoolNameSchema.default('default'),
  })
  .strict()
  .superRefine((config, ctx) => {
    const seen = new Map<string, number>()
    config.hosts.forEach((host, index) => {
      const previous = seen.get(host.name)
      if (previous !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['hosts', index, 'name'],
          message: `duplicates hosts[${previous}].name`,
        })
      }
      seen.set(host.name, index)
    })
    const pools = new Set<string>()
    config.pools.forEach((pool, index) => {
      if (pools.has(pool))
        ctx.addIssue({ code: 'custom', path: ['pools', index], message: `pool ${pool} is listed twice` })
      pools.add(pool)
    })
  })

export type ClusterConfig = z.output<typeof ClusterConfigSchema>
export type ClusterConfigInput = z.input<typeof ClusterConfigSchema>
export type HostConfig = z.output<typeof HostConfigSchema>

/**
 * One problem in a cluster file, located by its field path, e.g. "hosts[1].address", and where the
 * file says it (1-based line and column) when it was read from text. `text` is the problem as a
 * message (the window shows it in its language); `message` is its English (logs).
 */
export const ConfigProblemSchema = z.object({
  field: z.string(),
  message: z.string(),
  text: z.optional(MessageSchema),
  line: z.number().int().optional(),
  column: z.number().int().optional(),
})
export type ConfigProblem = z.infer<typeof ConfigProblemSchema>

export function fieldPath(path: readonly PropertyKey[]): string {
  let out = ''
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`
    else out += out === '' ? String(key) : `.${String(key)}`
  }
  return out || '(file)'
}

export type ConfigParseResult = { ok: true; config: ClusterConfig } | { ok: false; problems: ConfigProblem[] }

/** A validation problem and where it is: the field's path, and for an unknown key the key itself. */
export interface ConfigIssue {
  path: (string | number)[]
  key?: string
  text: Message
}

/** Every validation problem of a parsed cluster file, in one pass, as messages. */
export function configIssues(value: unknown): ConfigIssue[] {
  const result = ClusterConfigSchema.safeParse(value)
  if (result.success) return []
  return result.error.issues.flatMap((issue): ConfigIssue[] => {
    const path = issue.path.filter((key): key is string | number => typeof key !== 'symbol')
    if (issue.code === 'unrecognized_keys')
      return unknownKeyMessages(ClusterConfigSchema, path, issue.keys).map(({ key, text }) => ({
        path: [...path, key],
        key,
        text,
      }))
    return [{ path, text: issueMessage(issue, value) }]
  })
}

export function configProblem(issue: ConfigIssue, at?: { line: number; column: number }): ConfigProblem {
  return { field: fieldPath(issue.path), message: englishText(issue.text), text: issue.text, ...(at ?? {}) }
}

export function parseClusterConfig(value: unknown): ConfigParseResult {
  const result = ClusterConfigSchema.safeParse(value)
  if (result.success) return { ok: true, config: result.data }
  return { ok: false, problems: configIssues(value).map((issue) => configProblem(issue)) }
}
