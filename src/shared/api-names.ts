/**
 * The names of the API's methods and events, without their schemas, so the sandboxed preload can
 * allow-list them without bundling zod. contract.ts is type-checked against these lists: a method
 * missing from either place, or extra in one, fails `npm run typecheck`.
 */
export const METHOD_NAMES = ['app.info', 'config.get', 'config.reload', 'config.save'] as const
export const EVENT_NAMES = ['config.changed'] as const

export type MethodName = (typeof METHOD_NAMES)[number]
export type EventName = (typeof EVENT_NAMES)[number]
