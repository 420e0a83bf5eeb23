import { ApiError } from '../../../shared/errors'
import { msg } from '../../../shared/messages/message'
import type { Service } from '../context'

export const jobsService: Service<'jobs.list' | 'jobs.get' | 'jobs.cancel'> = ({ jobs }) => ({
  'jobs.list': async () => jobs.list(),
  'jobs.get': async ({ id }) => {
    const job = jobs.get(id)
    if (!job) throw ApiError.of('job.unknown', msg('coreErrors.unknownJob', { id }))
    return job
  },
  'jobs.cancel': async ({ id }) => jobs.cancel(id),
})
