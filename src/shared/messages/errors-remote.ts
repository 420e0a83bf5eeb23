/**
 * The errors of commands run on a host (remote/runner.ts, remote/virsh-session.ts): the
 * `remoteErrors` area. The step names what was being done; what the host's tool
 * printed travels as the message's detail. French: src/renderer/src/i18n/errors-remote.fr.ts.
 */
export const REMOTE_ERROR_TEXTS = {
  notSent: 'A command for {{host}} was not sent: {{problem, message}}',
  notSentHint:
    'Nothing was sent to the host. A value that reaches a command must not start with "-" nor hold control characters: check the name or setting used.',
  // Each names the step (what was being done; a short command when the caller named none), never
  // the whole command line: a batch is kilobytes of shell. The command is in the error's details.
  endedEarly: '{{step, message}} ended early on {{host}}.',
  cancelled: '{{step, message}} was cancelled on {{host}}.',
  // A timeout also says whether the host printed anything: its output is the detail.
  timedOut:
    '{{step, message}} did not finish on {{host}} within {{seconds}} s and was stopped there; what it printed is below.',
  timedOutSilent:
    '{{step, message}} did not finish on {{host}} within {{seconds}} s and was stopped there; it printed nothing.',
  cephUnreachable: '{{step, message}} on {{host}} could not reach the Ceph monitors.',
  cephTimeoutHint:
    'Ceph did not answer: check the monitors and OSDs (ceph -s on a host with the admin keyring). The command was stopped on the host.',
  timeoutHint: 'The command was stopped on the host. Check the host (load, libvirtd, storage) and try again.',
  connectionLost: '{{step, message}} on {{host}} lost its connection before it finished.',
  connectionLostHint:
    'The connection dropped: Hyperdesk reconnects by itself. Check the result before trying again.',
  failed: '{{step, message}} failed on {{host}} (exit {{exitCode}}).',
  notInstalled: '{{tool}} is not installed on the host (or not in PATH).',
  notRunnable: '{{tool}} cannot be run by this user on the host.',
  virshTimedOut:
    'virsh did not answer on {{host}} within {{seconds}} s ({{commands, list}}) and printed nothing.',
  virshTimedOutOutput:
    'virsh did not answer on {{host}} within {{seconds}} s ({{commands, list}}); what it printed so far is below.',
  virshTimedOutHint:
    'Check libvirtd on the host (systemctl status libvirtd). The stuck virsh was stopped; the next attempt starts a new one.',
  virshSessionEnded:
    'The virsh session on {{host}} ended before it answered (connection lost or virsh stopped).',
  virshSessionEndedHint: 'Hyperdesk reconnects by itself; try again when the host is online.',
} as const
