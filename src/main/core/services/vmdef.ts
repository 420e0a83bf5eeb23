import { ApiError } from '../../../shared/errors'
import { RemainSchema } from '../../../shared/vmdef'
import { vmdefMessage } from '../../../shared/vmdef-texts'
import type { Service } from '../context'
import { deleteVm } from '../vmdef/delete'

/** VM definitions across the cluster: create (with its pre-checks and cleanup) and delete, as jobs. */
export const vmdefService: Service<'vm.createPlan' | 'vm.create' | 'vm.cleanupCreate' | 'vm.delete'> = ({
  jobs,
  vmdefs,
  vmName,
}) => ({
  'vm.createPlan': async (params) => vmdefs.creator.plan(params),
  'vm.create': async (params) =>
    jobs.start({
      kind: 'vm.create',
      title: `Create ${params.name}`,
      target: { vm: params.name, image: `${params.pool}/${params.name}` },
      cancellable: true,
      run: (context) => vmdefs.creator.create(params, context),
    }).job,
  'vm.cleanupCreate': async ({ job: id }) => {
    const failed = jobs.get(id)
    const remains = RemainSchema.array().safeParse(failed?.error?.details?.['remains'])
    if (failed?.kind !== 'vm.create' || failed.state === 'running' || !remains.success)
      throw new ApiError({
        code: 'vm.cleanup.unknown-job',
        step: 'clean up a failed creation',
        message: `No failed VM creation ${id} is known to this app (jobs are kept until it closes).`,
        hint: 'Remove what remains by hand: virsh undefine on the hosts named, rbd rm of the image named.',
      })
    return jobs.start({
      kind: 'vm.cleanupCreate',
      title: `Clean up after “${failed.title}”`,
      target: failed.target,
      run: async (context) => {
        const result = await vmdefs.creator.cleanup(remains.data, id, context)
        const name = failed.target.vm ?? failed.title
        context.log(
          result.removed.length > 0
            ? vmdefMessage('cleanupDone', { name, removed: result.removed.join(', ') })
            : vmdefMessage('cleanupNothing', {}),
        )
        if (result.remains.length > 0)
          throw new ApiError({
            code: 'vm.cleanup.remains',
            step: 'clean up a failed creation',
            message: `Still there: ${result.remains.map((r) => (r.kind === 'definition' ? `definition on ${r.host} (${r.error})` : `${r.pool}/${r.image} (${r.error})`)).join('; ')}`,
            details: { remains: result.remains },
          })
        return result
      },
    }).job
  },
  'vm.delete': async (params) =>
    jobs.start({
      kind: 'vm.delete',
      title: `Delete ${vmName(params.uuid)}`,
      target: { vm: params.uuid },
      run: (context) => deleteVm(vmdefs.deleteDeps, params, context),
    }).job,
})
