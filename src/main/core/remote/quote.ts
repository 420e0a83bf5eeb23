import { codePoint, controlCharacterIn } from '../../../shared/validators'

/**
 * The one way the app turns argv arrays into command text for a hypervisor. Everything that reaches a
 * remote shell goes through shellCommand(); everything that reaches virsh's own command-string parser
 * (batches: `virsh 'cmd1 a; cmd2 b'`) goes through virshCommandString().
 */

// Words made only of these characters mean the same quoted or not, in sh and in virsh.
// '=' is left out so a first word can never be read as a variable assignment.
const SAFE_WORD = /^[A-Za-z0-9_/.:@%+,-]+$/

function refuseNul(arg: string): void {
  // Neither a C argv nor a shell string can carry NUL: refuse rather than truncate silently.
  if (arg.includes('\0')) throw new Error('A command argument contains a NUL character')
}

/**
 * Quotes one argument for a POSIX shell (sh, dash, bash, zsh): single quotes, in which nothing is
 * special, with each ' written as '\''. The result is always exactly one word.
 */
export function shellQuote(arg: string): string {
  refuseNul(arg)
  if (SAFE_WORD.test(arg)) return arg
  return `'${arg.replace(/'/g, `'\\''`)}'`
}

/** A command line for `sh -c`, from argv. */
export function shellCommand(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error('Empty command')
  return argv.map(shellQuote).join(' ')
}

/**
 * Quotes one argument for virsh's command-string tokenizer (vshCommandStringGetArg). It treats single
 * quotes like sh (literal, no escapes) and a backslash outside them as an escape, so the shell's
 * '\'' idiom is also right for virsh; ';', '#', newlines and blanks inside quotes are plain characters.
 */
export function virshQuote(arg: string): string {
  return shellQuote(arg)
}

/**
 * One virsh command string running several commands in one process and one libvirt connection,
 * e.g. [['list','--all'],['echo','MARK'],['dominfo',uuid]] → "list --all ; echo MARK ; dominfo <uuid>".
 * virsh reports only the last command's exit code: callers parse section by section.
 */
export function virshCommandString(commands: readonly (readonly string[])[]): string {
  if (commands.length === 0) throw new Error('Empty virsh batch')
  return commands
    .map((command) => {
      if (command.length === 0) throw new Error('Empty command in a virsh batch')
      return command.map(virshQuote).join(' ')
    })
    .join(' ; ')
}

/**
 * An option the app writes itself: `-c`, `--format`, `--rbd-blocklist-on-break-lock=false`. A word
 * that starts with '-' and is not of this shape (`--out-file=/tmp/p`) never reaches a host.
 */
const OPTION_WORD = /^--?[A-Za-z0-9][A-Za-z0-9-]*(=[A-Za-z0-9._:,-]*)?$/

/**
 * Why an argv may not be sent to a host; null when it may. The runner asks this of every command
 * before it opens a channel, on top of the contract's validators (src/shared/validators.ts):
 * - no argument holds a control character (the script of `sh -c <script>` is the app's own text);
 * - before a `--`, a word starting with '-' must be an option of the plain shape the app writes.
 * Values from users never start with '-' (the validators refuse it); this is the net under them.
 */
export function argvProblem(argv: readonly string[]): string | null {
  const script = argv[0] === 'sh' && argv[1] === '-c' ? 2 : -1
  let options = true
  for (const [index, arg] of argv.entries()) {
    const control = index === script ? undefined : controlCharacterIn(arg)
    if (control !== undefined)
      return `${JSON.stringify(arg)} contains the control character ${codePoint(control)}`
    if (arg === '--') options = false
    else if (options && arg.startsWith('-') && !OPTION_WORD.test(arg))
      return `${JSON.stringify(arg)} starts with "-" but is not an option Hyperdesk writes`
  }
  return null
}
