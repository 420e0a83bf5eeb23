/**
 * The one rule for names the app creates or passes to a hypervisor (VMs, hosts, pools, images,
 * snapshots, Ceph client ids). It keeps every name safe as a single shell word and as a single
 * virsh/rbd argument, and matches what the runbook asks for ("sans espace, uniquement des
 * caractères ascii").
 */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/
export const NAME_MAX_LENGTH = 64

export function isValidName(name: string): boolean {
  return name.length <= NAME_MAX_LENGTH && NAME_PATTERN.test(name)
}

/** Which part of the rule a name breaks (for the window's own words), or null when it is fine. */
export type NameIssue =
  | { rule: 'empty' }
  | { rule: 'tooLong'; max: number }
  | { rule: 'start' }
  | { rule: 'character'; character: string }
export function nameIssue(name: string): NameIssue | null {
  if (name.length === 0) return { rule: 'empty' }
  if (name.length > NAME_MAX_LENGTH) return { rule: 'tooLong', max: NAME_MAX_LENGTH }
  if (!/^[A-Za-z0-9]/.test(name)) return { rule: 'start' }
  const bad = [...name].find((ch) => !/[A-Za-z0-9._-]/.test(ch))
  if (bad !== undefined) return { rule: 'character', character: bad }
  return null
}

/** Why a name is refused, in words a user can act on; null when it is fine. */
export function nameProblem(name: string): string | null {
  const issue = nameIssue(name)
  switch (issue?.rule) {
    case undefined:
      return null
    case 'empty':
      return 'is empty'
    case 'tooLong':
      return `is longer than ${issue.max} characters`
    case 'start':
      return 'must start with a letter or a digit'
    case 'character':
      return `contains ${JSON.stringify(issue.character)}: only ASCII letters, digits, '.', '_' and '-' are allowed`
  }
}

/** Existing VMs are addressed by UUID (libvirt's canonical form), never by a name typed into a command. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value)
}
