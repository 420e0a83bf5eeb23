import { describe, expect, it } from 'vitest'
import {
  readDefinition,
  readDefinitionXml,
  readDefinitions,
  type HostDefinition,
} from '../../src/main/core/definitions/drift'
import { domainArgv } from '../../src/main/core/libvirt/domain'
import { SshRunner } from '../../src/main/core/remote/runner'
import type { HostConnection } from '../../src/main/core/ssh/connection'
import { notConnectedError } from '../../src/main/core/ssh/connection'
import { ApiError } from '../../src/shared/errors'
import { msg } from '../../src/shared/messages'
import '../../src/shared/messages/catalog'
import { scriptedVirshConnection } from '../support/scripted-virsh'

/**
 * A definition read through the host's virsh session (drift.ts: readDefinition, readDefinitionXml),
 * judged from what virsh 9.0 prints on the session's pipe: the runner and its session are the real
 * ones, over a connection whose virsh answers as the lab's does (test/support/scripted-virsh.ts).
 * virsh's words below are libvirt's (virsh dumpxml on the lab's hosts).
 */
const UUID = '1ab0c0de-0000-4000-8000-000000000003'
const DUMP = `dumpxml --inactive --security-info ${UUID}`
/** libvirt's document, as one-shot virsh prints it before its closing empty line. */
const XML = `<domain type='qemu'>
  <name>labvm3</name>
  <uuid>${UUID}</uuid>
  <devices>
    <graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1' passwd='s3cret'>
      <listen type='address' address='127.0.0.1'/>
    </graphics>
  </devices>
</domain>
`
const NO_DOMAIN = `error: failed to get domain '${UUID}'\n`
const STEP = msg('errorSteps.commandOn', { command: 'virsh dumpxml labvm3', host: 'hv1' })

/** A real runner whose hosts' virsh print what `answers` says for each command line (undefined: hangs). */
function runnerOver(answers: Record<string, (command: string) => string | undefined>): SshRunner {
  const connections = new Map<string, HostConnection>()
  return new SshRunner(
    {
      get: (host) => {
        const answer = answers[host]
        if (!answer)
          return {
            exec: () => Promise.reject(notConnectedError(host, 'offline')),
          } as unknown as HostConnection
        if (!connections.has(host)) connections.set(host, scriptedVirshConnection(answer))
        return connections.get(host)!
      },
    },
    () => ({ clientId: 'libvirt', monitorTimeoutSeconds: 10 }),
  )
}

/** hv1 answering XML to every command, and the command lines it was asked. */
function answeringXml(): { runner: SshRunner; asked: string[] } {
  const asked: string[] = []
  const runner = runnerOver({
    hv1: (command) => {
      asked.push(command)
      return XML
    },
  })
  return { runner, asked }
}

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  return promise.then(
    () => {
      throw new Error('expected a failure')
    },
    (error: unknown) => ApiError.from(error),
  )
}

describe('a definition read in the virsh session', () => {
  it('is the XML, byte for byte, password included; the canonical form hides the password', async () => {
    const { runner, asked } = answeringXml()
    const read = await readDefinition(runner, 'hv1', UUID)
    expect(asked).toEqual([DUMP])
    expect(read).toMatchObject({ host: 'hv1', status: 'defined', xml: XML })
    expect(read.status === 'defined' && read.canonical).not.toContain('s3cret')
    expect(await readDefinitionXml(runner, 'hv1', UUID, { step: STEP })).toBe(XML)
  })

  it('is the XML even when its description has lines that look like virsh errors', async () => {
    const xml = XML.replace(
      '  <devices>',
      `  <description>line one\n${NO_DOMAIN}virsh # dumpxml\n</description>\n  <devices>`,
    )
    const read = await readDefinition(runnerOver({ hv1: () => xml }), 'hv1', UUID)
    expect(read).toMatchObject({ status: 'defined', xml })
  })

  it("is missing on libvirt's no-domain answer, in either of its wordings", async () => {
    for (const words of [
      NO_DOMAIN,
      `error: failed to get domain '${UUID}'\nerror: Domain not found: no domain with matching uuid '${UUID}'\n`,
    ]) {
      const runner = runnerOver({ hv1: () => words })
      expect(await readDefinition(runner, 'hv1', UUID)).toEqual({ host: 'hv1', status: 'missing' })
      // A job that needs it there says so, naming the host and its step.
      expect(await failure(readDefinitionXml(runner, 'hv1', UUID, { step: STEP }))).toMatchObject({
        code: 'vm.not-defined',
        host: 'hv1',
        text: msg('definitionErrors.notDefinedOn', { uuid: UUID, host: 'hv1' }),
        stepText: STEP,
      })
    }
  })

  it("fails on any other answer with the host's own words, naming the host and the step", async () => {
    const words = 'error: internal error: client socket is closed\nerror: operation failed: cannot read'
    const runner = runnerOver({ hv1: () => `${words}\n` })
    const read = await readDefinition(runner, 'hv1', UUID)
    expect(read).toEqual({
      host: 'hv1',
      status: 'unreachable',
      error: words,
      text: { ...msg('definitionErrors.readFailed', { host: 'hv1' }), detail: words },
    })
    const error = await failure(readDefinitionXml(runner, 'hv1', UUID, { step: STEP }))
    expect(error).toMatchObject({
      code: 'remote.failed',
      host: 'hv1',
      stepText: STEP,
      text: { ...msg('definitionErrors.readFailed', { host: 'hv1' }), detail: words },
      details: { command: `virsh ${DUMP}`, stderr: words },
    })
    expect(error.message).toContain('client socket is closed')
  })

  it('another dumpxml (the live one) goes the same way', async () => {
    const { runner, asked } = answeringXml()
    const live = await readDefinitionXml(runner, 'hv1', UUID, {
      command: domainArgv.xmlWithSecrets(UUID, 'live'),
      step: STEP,
    })
    expect(live).toBe(XML)
    expect(asked).toEqual([`dumpxml --security-info ${UUID}`])
  })

  it('a host offline fails on its own, with the step; the other hosts are read', async () => {
    const runner = runnerOver({ hv2: () => XML })
    const reads: HostDefinition[] = await readDefinitions(runner, ['hv1', 'hv2'], UUID)
    expect(reads[0]).toMatchObject({
      host: 'hv1',
      status: 'unreachable',
      text: { code: 'sshErrors.notConnectedOffline' },
    })
    expect(reads[1]).toMatchObject({ host: 'hv2', status: 'defined', xml: XML })
    expect(await failure(readDefinitionXml(runner, 'hv1', UUID, { step: STEP }))).toMatchObject({
      code: 'host.offline',
      host: 'hv1',
      stepText: STEP,
    })
  })

  it('a virsh that does not answer times out after the caller’s seconds, naming host and step', async () => {
    const runner = runnerOver({ hv1: () => undefined, hv2: () => XML })
    const [stuck, other] = await Promise.all([
      failure(readDefinitionXml(runner, 'hv1', UUID, { step: STEP, timeoutSeconds: 1 })),
      readDefinition(runner, 'hv2', UUID),
    ])
    expect(stuck).toMatchObject({
      code: 'remote.timeout',
      host: 'hv1',
      stepText: STEP,
      text: { code: 'remoteErrors.virshTimedOut', params: { host: 'hv1', seconds: 1 } },
    })
    expect(other).toMatchObject({ status: 'defined' })
  })
})
