import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses'

/**
 * The fuses a packaged Hyperdesk must have, read back from the built binary with @electron/fuses
 * (on macOS from the app's Electron Framework). The same fuses are set on every platform, but Electron
 * enforces ASAR integrity only on macOS and Windows: on Linux that bit is set and does nothing, so
 * only macOS (and Windows, not a target) may claim it.
 */
export type FuseReading = 'on' | 'off' | 'inherit' | 'removed'

/** @electron/fuses' FuseState: the wire's bytes. */
const STATES: Record<number, FuseReading> = { 48: 'off', 49: 'on', 144: 'inherit', 114: 'removed' }

export const EXPECTED_FUSES: Partial<Record<keyof typeof FuseV1Options, FuseReading>> = {
  RunAsNode: 'off',
  EnableCookieEncryption: 'on',
  EnableNodeOptionsEnvironmentVariable: 'off',
  EnableNodeCliInspectArguments: 'off',
  EnableEmbeddedAsarIntegrityValidation: 'on',
  OnlyLoadAppFromAsar: 'on',
  GrantFileProtocolExtraPrivileges: 'off',
}

/** Whether Electron enforces the ASAR integrity fuse on this platform. */
export function asarIntegrityEnforced(platform: NodeJS.Platform): boolean {
  return platform === 'darwin' || platform === 'win32'
}

/** Each fuse of the binary by name (an executable, or an .app path on macOS). */
export async function readFuses(executable: string): Promise<Record<string, FuseReading>> {
  const wire = await getCurrentFuseWire(executable)
  const out: Record<string, FuseReading> = {}
  for (const [name, index] of Object.entries(FuseV1Options)) {
    if (typeof index !== 'number') continue
    const state = (wire as unknown as Record<number, number | undefined>)[index]
    if (state !== undefined) out[name] = STATES[state] ?? 'removed'
  }
  return out
}
