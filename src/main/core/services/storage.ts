import { msg } from '../../../shared/messages'
import type { Service } from '../context'

/**
 * The storage view and image/snapshot operations (see storage/operations.ts). Quick changes answer
 * directly; what can take long or destroy data (resize, shrink, delete, rollback, du) is a job.
 */
export const storageService: Service<
  | 'storage.list'
  | 'storage.createImage'
  | 'storage.growImage'
  | 'storage.shrinkImage'
  | 'storage.deleteImage'
  | 'storage.du'
  | 'storage.snapshotCreate'
  | 'storage.snapshotDelete'
  | 'storage.snapshotRollback'
> = ({ storage: ops, jobs }) => {
  const spec = (pool: string, image: string) => `${pool}/${image}`
  return {
    'storage.list': async ({ pool }) => ops.list(pool),
    'storage.createImage': async (params) => ops.create(params),
    'storage.growImage': async (params) =>
      jobs.start({
        kind: 'storage.grow',
        target: { image: spec(params.pool, params.image) },
        title: msg('jobTitles.grow', { image: spec(params.pool, params.image) }),
        run: (context) => ops.grow(params, context),
      }).job,
    'storage.shrinkImage': async (params) =>
      jobs.start({
        kind: 'storage.shrink',
        target: { image: spec(params.pool, params.image) },
        title: msg('jobTitles.shrink', { image: spec(params.pool, params.image) }),
        run: (context) => ops.shrink(params, context),
      }).job,
    'storage.deleteImage': async (params) =>
      jobs.start({
        kind: 'storage.delete',
        target: { image: spec(params.pool, params.image) },
        title: msg('jobTitles.deleteImage', { image: spec(params.pool, params.image) }),
        run: (context) => ops.remove(params, context),
      }).job,
    'storage.du': async (params) =>
      jobs.start({
        kind: 'storage.du',
        target: { image: spec(params.pool, params.image) },
        title: msg('jobTitles.usedSpace', { image: spec(params.pool, params.image) }),
        cancellable: true,
        run: (context) => ops.du(params, context),
      }).job,
    'storage.snapshotCreate': async (params) => ops.snapshotCreate(params),
    'storage.snapshotDelete': async (params) => ops.snapshotDelete(params),
    'storage.snapshotRollback': async (params) =>
      jobs.start({
        kind: 'storage.rollback',
        target: { image: spec(params.pool, params.image) },
        title: msg('jobTitles.rollback', {
          image: spec(params.pool, params.image),
          snapshot: params.snapshot,
        }),
        run: (context) => ops.rollback(params, context),
      }).job,
  }
}
