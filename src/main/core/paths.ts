import os from 'node:os'
import path from 'node:path'

/**
 * Where the cluster file lives when the shell does not say: $HYPERDESK_CONFIG, else the platform's
 * config directory (the same one Electron's app.getPath('userData') gives on each platform).
 */
export function defaultConfigPath(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.HYPERDESK_CONFIG) return path.resolve(env.HYPERDESK_CONFIG)
  return path.join(defaultConfigDir(env, platform), 'cluster.json')
}

export function defaultConfigDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  const home = env.HOME ?? os.homedir()
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Hyperdesk')
  if (platform === 'win32')
    return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Hyperdesk')
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'hyperdesk')
}

export function expandHome(file: string, home = os.homedir()): string {
  return file.startsWith('~/') ? path.join(home, file.slice(2)) : file
}

/**
 * Where the log files live (the same for the Electron app and browser mode): $HYPERDESK_LOG_DIR, else
 * macOS's ~/Library/Logs/Hyperdesk, else a logs/ folder beside the cluster file's default folder.
 */
export function defaultLogDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.HYPERDESK_LOG_DIR) return path.resolve(env.HYPERDESK_LOG_DIR)
  if (platform === 'darwin') return path.join(env.HOME ?? os.homedir(), 'Library', 'Logs', 'Hyperdesk')
  return path.join(defaultConfigDir(env, platform), 'logs')
}
