import type { Service } from '../context'

export const configService: Service<'config.get' | 'config.reload' | 'config.save'> = ({
  config,
  events,
}) => ({
  'config.get': async () => config.current,
  'config.reload': async () => {
    const state = await config.load()
    events.emit('config.changed', state)
    return state
  },
  'config.save': async ({ config: input }) => {
    const state = await config.save(input)
    events.emit('config.changed', state)
    return state
  },
})
