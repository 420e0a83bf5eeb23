import fs from 'node:fs'
import path from 'node:path'
import { z } from 'zod'

/**
 * The main window's size and position, remembered between runs (window-state.json beside the log
 * folder's parent, in the app's data folder). Pure file and geometry logic, tested without Electron.
 */
const StateSchema = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().min(200).max(20_000),
  height: z.number().int().min(200).max(20_000),
  maximized: z.boolean(),
})
export type WindowState = z.infer<typeof StateSchema>

export interface Area {
  x: number
  y: number
  width: number
  height: number
}

/** The saved state, or null when there is none or it is unreadable (the defaults apply). */
export function loadWindowState(file: string): WindowState | null {
  try {
    const parsed = StateSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

export function saveWindowState(file: string, state: WindowState): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true })
    const temporary = `${file}.tmp`
    fs.writeFileSync(temporary, JSON.stringify(state))
    fs.renameSync(temporary, file)
  } catch {
    // Not worth failing a quit for: the next run opens with the defaults.
  }
}

/**
 * The bounds to open with: the saved ones when at least a 100×50 corner of the title bar area shows on
 * one of today's screens (a screen unplugged since must not leave the window off-screen), shrunk to
 * that screen; otherwise none (Electron centres the window at its default size).
 */
export function restoredBounds(state: WindowState | null, screens: Area[]): Area | null {
  if (!state) return null
  for (const screen of screens) {
    const overlapX = Math.min(state.x + state.width, screen.x + screen.width) - Math.max(state.x, screen.x)
    const overlapY = Math.min(state.y + 50, screen.y + screen.height) - Math.max(state.y, screen.y)
    if (overlapX >= 100 && overlapY >= 50) {
      return {
        x: state.x,
        y: state.y,
        width: Math.min(state.width, screen.width),
        height: Math.min(state.height, screen.height),
      }
    }
  }
  return null
}
