/**
 * The cluster file's problems as a person wrote the file: every problem in one pass, syntax errors
 * with line and column, a trailing comma pointed at exactly, keys written twice, "did you mean …?"
 * for a misspelt key, and each problem in French and English. The inputs are the runbook's cluster
 * (ns235513/ns235977, as in test/unit/config.test.ts) with the mistakes people make by hand.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import i18next from 'i18next'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ConfigStore } from '../../src/main/core/config/config-store'
import { readClusterFileText } from '../../src/main/core/config/config-file'
import { closestKey, editDistance } from '../../src/shared/config-problems'
import { ClusterConfigSchema } from '../../src/shared/config'
import { knownKeysAt } from '../../src/shared/config-problems'
import type { ConfigProblem } from '../../src/shared/config'
import { englishText } from '../../src/shared/messages'
import { addMessageFormatters, renderMessage } from '../../src/renderer/src/i18n/messages'
import { i18nOptions, type Language } from '../../src/renderer/src/i18n'

const RUNBOOK = `{
  "version": 1,
  "name": "etalab",
  "hosts": [
    {
      "name": "ns235513",
      "address": "ns235513.ovh.net",
      "migrationAddress": "192.168.0.1",
      "gateway": "178.33.236.254"
    },
    {
      "name": "ns235977",
      "address": "178.33.237.236",
      "migrationAddress": "192.168.0.2",
      "gateway": "178.33.237.254"
    }
  ]
}
`

async function instance(language: Language) {
  const i18n = i18next.createInstance()
  await i18n.init(await i18nOptions(language))
  addMessageFormatters(i18n)
  return i18n
}

let dir: string
let file: string
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hd-cluster-file-'))
  file = path.join(dir, 'cluster.json')
})
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

async function load(text: string): Promise<ConfigProblem[]> {
  fs.writeFileSync(file, text)
  const state = await new ConfigStore({ path: file, home: dir, sshConfigPath: path.join(dir, 'none') }).load()
  return state.problems
}

const brief = (problem: ConfigProblem) =>
  `${problem.field}@${problem.line ?? '-'}:${problem.column ?? '-'} ${problem.message}`

describe('keys that are nearly right', () => {
  it('measures edits, a swap of neighbours counting as one', () => {
    expect(editDistance('address', 'address')).toBe(0)
    expect(editDistance('adress', 'address')).toBe(1)
    expect(editDistance('adderss', 'address')).toBe(1)
    expect(editDistance('gatway', 'gateway')).toBe(1)
    expect(editDistance('kitten', 'sitting')).toBe(3)
  })

  it('suggests the key a typo meant, and nothing when no key is near or two are as near', () => {
    const hostKeys = knownKeysAt(ClusterConfigSchema, ['hosts', 0])
    expect(hostKeys).toContain('migrationAddress')
    expect(closestKey('adress', hostKeys)).toBe('address')
    expect(closestKey('migrationadress', hostKeys)).toBe('migrationAddress')
    expect(closestKey('migration_address', hostKeys)).toBe('migrationAddress')
    expect(closestKey('Gateway', hostKeys)).toBe('gateway')
    expect(closestKey('idenityFile', hostKeys)).toBe('identityFile')
    expect(closestKey('ipv6', hostKeys)).toBeUndefined()
    expect(closestKey('ab', ['ac', 'ad'])).toBeUndefined()
    expect(knownKeysAt(ClusterConfigSchema, ['ceph'])).toContain('privilegedClientId')
    expect(knownKeysAt(ClusterConfigSchema, [])).toContain('maintenance')
  })
})

describe('the cluster file, read as written', () => {
  it('accepts the runbook cluster', async () => {
    expect(await load(RUNBOOK)).toEqual([])
  })

  it('says "did you mean address?" for a misspelt key, at its line', async () => {
    const problems = await load(RUNBOOK.replace('"address": "178.33.237.236"', '"adress": "178.33.237.236"'))
    expect(problems.map(brief)).toEqual([
      'hosts[1].address@11:5 is missing.',
      'hosts[1].adress@13:7 adress is not a setting Hyperdesk knows here: did you mean address?',
    ])
    const fr = await instance('fr')
    expect(renderMessage(fr.t, problems[1]!.text!)).toBe(
      'adress n’est pas un réglage que Hyperdesk connaît à cet endroit\u00a0: vouliez-vous dire address\u202f?',
    )
  })

  it('points at a trailing comma exactly, and still reads the rest of the file', async () => {
    const text = RUNBOOK.replace(
      '"gateway": "178.33.237.254"\n    }',
      '"gateway": "178.33.237.254",\n    }',
    ).replace('"migrationAddress": "192.168.0.1"', '"migrationAddress": "192.168.0.1",\n      "port": 70000')
    const problems = await load(text)
    const lines = text.split('\n')
    const line = lines.findIndex((candidate) => candidate.endsWith('"178.33.237.254",')) + 1
    const column = lines[line - 1]!.lastIndexOf(',') + 1
    expect([line, column]).toEqual([16, 34])
    expect(problems.map(brief)).toEqual([
      `hosts[0].port@9:7 must be at most ${new Intl.NumberFormat('en-GB').format(65535)}.`,
      `(file)@16:34 Line 16, column 34: a comma after the last item of { … }. JSON allows none there: remove it.`,
    ])
  })

  it('gives a syntax error its line and column, in the words of the problem', async () => {
    const text = RUNBOOK.replace('"name": "etalab",', '"name": "etalab"')
    const problems = await load(text)
    expect(problems.map(brief)).toEqual([
      '(file)@4:3 Line 4, column 3: a comma "," was expected between two items.',
    ])
    const fr = await instance('fr')
    expect(renderMessage(fr.t, problems[0]!.text!)).toBe(
      'Ligne 4, colonne 3\u00a0: une virgule «\u00a0,\u00a0» était attendue entre deux éléments.',
    )
    // Single quotes, as a shell user might write them.
    expect((await load(`{'version': 1}`)).map(brief)).toEqual([
      '(file)@1:2 Line 1, column 2: a character that is not JSON here.',
    ])
    expect((await load('')).map((problem) => problem.message)).toEqual([
      'The cluster file is empty: it must hold one JSON object.',
    ])
  })

  it('reports every problem in one pass: a key written twice, an unknown key, a bad value, a repeated host', async () => {
    const text = `{
  "version": 1,
  "hosts": [
    { "name": "ns235513", "address": "ns235513.ovh.net", "address": "10.0.0.1", "gatway": "178.33.236.254" },
    { "name": "ns235513", "address": "178.33.237.236", "gateway": "178.33.237" }
  ],
  "pools": ["libvirt-ssd", "libvirt-ssd"]
}`
    const problems = await load(text)
    expect(problems.map(brief)).toEqual([
      'hosts[0].address@4:58 hosts[0].address is written twice (lines 4 and 4): JSON would keep only the last one. Keep one.',
      'hosts[0].gatway@4:81 gatway is not a setting Hyperdesk knows here: did you mean gateway?',
      'hosts[1].name@5:7 repeats the name of hosts[0]: each host needs its own name.',
      'hosts[1].gateway@5:56 must be an IPv4 address.',
      'pools[1]@7:28 lists the pool libvirt-ssd twice.',
    ])
    const fr = await instance('fr')
    const en = await instance('en')
    for (const problem of problems) {
      const french = renderMessage(fr.t, problem.text!)
      expect(french, problem.message).not.toBe(renderMessage(en.t, problem.text!))
      expect(renderMessage(en.t, problem.text!)).toBe(englishText(problem.text!))
    }
  })

  it('keeps the English of a problem for the core’s logs and refuses with all of them', async () => {
    fs.writeFileSync(file, '{"version": 2, "hosts": []}')
    const store = new ConfigStore({ path: file, home: dir, sshConfigPath: path.join(dir, 'none') })
    await store.load()
    expect(() => store.requireConfig()).toThrowError(
      `The cluster file ${file} is invalid: version must be 1. hosts needs at least one host.`,
    )
  })
})

describe('jsonc-parser reads what JSON.parse would refuse, for the reasons above', () => {
  it('finds repeated keys JSON.parse drops without a word', () => {
    const text = '{"version": 1, "version": 2}'
    expect(JSON.parse(text)).toEqual({ version: 2 })
    expect(readClusterFileText(text).problems.map((problem) => problem.field)).toEqual(['version'])
  })
})
