import {
  parseClusterConfig,
  type ClusterConfig,
  type ClusterConfigInput,
  type ConfigProblem,
} from '../../../../shared/config'
import type { SshConfigHost } from '../../../../shared/contract'
import { DEFAULT_KEYBOARD_LAYOUT, type KeyboardLayout } from '../../../../shared/keyboard'

/**
 * The cluster file as the form edits it: every field a string, so a half-typed value is kept as
 * typed. `toConfig` turns it into the file's JSON (empty optional fields left out), and the shared
 * schema (shared/config.ts) judges it — the same check the core makes before writing.
 */
export interface HostDraft {
  name: string
  address: string
  migrationAddress: string
  gateway: string
  /** Fields of the file the form does not show (port, user, identityFile…): kept as they were. */
  rest?: Record<string, unknown>
}

export interface ClusterDraft {
  name: string
  user: string
  auth: 'agent' | 'key'
  keyFile: string
  useSshConfig: boolean
  hosts: HostDraft[]
  cephClient: string
  pools: string
  /** The guests' keyboard layout when a VM's definition names none (the file's guestKeyboardLayout). */
  guestKeyboardLayout: KeyboardLayout
  /** Parts of the file the form does not show (knownHostsFile, maintenance, other Ceph clients…). */
  rest?: { ssh?: Record<string, unknown>; ceph?: Record<string, unknown>; other?: Record<string, unknown> }
}

export const emptyHost = (): HostDraft => ({ name: '', address: '', migrationAddress: '', gateway: '' })

export function emptyDraft(): ClusterDraft {
  return {
    name: '',
    user: 'etalab',
    auth: 'agent',
    keyFile: '',
    useSshConfig: true,
    hosts: [emptyHost()],
    cephClient: 'libvirt',
    pools: 'libvirt-ssd, libvirt-sata',
    guestKeyboardLayout: DEFAULT_KEYBOARD_LAYOUT,
  }
}

/** The form for a file that exists: what it shows, and the rest kept aside to be written back. */
export function draftFromConfig(config: ClusterConfig): ClusterDraft {
  const { version: _version, name, ssh, hosts, ceph, pools, guestKeyboardLayout, ...other } = config
  const { user, identityFile, useSshConfig, ...sshRest } = ssh
  const { clientId, ...cephRest } = ceph
  return {
    name: name ?? '',
    user,
    auth: identityFile ? 'key' : 'agent',
    keyFile: identityFile ?? '',
    useSshConfig,
    hosts: hosts.map(({ name: host, address, migrationAddress, gateway, ...rest }) => ({
      name: host,
      address,
      migrationAddress: migrationAddress ?? '',
      gateway: gateway ?? '',
      rest,
    })),
    cephClient: clientId,
    pools: pools.join(', '),
    guestKeyboardLayout,
    rest: { ssh: sshRest, ceph: cephRest, other },
  }
}

const optional = <K extends string>(key: K, value: string): Partial<Record<K, string>> =>
  value.trim() === '' ? {} : ({ [key]: value.trim() } as Record<K, string>)

export function toConfig(draft: ClusterDraft): ClusterConfigInput {
  return {
    ...draft.rest?.other,
    version: 1,
    ...optional('name', draft.name),
    ssh: {
      ...draft.rest?.ssh,
      user: draft.user.trim(),
      ...(draft.auth === 'key' ? { identityFile: draft.keyFile.trim() } : {}),
      useSshConfig: draft.useSshConfig,
    },
    hosts: draft.hosts.map((host) => ({
      ...host.rest,
      name: host.name.trim(),
      address: host.address.trim(),
      ...optional('migrationAddress', host.migrationAddress),
      ...optional('gateway', host.gateway),
    })),
    ceph: { ...draft.rest?.ceph, clientId: draft.cephClient.trim() },
    pools: draft.pools
      .split(',')
      .map((pool) => pool.trim())
      .filter((pool) => pool !== ''),
    guestKeyboardLayout: draft.guestKeyboardLayout,
  } as ClusterConfigInput
}

/** Every problem of the file the draft would write, by field ("hosts[1].gateway"): none when valid. */
export function draftProblems(draft: ClusterDraft): ConfigProblem[] {
  const parsed = parseClusterConfig(toConfig(draft))
  return parsed.ok ? [] : parsed.problems
}

/** Adds the picked ~/.ssh/config hosts, their alias as the address; a blank first row is replaced. */
export function withImported(draft: ClusterDraft, picked: readonly SshConfigHost[]): ClusterDraft {
  const kept = draft.hosts.filter((host) => host.name !== '' || host.address !== '')
  const names = new Set(kept.map((host) => host.name))
  const added = picked
    .filter((host) => !names.has(host.name ?? host.alias))
    .map((host) => ({ ...emptyHost(), name: host.name ?? '', address: host.alias }))
  return { ...draft, useSshConfig: true, hosts: [...kept, ...added] }
}
