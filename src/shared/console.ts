import { z } from 'zod'
import { KeyboardLayoutSchema, LAYOUT_SOURCES } from './keyboard'

/** What opening a console returns: the id of a byte stream the client attaches to, and what it needs. */
export const VncOpenedSchema = z.object({
  streamId: z.string(),
  /** The host the VM runs on now (read at this connect). */
  host: z.string(),
  /** TCP port of the display on the host, from `virsh domdisplay` at this connect. */
  port: z.number().int(),
  /** direct-tcpip through the SSH connection, or `nc` on the host when sshd forbids forwarding. */
  via: z.enum(['forward', 'nc']),
  vmName: z.string(),
  /** "QEMU (<vm>)": the client shows nothing until the server's desktop name is this one. */
  expectedDesktopName: z.string(),
  /** The guest's keyboard layout, for typed text (shared/keyboard.ts guestLayout). */
  keyboardLayout: KeyboardLayoutSchema,
  /** Where it was read: the VM's setting, its VNC keymap, or the cluster file's default. */
  layoutFrom: z.enum(LAYOUT_SOURCES),
  /** The definition's VNC keymap: QEMU then maps keysyms itself and ignores scancodes. */
  vncKeymap: z.string().optional(),
  /** The VM has a serial console: typing long commands there is more reliable. */
  hasSerial: z.boolean(),
})
export type VncOpened = z.infer<typeof VncOpenedSchema>

export const SerialOpenedSchema = z.object({
  streamId: z.string(),
  host: z.string(),
  vmName: z.string(),
})
export type SerialOpened = z.infer<typeof SerialOpenedSchema>

export const ShellOpenedSchema = z.object({ streamId: z.string(), host: z.string() })
export type ShellOpened = z.infer<typeof ShellOpenedSchema>

/** Terminal sizes as xterm reports them; bounds keep a bad client from asking sshd for nonsense. */
export const TerminalSizeSchema = {
  cols: z.number().int().min(2).max(1000),
  rows: z.number().int().min(1).max(500),
}

export { STREAM_PATH_PREFIX } from './wire'
