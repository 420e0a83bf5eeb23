import { spawnSync } from 'node:child_process'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { shellCommand, shellQuote, virshCommandString, virshQuote } from '../../src/main/core/remote/quote'
import { remoteCommandLine } from '../../src/main/core/remote/runner'

/**
 * The property the whole remote layer relies on: whatever a string holds (quotes, ';', '$()',
 * backslashes, newlines, any Unicode), once quoted it reaches the program as exactly one argument,
 * through a real `sh -c` and through virsh's own command-string tokenizer (real virsh, no connection).
 */

// Characters that break naive quoting, mixed with arbitrary Unicode (NUL excluded: argv cannot hold it).
const nasty = fc.constantFrom(
  "'",
  '"',
  ';',
  '\\',
  '\n',
  '$',
  '(',
  ')',
  '`',
  ' ',
  '\t',
  '#',
  '*',
  '&',
  '|',
  '!',
  '~',
  '{',
  '}',
  '-',
  '=',
  '%',
)
const argument = fc
  .string({ unit: fc.oneof(nasty, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 40 })
  .filter((value) => !value.includes('\0'))

function sh(command: string): string {
  const result = spawnSync('sh', ['-c', command], { encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`sh -c failed (${result.status}): ${result.stderr}`)
  return result.stdout
}

// printf '%s\0' prints each argument it got, NUL-terminated: the exact argv, nothing merged or split.
function argvThroughShell(args: readonly string[]): string[] {
  return sh(shellCommand(['printf', '%s\\0', ...args]))
    .split('\0')
    .slice(0, -1)
}

describe('shellQuote', () => {
  it('leaves plain words readable and quotes the rest', () => {
    expect(shellQuote('qemu:///system')).toBe('qemu:///system')
    expect(shellQuote('libvirt-ssd/web1')).toBe('libvirt-ssd/web1')
    expect(shellQuote('')).toBe("''")
    expect(shellQuote('a b')).toBe("'a b'")
    expect(shellQuote("it's")).toBe("'it'\\''s'")
    expect(shellQuote('A=1')).toBe("'A=1'")
    expect(() => shellQuote('a\0b')).toThrow(/NUL/)
  })

  it('property: any argument reaches the program unchanged through sh -c', () => {
    fc.assert(
      fc.property(fc.array(argument, { minLength: 1, maxLength: 4 }), (args) => {
        expect(argvThroughShell(args)).toEqual(args)
      }),
      { numRuns: 200 },
    )
  })

  it('property: the runner’s full command line (pid mark, env, timeout) keeps the arguments intact', () => {
    fc.assert(
      fc.property(fc.array(argument, { minLength: 1, maxLength: 3 }), (args) => {
        const result = spawnSync('sh', ['-c', remoteCommandLine(['printf', '%s\\0', ...args], 5)], {
          encoding: 'utf8',
        })
        expect(result.status).toBe(0)
        expect(result.stderr).toMatch(/^HYPERDESK_PID \d+\n$/)
        expect(result.stdout.split('\0').slice(0, -1)).toEqual(args)
      }),
      { numRuns: 60 },
    )
  })
})

describe('virsh quoting (real virsh tokenizer)', () => {
  function virsh(args: readonly string[]): string {
    // `virsh echo` needs no libvirt connection.
    return sh(`LC_ALL=C ${shellCommand(['virsh', ...args])}`)
  }

  it('property: argv mode — each argument is one virsh argument', () => {
    fc.assert(
      fc.property(argument, (arg) => {
        expect(virsh(['echo', '--', arg])).toBe(`${arg}\n`)
      }),
      { numRuns: 40 },
    )
  }, 60_000)

  it('property: string mode — quoted arguments survive virsh’s own parser, in one batch', () => {
    fc.assert(
      fc.property(fc.array(argument, { minLength: 1, maxLength: 6 }), (args) => {
        // One argument after the options: virsh re-parses it as a command string (a batch).
        const batch = virshCommandString(
          args.flatMap((arg) => [
            ['echo', '--', arg],
            ['echo', 'MARK'],
          ]),
        )
        expect(virsh([batch])).toBe(args.map((arg) => `${arg}\nMARK\n`).join(''))
      }),
      { numRuns: 60 },
    )
  }, 60_000)

  it('cannot be made to run a second command', () => {
    const evil = "x'; echo INJECTED; echo '"
    expect(virsh([`echo -- ${virshQuote(evil)}`])).toBe(`${evil}\n`)
    expect(sh(shellCommand(['echo', '$(echo INJECTED)', '`echo INJECTED`']))).toBe(
      '$(echo INJECTED) `echo INJECTED`\n',
    )
  })
})
