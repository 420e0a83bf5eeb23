/**
 * Reading a failed Ceph tool's output (src/main/core/ceph/connect-failure.ts) on what Ceph 16.2.15
 * really printed in the lab (test/unit/fixtures/ceph/pacific/connect-failure, see SOURCES.md), with
 * and without librados' log lines, which its log thread can fail to write before a tool exits.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ApiError } from '../../src/shared/errors'
import { couldNotConnect, missingCephFile, rbdSaysNotFound } from '../../src/main/core/ceph/connect-failure'
import { explainCephFailure } from '../../src/main/core/storage/rbd-host'

const dir = path.join(__dirname, 'fixtures', 'ceph', 'pacific', 'connect-failure')

/** A recorded stderr and its exit status (in the file name). */
function recorded(name: string): { stderr: string; exitCode: number } {
  const exitCode = Number(/\.exit(\d+)\.stderr$/.exec(name)?.[1])
  return { stderr: readFileSync(path.join(dir, name), 'utf8'), exitCode }
}

/** The same output as printed when librados' log thread had not run: its timestamped lines gone. */
function withoutLogLines(stderr: string): string {
  return stderr.replace(/^\d{4}-\d\d-\d\dT\S+ [0-9a-f]+ -1 .*\n/gm, '')
}

const RBD = ['keyring-off.rbd-ls.exit2.stderr', 'keyring-off.rbd-info.exit2.stderr']
const CEPH = 'keyring-off.ceph-s.exit1.stderr'
const RADOS = 'keyring-off.rados-lock-info.exit1.stderr'

describe('a Ceph tool that could not connect', () => {
  it.each([...RBD, CEPH])('%s: the keyring when librados said so, else "keyring or config"', (name) => {
    const { stderr, exitCode } = recorded(name)
    expect(stderr).toMatch(/unable to find a keyring/)
    expect(missingCephFile(stderr, exitCode)).toBe('keyring')
    const bare = withoutLogLines(stderr)
    expect(bare).not.toMatch(/keyring/)
    expect(couldNotConnect(bare)).toBe(true)
    expect(missingCephFile(bare, exitCode)).toBe('keyring-or-config')
  })

  it('the ceph CLI’s line exactly as the CI run got it, alone', () => {
    expect(missingCephFile('[errno 2] RADOS object not found (error connecting to the cluster)\n', 1)).toBe(
      'keyring-or-config',
    )
  })

  it('rados: global_init’s line gives no errno, so only the keyring line names the keyring', () => {
    const { stderr, exitCode } = recorded(RADOS)
    expect(missingCephFile(stderr, exitCode)).toBe('keyring')
    const bare = withoutLogLines(stderr)
    expect(bare).toBe('failed to fetch mon config (--no-mon-config to skip)\n')
    expect(couldNotConnect(bare)).toBe(true)
    expect(missingCephFile(bare, exitCode)).toBeUndefined()
  })

  it.each(['conf-off.rbd-ls.exit2.stderr', 'conf-off.rbd-info.exit2.stderr', 'conf-off.ceph-s.exit1.stderr'])(
    '%s: no ceph.conf reads as "keyring or config", never as the keyring alone',
    (name) => {
      const { stderr, exitCode } = recorded(name)
      expect(missingCephFile(stderr, exitCode)).toBe('keyring-or-config')
      expect(missingCephFile(withoutLogLines(stderr), exitCode)).toBe('keyring-or-config')
    },
  )

  // The tools' lines as Ceph's source writes them (SOURCES in connect-failure.ts), other errnos.
  it.each([
    [
      'rados --no-mon-config, ENOENT',
      "couldn't connect to cluster: (2) No such file or directory\n",
      1,
      'keyring-or-config',
    ],
    [
      'rados, monitors not answering',
      "couldn't connect to cluster: (110) Connection timed out\n",
      1,
      undefined,
    ],
    [
      'ceph, key refused',
      '[errno 13] RADOS permission denied (error connecting to the cluster)\n',
      13,
      undefined,
    ],
    ['rbd, key refused', "rbd: couldn't connect to the cluster!\n", 13, undefined],
    ['rbd, image missing', 'rbd: error opening image x: (2) No such file or directory\n', 2, undefined],
  ] as const)('%s', (_what, stderr, exitCode, expected) => {
    expect(missingCephFile(stderr, exitCode)).toBe(expected)
  })
})

describe('rbd’s own "not found"', () => {
  it('is an image missing, not a connect failure’s ENOENT (keyring or ceph.conf gone)', () => {
    expect(rbdSaysNotFound(recorded('image-missing.rbd-info.exit2.stderr').stderr)).toBe(true)
    for (const name of ['keyring-off.rbd-info.exit2.stderr', 'conf-off.rbd-info.exit2.stderr', ...RBD]) {
      const { stderr } = recorded(name)
      expect(rbdSaysNotFound(stderr)).toBe(false)
      expect(rbdSaysNotFound(withoutLogLines(stderr))).toBe(false)
    }
  })
})

describe('explainCephFailure on rbd’s real output', () => {
  const failure = (stderr: string, exitCode: number) =>
    new ApiError({
      code: 'remote.failed',
      message: 'rbd info failed',
      host: 'hv3',
      details: { stderr, exitCode },
    })

  it('says the keyring when librados did, and both files when only rbd’s line is left', () => {
    const { stderr, exitCode } = recorded('keyring-off.rbd-info.exit2.stderr')
    const sure = explainCephFailure(failure(stderr, exitCode), 'hv3', 'libvirt')
    expect(sure).toMatchObject({ code: 'storage.no-keyring', host: 'hv3' })
    expect(sure.text).toMatchObject({
      code: 'storageErrors.noKeyring',
      params: { host: 'hv3', client: 'libvirt' },
    })
    const either = explainCephFailure(failure(withoutLogLines(stderr), exitCode), 'hv3', 'libvirt')
    expect(either).toMatchObject({ code: 'storage.no-keyring', host: 'hv3' })
    expect(either.text).toMatchObject({
      code: 'storageErrors.noKeyringOrConfig',
      detail: "rbd: couldn't connect to the cluster!",
    })
    expect(either.message).toContain('/etc/ceph/ceph.client.libvirt.keyring')
    expect(either.message).toContain('/etc/ceph/ceph.conf')
  })

  it('leaves an image that is not there as rbd said it', () => {
    const { stderr, exitCode } = recorded('image-missing.rbd-info.exit2.stderr')
    const error = failure(stderr, exitCode)
    expect(explainCephFailure(error, 'hv3', 'libvirt')).toBe(error)
  })
})
