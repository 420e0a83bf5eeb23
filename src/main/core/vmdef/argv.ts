/**
 * The commands of VM definitions, by object (argv only; the runner quotes and runs them). A domain is
 * always named by its UUID; an image by pool/name validated upstream (imageSpec).
 */

/** The image-meta key that tags an image with the creation job that made it. */
export const CREATE_JOB_META = 'hyperdesk.create-job'

export const domainArgv = {
  /** The XML travels on stdin: no file name is ever built. */
  define: (): string[] => ['define', '/dev/stdin'],
  dumpInactive: (uuid: string): string[] => ['dumpxml', '--inactive', '--security-info', uuid],
  /** Managed save and snapshot metadata go with it (libvirt refuses otherwise). */
  undefine: (uuid: string): string[] => ['undefine', '--managed-save', '--snapshots-metadata', uuid],
  state: (uuid: string): string[] => ['domstate', uuid],
}

export const hostFactsArgv = {
  domcapabilities: (virtType: string): string[] => [
    'domcapabilities',
    '--virttype',
    virtType,
    '--arch',
    'x86_64',
    '--machine',
    'pc',
  ],
  capabilities: (): string[] => ['capabilities'],
  secretList: (): string[] => ['secret-list'],
  secretValue: (uuid: string): string[] => ['secret-get-value', uuid],
  memory: (): string[] => ['nodememstats'],
}

export const imageArgv = {
  create: (spec: string, sizeBytes: number): string[] => ['create', '--size', `${sizeBytes}B`, spec],
  tag: (spec: string, job: string): string[] => ['image-meta', 'set', spec, CREATE_JOB_META, job],
  readTag: (spec: string): string[] => ['image-meta', 'get', spec, CREATE_JOB_META],
  info: (spec: string): string[] => ['info', spec, '--format', 'json'],
  remove: (spec: string): string[] => ['rm', '--no-progress', spec],
}
