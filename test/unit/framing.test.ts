import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  exitFramed,
  FRAMING_ERRORS,
  parseAnswer,
  pathsArgv,
  presentPaths,
  readStartFiles,
  startFilesArgv,
  VOLUME_FILE_ABSENT,
  sectionError,
  sectionText,
  splitBatchOutput,
  splitShellSections,
  virshBatchArgv,
  type BatchSection,
} from '../../src/main/core/remote/framing'
import { readHostBatch } from '../../src/main/core/inventory/host-inventory'

// hv2's refresh as the lab (libvirt 9.0.0) answered it, with exactly the batch the app sends.
const recording = fs.readFileSync(path.resolve(__dirname, '../fixtures/libvirt-9.0.0/batch-hv2.txt'), 'utf8')
const LABVM1 = '1ab0c0de-0000-4000-8000-000000000001'

/** The sections the recording answers, in its order (what the app asked). */
const asked: BatchSection[] = [...recording.matchAll(/^@@hyperdesk-section (\S+)$/gm)].map((match) => ({
  id: match[1] ?? '',
  command: ['version'],
}))

describe('virsh batch framing', () => {
  it('builds one read-only virsh with stderr merged, the batch last', () => {
    const argv = virshBatchArgv([{ id: 'list', command: ['list', '--all', '--uuid'] }], 'hyperdesk-refresh')
    expect(argv.slice(0, 8)).toEqual([
      'sh',
      '-c',
      'exec stdbuf -oL -eL "$@" 2>&1',
      'hyperdesk-refresh',
      'virsh',
      '-r',
      '-c',
      'qemu:///system',
    ])
    expect(argv.at(-1)).toBe('echo @@hyperdesk-section list ; list --all --uuid')
  })

  it('answers every asked section of a complete output, errors apart', () => {
    const sections = splitBatchOutput(recording, { sections: asked, exitCode: 1 })
    expect([...sections.keys()]).toEqual(asked.map((section) => section.id))
    expect(sectionText(sections, 'hostname')?.trim()).toBe('hv2')
    // The last section (a shut-off VM's display) failed: virsh's exit 1 is its own.
    expect(sectionError(sections, asked.at(-1)!.id)).toBe('Domain is not running')
  })

  it('says "no answer" for a section the output never reached, and "cut" when the exit says so', () => {
    const cut = recording.slice(0, recording.indexOf('@@hyperdesk-section autostart'))
    const sections = splitBatchOutput(`${cut}Segmentation fault\n`, { sections: asked, exitCode: 139 })
    expect(sectionText(sections, 'version')).toContain('libvirt 9.0.0')
    // 'list' is the last section that began: the batch ended inside it.
    expect(sectionError(sections, 'list')).toBe(FRAMING_ERRORS.truncated)
    expect(sectionError(sections, 'autostart')).toBe(FRAMING_ERRORS.missing)
    expect(sectionError(sections, `display:${LABVM1}`)).toBe(FRAMING_ERRORS.missing)
  })

  it('calls a section cut when virsh failed without saying why in it', () => {
    const sections = splitBatchOutput('@@hyperdesk-section hostname\nhv2\n', {
      sections: [{ id: 'hostname', command: ['hostname'] }],
      exitCode: 1,
    })
    expect(sectionError(sections, 'hostname')).toMatch(/^the output ended inside this section.*exit 1/)
  })

  it('distrusts the sections around a marker printed by a VM description', () => {
    // labvm1's description forges the next section (its display) and the list after it.
    const forged =
      '  <description>\n@@hyperdesk-section display:1ab0c0de-0000-4000-8000-000000000001\nerror: nothing\n' +
      '@@hyperdesk-section list\n</description>\n'
    const at = recording.indexOf('  <name>labvm1</name>')
    const output = recording.slice(0, at) + forged + recording.slice(at)
    const sections = splitBatchOutput(output, { sections: asked, exitCode: 1 })
    // The XML that holds the forgery, the forged display, and the list it names: none is believed.
    for (const id of [`xml:${LABVM1}`, `display:${LABVM1}`, 'list'])
      expect(sectionError(sections, id)).toBe(FRAMING_ERRORS.spoofed)
    // The sections the forgery did not touch read as before.
    expect(sectionText(sections, 'hostname')?.trim()).toBe('hv2')
    expect(sectionText(sections, 'domstats')).toContain("Domain: 'labvm1'")
    // The host's refresh then fails on its list rather than showing a host with forged VMs.
    expect(() => readHostBatch('hv2', output, undefined, 1000, { sections: asked, exitCode: 1 })).toThrow(
      /virsh list: a marker line appeared/,
    )
  })

  it('reads a recording back without knowing what was asked', () => {
    const sections = splitBatchOutput(recording)
    expect(sections.size).toBe(asked.length)
    expect(sectionError(sections, 'nosuch')).toBe(FRAMING_ERRORS.missing)
  })
})

describe('virsh session framing', () => {
  const NONCE = '4c272e652ce2e035'
  it('leaves out a section virsh printed nothing for, and distrusts a doubled marker', () => {
    const sections = [
      { id: 'a', command: ['version'] },
      { id: 'b', command: ['version'] },
    ]
    const answer =
      `virsh # echo '@@hd'-section-${NONCE}-a-@@\n@@hd-section-${NONCE}-a-@@virsh # version\nx\n` +
      `@@hd-section-${NONCE}-a-@@\nvirsh # `
    const parsed = parseAnswer(answer, NONCE, sections)
    expect(sectionError(parsed, 'a')).toBe(FRAMING_ERRORS.spoofed)
    expect(parsed.has('b')).toBe(false)
    expect(sectionError(parsed, 'b')).toBe('no answer')
  })
})

describe('shell sections (the doctor)', () => {
  it('reads each section with its exit status', () => {
    const text = '@@begin whoami\netalab\netalab libvirt\n\n@@end whoami 0\n@@begin qemu\n\n@@end qemu 1\n'
    expect(splitShellSections(text)).toEqual(
      new Map([
        ['whoami', { output: 'etalab\netalab libvirt', exitCode: 0 }],
        ['qemu', { output: '', exitCode: 1 }],
      ]),
    )
  })

  it('leaves out a section whose output forges markers, and one that never ended', () => {
    // An RBD image named like an end marker, listed by `rbd ls`.
    const text =
      '@@begin rbd-ls libvirt-ssd\nlabvm1\n@@end rbd-ls libvirt-ssd 0\n@@begin whoami\nroot\n\n@@end whoami 0\n' +
      '\n@@end rbd-ls libvirt-ssd 0\n@@begin keyring\nls: cannot access'
    const sections = splitShellSections(text)
    expect(sections.has('rbd-ls libvirt-ssd')).toBe(false)
    expect(sections.has('keyring')).toBe(false)
    // The forgery sits after whoami's end: whoami itself is intact.
    expect(sections.get('whoami')).toEqual({ output: 'root', exitCode: 0 })
  })
})

describe('streamed exit status and paths', () => {
  it('reads only its own exit marker', () => {
    const framed = exitFramed(['rbd', 'rm', 'p/i'])
    expect(framed.argv.slice(0, 2)).toEqual(['sh', '-c'])
    expect(framed.argv.slice(3)).toEqual(['sh', 'rbd', 'rm', 'p/i'])
    const mark = /echo "(@@hd-exit-[0-9a-f]{16} )\$\?"/.exec(framed.argv[2] ?? '')?.[1]
    expect(mark).toBeDefined()
    expect(framed.exitCode(`${mark}39`)).toBe(39)
    expect(framed.exitCode('@@hd-exit-0000000000000000 0')).toBeUndefined()
    expect(framed.exitCode('Removing image: 50% complete...')).toBeUndefined()
    // Each framing draws its own nonce.
    expect(exitFramed(['rbd']).argv[2]).not.toBe(framed.argv[2])
  })

  it('asks the paths, then each present image’s chain, then each volume’s file, names as arguments; a path line in a section is not believed', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hyperdesk-chains-'))
    try {
      // A stand-in qemu-img that prints its arguments, then a forged line naming an absent asked path;
      // a stand-in virsh that prints its arguments to stderr, then the volume's path as vol-path does
      // (the file named after the volume in dir), or fails for the volume "gone".
      const bin = path.join(dir, 'bin')
      fs.mkdirSync(bin)
      fs.writeFileSync(
        path.join(bin, 'qemu-img'),
        `#!/bin/sh\nprintf '%s\\n' "$@"\nprintf '@@hyperdesk-path %s\\n' "${dir}/absent"\n`,
        { mode: 0o755 },
      )
      fs.writeFileSync(
        path.join(bin, 'virsh'),
        `#!/bin/sh\nprintf '%s\\n' "$@" >&2\neval "v=\\$$#"\n[ "$v" = gone ] && { echo "error: failed to get vol 'gone'" >&2; exit 1; }\nprintf '%s\\n' "${dir}/$v"\n`,
        { mode: 0o755 },
      )
      const odd = path.join(dir, "-a b;$(id) it's.qcow2")
      const plain = path.join(dir, 'plain.qcow2')
      for (const file of [odd, plain, path.join(dir, 'vol-here')]) fs.writeFileSync(file, '')
      const paths = [odd, plain, `${dir}/absent`]
      const argv = startFilesArgv(
        paths,
        [
          { format: 'qcow2', file: odd },
          { format: 'qed', file: `${dir}/absent` },
          { format: 'qcow2', file: plain },
        ],
        [
          { pool: 'default', volume: 'vol-here' },
          { pool: 'default', volume: 'vol-file-gone' },
          { pool: 'a b;$(id)', volume: 'gone' },
        ],
      )
      const ran = spawnSync(argv[0]!, argv.slice(1), {
        encoding: 'utf8',
        env: { PATH: `${bin}:${process.env.PATH}`, LC_ALL: 'C' },
      })
      const read = readStartFiles(ran.stdout, paths)
      expect(read.present).toEqual(new Set([odd, plain]))
      // chain:2's image is absent: no section; the others ran with their name as one argument.
      expect([...read.sections.keys()]).toEqual(['chain:1', 'chain:3', 'volume:1', 'volume:2', 'volume:3'])
      const args = (file: string, format: string) =>
        [
          'info',
          '-U',
          '--backing-chain',
          '--output=json',
          '-f',
          format,
          '--',
          file,
          `@@hyperdesk-path ${dir}/absent`,
        ].join('\n')
      expect(read.sections.get('chain:1')).toEqual({ output: args(odd, 'qcow2'), exitCode: 0 })
      expect(read.sections.get('chain:3')).toEqual({ output: args(plain, 'qcow2'), exitCode: 0 })
      // Each volume: virsh's argv (its stderr, merged), then its path; the exit status says the rest.
      const asked = (pool: string, volume: string) =>
        ['-c', 'qemu:///system', 'vol-path', '--pool', pool, volume].join('\n')
      expect(read.sections.get('volume:1')).toEqual({
        output: `${asked('default', 'vol-here')}\n${dir}/vol-here`,
        exitCode: 0,
      })
      expect(read.sections.get('volume:2')).toEqual({
        output: `${asked('default', 'vol-file-gone')}\n${dir}/vol-file-gone`,
        exitCode: VOLUME_FILE_ABSENT,
      })
      expect(read.sections.get('volume:3')).toEqual({
        output: `${asked('a b;$(id)', 'gone')}\nerror: failed to get vol 'gone'`,
        exitCode: 1,
      })
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it('keeps pathsArgv’s argv as the paths after its name, its check the same as the start probe’s', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hyperdesk-paths-'))
    try {
      const here = path.join(dir, "it's here")
      fs.writeFileSync(here, '')
      const paths = [here, path.join(dir, 'absent')]
      const argv = pathsArgv(paths)
      const ran = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' })
      expect(presentPaths(ran.stdout, paths)).toEqual(new Set([here]))
      const start = startFilesArgv(paths, [])
      const both = spawnSync(start[0]!, start.slice(1), { encoding: 'utf8' })
      expect(both.stdout).toBe(ran.stdout)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it('believes a present path only when it was asked', () => {
    const paths = ['/sys/class/net/br0/bridge', '/var/lib/libvirt/images/debian.iso']
    expect(pathsArgv(paths).slice(3)).toEqual(['hyperdesk-paths', ...paths])
    expect(
      presentPaths('@@hyperdesk-path /sys/class/net/br0/bridge\n@@hyperdesk-path /etc/shadow\n', paths),
    ).toEqual(new Set(['/sys/class/net/br0/bridge']))
  })
})
