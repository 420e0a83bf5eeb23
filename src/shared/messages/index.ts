export * from './message'
export * from './check'
export * from './format'
