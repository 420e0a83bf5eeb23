/**
 * The core holds every SSH session (and maybe a maintenance half done): one bug in a request handler
 * or a forgotten promise must not take the whole process down with it. Node's default for an
 * unhandled rejection or an uncaught exception is to exit; the core's entry points (browser mode's
 * serve.ts, Electron's core process) log it instead and keep serving.
 */

export type GuardLog = (line: string) => void

function describe(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`
  try {
    return `non-error value: ${JSON.stringify(error)}`
  } catch {
    return `non-error value: ${String(error)}`
  }
}

/** Installs the process-wide handlers once; returns a function that removes them (tests). */
export function installProcessGuards(log: GuardLog = (line) => console.error(line)): () => void {
  // A handler that throws would end the process after all: the log never throws out of here.
  const safeLog = (line: string): void => {
    try {
      log(`${new Date().toISOString()} ${line}`)
    } catch {
      // Nowhere left to write (stderr closed): keep running anyway.
    }
  }
  const onRejection = (reason: unknown): void => {
    safeLog(`hyperdesk: unhandled promise rejection (kept running): ${describe(reason)}`)
  }
  const onException = (error: unknown, origin: string): void => {
    safeLog(`hyperdesk: uncaught exception (${origin}, kept running): ${describe(error)}`)
  }
  process.on('unhandledRejection', onRejection)
  process.on('uncaughtException', onException)
  return () => {
    process.off('unhandledRejection', onRejection)
    process.off('uncaughtException', onException)
  }
}
