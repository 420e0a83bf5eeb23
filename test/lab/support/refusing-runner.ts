import type { RemoteRunner } from '../../../src/main/core/remote/runner'

/**
 * The real runner, except that `host` is sent a definition libvirt refuses (an unknown domain type):
 * a real refusal from that host's libvirt in the middle of a job that defines on every host.
 */
export function refusingDefineOn(real: RemoteRunner, host: string): RemoteRunner {
  return Object.assign(Object.create(real) as RemoteRunner, {
    virsh: (on: string, args: readonly string[], options?: Parameters<RemoteRunner['virsh']>[2]) =>
      real.virsh(
        on,
        args,
        on === host && args[0] === 'define' && options?.stdin
          ? {
              ...options,
              stdin: String(options.stdin).replace(/<domain type=(["'])\w+\1/, "<domain type='nonsense'"),
            }
          : options,
      ),
  })
}
