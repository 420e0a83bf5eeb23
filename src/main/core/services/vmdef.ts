import { ApiError } from '../../../shared/errors'
import { msg } from '../../../shared/messages'
import { RemainSchema } from '../../../shared/vmdef'
import type { Service } from '../context'
import { remainLists } from '../vmdef/create'
import { deleteVm } from '../vmdef/delete'
import { renameVm } from '../vmdef/rename'
import { editVm, pendingChanges, planEdit } from '../vmdef/edit'
import { vmdefMsg } from '../vmdef/plan'

/** VM definitions across the cluster: create (with its pre-checks and cleanup) and delete, as jobs. */
export const vmdefService: Service<
  | 'vm.createPlan'
  | 'vm.create'
  | 'vm.clonePlan'
  | 'vm.clone'
  | 'vm.cleanupCreate'
  | 'vm.delete'
  | 'vm.rename'
  | 'vm.editPlan'
  | 'vm.edit'
  | 'vm.pending'
> = ({ jobs, vmdefs, vmName }) => ({
  'vm.createPlan': async (params) => vmdefs.creator.plan(params),
  'vm.create': async (params) =>
    jobs.start({
      kind: 'vm.create',
      title: msg('jobTitles.create', { name: params.name }),
      target: { vm: params.name, image: `${params.pool}/${params.name}` },
      cancellable: true,
      run: (context) => vmdefs.creator.create(params, context),
    }).job,
  'vm.clonePlan': async (params) => vmdefs.cloner.plan(params),
  'vm.clone': async (params) =>
    jobs.start({
      kind: 'vm.clone',
      title: msg('jobTitles.clone', {
        source:
          params.source.kind === 'vm'
            ? vmName(params.source.uuid)
            : `${params.source.pool}/${params.source.image}@${params.source.snapshot}`,
        name: params.name,
      }),
      target: { vm: params.name },
      cancellable: true,
      run: (context) => vmdefs.cloner.clone(params, context),
    }).job,
  'vm.cleanupCreate': async ({ job: id }) => {
    const failed = jobs.get(id)
    const remains = RemainSchema.array().safeParse(failed?.error?.details?.['remains'])
    if (
      (failed?.kind !== 'vm.create' && failed?.kind !== 'vm.clone') ||
      failed?.state === 'running' ||
      !remains.success
    )
      throw ApiError.of('vm.cleanup.unknown-job', vmdefMsg('cleanupUnknownJob', { job: id }), {
        step: msg('errorSteps.cleanUpCreation'),
      })
    return jobs.start({
      kind: 'vm.cleanupCreate',
      title: msg('jobTitles.cleanupCreate', {
        job: failed.titleText ?? msg('common.untranslated', { text: failed.title }),
      }),
      target: failed.target,
      run: async (context) => {
        const result = await vmdefs.creator.cleanup(remains.data, id, context)
        const name = failed.target.vm ?? failed.title
        context.log(
          result.removed.length > 0
            ? vmdefMsg('cleanupDone', { name, removed: result.removed })
            : vmdefMsg('cleanupNothing'),
        )
        if (result.remains.length > 0) {
          throw ApiError.of('vm.cleanup.remains', vmdefMsg('cleanupRemains', remainLists(result.remains)), {
            step: msg('errorSteps.cleanUpCreation'),
            details: { remains: result.remains },
          })
        }
        return result
      },
    }).job
  },
  'vm.delete': async (params) =>
    jobs.start({
      kind: 'vm.delete',
      title: msg('jobTitles.delete', { vm: vmName(params.uuid) }),
      target: { vm: params.uuid },
      run: (context) => deleteVm(vmdefs.deleteDeps, params, context),
    }).job,
  'vm.rename': async (params) =>
    jobs.start({
      kind: 'vm.rename',
      title: msg('jobTitles.rename', { vm: vmName(params.uuid), name: params.newName }),
      target: { vm: params.uuid },
      run: (context) => renameVm(vmdefs.deleteDeps, params, context),
    }).job,
  'vm.editPlan': async ({ uuid, changes, withXml }) =>
    (await planEdit(vmdefs.deleteDeps, uuid, changes, withXml ? { withXml } : {})).plan,
  'vm.edit': async (params) =>
    jobs.start({
      kind: 'vm.edit',
      title: msg('jobTitles.edit', { vm: vmName(params.uuid) }),
      target: { vm: params.uuid },
      run: (context) => editVm(vmdefs.deleteDeps, params, context),
    }).job,
  'vm.pending': async ({ uuid }) => pendingChanges(vmdefs.deleteDeps, uuid),
})
