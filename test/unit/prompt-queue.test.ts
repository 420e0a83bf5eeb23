import { describe, expect, it } from 'vitest'
import type { HostState } from '../../src/shared/hosts'
import {
  nextPromptQueue,
  waitingPrompts,
  type HostPrompt,
} from '../../src/renderer/src/features/hosts/prompt-queue'

const since = '2026-12-05T15:00:00.000Z'
const keyUnknown = (name: string, fingerprint = `SHA256:${name}`): HostState => ({
  name,
  target: `etalab@${name}:22`,
  status: 'key-unknown',
  since,
  hostKey: { type: 'ssh-ed25519', fingerprint },
})
const locked = (name: string, ...lockedKeys: string[]): HostState => ({
  name,
  target: `etalab@${name}:22`,
  status: 'passphrase-needed',
  since,
  lockedKeys,
})
const online = (name: string): HostState => ({ name, target: `etalab@${name}:22`, status: 'online', since })

/** The queue after each picture of the hosts' states (in the cluster's order), from an empty one. */
function queueAfter(...pictures: HostState[][]): HostPrompt[] {
  return pictures.reduce<HostPrompt[]>(
    (queue, states) => nextPromptQueue(queue, waitingPrompts(states, new Set())),
    [],
  )
}
const hosts = (queue: HostPrompt[]) => queue.map((prompt) => `${prompt.kind}:${prompt.host}`)

describe('host prompt queue', () => {
  it('keeps the prompt that came first in front when one for a host earlier in the cluster arrives', () => {
    const queue = queueAfter([online('hv1'), keyUnknown('hv2')], [keyUnknown('hv1'), keyUnknown('hv2')])
    expect(hosts(queue)).toEqual(['host-key:hv2', 'host-key:hv1'])
  })

  it('drops what was answered or withdrawn, keeps the order of the rest, and queues new ones behind', () => {
    const queue = queueAfter(
      [online('hv1'), keyUnknown('hv2'), online('hv3')],
      [online('hv1'), keyUnknown('hv2'), keyUnknown('hv3')],
      [keyUnknown('hv1'), online('hv2'), keyUnknown('hv3')],
    )
    expect(hosts(queue)).toEqual(['host-key:hv3', 'host-key:hv1'])
  })

  it('prompts arriving together follow the cluster order', () => {
    expect(hosts(queueAfter([keyUnknown('hv1'), locked('hv2', '/k'), keyUnknown('hv3')]))).toEqual([
      'host-key:hv1',
      'passphrase:hv2',
      'host-key:hv3',
    ])
  })

  it('a host whose offered key changed is asked afresh, at the back', () => {
    const queue = queueAfter(
      [keyUnknown('hv1'), keyUnknown('hv2')],
      [keyUnknown('hv1', 'SHA256:other'), keyUnknown('hv2')],
    )
    expect(
      queue.map((prompt) => prompt.kind === 'host-key' && `${prompt.host} ${prompt.fingerprint}`),
    ).toEqual(['hv2 SHA256:hv2', 'hv1 SHA256:other'])
  })

  it('two hosts offering one key are two questions', () => {
    const same = 'SHA256:cloned'
    expect(hosts(queueAfter([keyUnknown('hv1', same), keyUnknown('hv2', same)]))).toEqual([
      'host-key:hv1',
      'host-key:hv2',
    ])
  })

  it('asks a key file’s passphrase once, through the host that queued it, then through the next host waiting', () => {
    const both = [locked('hv1', '/k'), locked('hv2', '/k')]
    expect(hosts(queueAfter([online('hv1'), locked('hv2', '/k')], both))).toEqual(['passphrase:hv2'])
    expect(hosts(queueAfter(both, [online('hv1'), locked('hv2', '/k')]))).toEqual(['passphrase:hv2'])
  })

  it('leaves out what the user refused or closed', () => {
    const states = [keyUnknown('hv1'), locked('hv2', '/k')]
    expect(waitingPrompts(states, new Set(['SHA256:hv1', '/k']))).toEqual([])
  })
})
