import { msg } from '../../../shared/messages'
import type { Service } from '../context'
import { ejectMedia } from '../vmdef/eject'

/** Install media: an ISO uploaded to every host's images pool (a job fed chunk by chunk), and ejecting it. */
export const isoService: Service<'iso.upload' | 'iso.uploadChunk' | 'vm.ejectMedia'> = ({
  jobs,
  isoUploads,
  vmdefs,
  vmName,
}) => ({
  'iso.upload': async (params) =>
    jobs.start({
      kind: 'iso.upload',
      title: msg('jobTitles.upload', { name: params.name }),
      target: {},
      cancellable: true,
      run: (context) => isoUploads.run(params, context),
    }).job,
  'iso.uploadChunk': async ({ job, offset, data }) =>
    isoUploads.receive(job, offset, Buffer.from(data, 'base64')),
  'vm.ejectMedia': async ({ uuid }) =>
    jobs.start({
      kind: 'vm.ejectMedia',
      title: msg('jobTitles.eject', { vm: vmName(uuid) }),
      target: { vm: uuid },
      run: (context) => ejectMedia(vmdefs.deleteDeps, uuid, context),
    }).job,
})
