import { coreOf, type Core } from '../../src/main/core/core'
import type { CoreContext, CoreOptions } from '../../src/main/core/context'
import { wireCore } from '../../src/main/core/wiring'
import type { MethodName, MethodParams, MethodResult } from '../../src/shared/contract'

/**
 * The core for code in the same process (unit and lab tests, benchmarks): the same wiring and the
 * same checked calls as the production entry (createCore), plus the engines behind them.
 */
export async function createCoreWithContext(
  options: CoreOptions,
): Promise<{ core: Core; context: CoreContext }> {
  const wired = await wireCore(options)
  return { core: coreOf(wired), context: wired.context }
}

/** The typed face of a core, for code in the same process. */
export function typedCall<M extends MethodName>(
  core: Core,
  method: M,
  params: MethodParams<M>,
): Promise<MethodResult<M>> {
  return core.call(method, params) as Promise<MethodResult<M>>
}
