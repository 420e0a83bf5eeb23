import type { HostState } from '../../../../shared/hosts'

/** A question only the user can answer: one host's unknown key, or an encrypted key file's passphrase. */
export type HostPrompt =
  | { kind: 'host-key'; id: string; host: string; target: string; type: string; fingerprint: string }
  | { kind: 'passphrase'; id: string; host: string; keyPath: string }

/**
 * The prompts the hosts' states ask for now, in the cluster's order: each host's unknown key, and each
 * encrypted key file once (through the first host waiting for it; its passphrase serves them all).
 * `dismissed` holds what the user refused or closed (fingerprints, key paths): not asked again.
 */
export function waitingPrompts(states: readonly HostState[], dismissed: ReadonlySet<string>): HostPrompt[] {
  const prompts: HostPrompt[] = []
  for (const state of states) {
    const key = state.hostKey
    if (state.status === 'key-unknown' && key && !dismissed.has(key.fingerprint))
      prompts.push({
        kind: 'host-key',
        // Everything the dialog shows is in the id: two hosts offering one key (cloned hosts) are two
        // questions, and a host whose address changed is asked afresh.
        id: `host-key\n${state.name}\n${state.target}\n${key.type}\n${key.fingerprint}`,
        host: state.name,
        target: state.target,
        type: key.type,
        fingerprint: key.fingerprint,
      })
    if (state.status === 'passphrase-needed')
      for (const keyPath of state.lockedKeys ?? [])
        if (!dismissed.has(keyPath))
          prompts.push({
            kind: 'passphrase',
            id: `passphrase\n${state.name}\n${keyPath}`,
            host: state.name,
            keyPath,
          })
  }
  return prompts
}

/**
 * The queue after the hosts' states changed: the prompts already queued that still wait keep their
 * place, new ones go behind them (in the cluster's order among themselves). So the first, the one on
 * screen, stays there until it is answered, refused or withdrawn by the core: a prompt arriving for a
 * host earlier in the cluster's order never replaces the dialog the user is reading. A key file's
 * passphrase is asked once, through whichever host queued it first.
 */
export function nextPromptQueue(queue: readonly HostPrompt[], waiting: readonly HostPrompt[]): HostPrompt[] {
  const waitingById = new Map(waiting.map((prompt) => [prompt.id, prompt]))
  const kept = queue.flatMap((prompt) => waitingById.get(prompt.id) ?? [])
  const keptIds = new Set(kept.map((prompt) => prompt.id))
  const askedKeyFiles = new Set(
    kept.flatMap((prompt) => (prompt.kind === 'passphrase' ? [prompt.keyPath] : [])),
  )
  const next = [...kept]
  for (const prompt of waiting) {
    if (keptIds.has(prompt.id)) continue
    if (prompt.kind === 'passphrase') {
      if (askedKeyFiles.has(prompt.keyPath)) continue
      askedKeyFiles.add(prompt.keyPath)
    }
    next.push(prompt)
  }
  return next
}
