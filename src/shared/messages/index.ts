export * from './message'
export * from './check'
export * from './format'
export { MESSAGES_EN } from './catalog'
