import { SHELL_SECTIONS } from '../remote/framing'

/**
 * The host doctor's probes, as one POSIX sh script run in one exec per host. Arguments:
 * $1 = Ceph client id, $2... = RBD pools. Each probe is a section of the framing's shell form
 * (framing.ts: SHELL_SECTIONS), printed between `@@begin <name>` and `@@end <name> <exit code>`.
 * Every probe that may talk to a daemon has its own short timeout, so one hung service cannot
 * take the others with it.
 */
export const PROBE_SCRIPT =
  SHELL_SECTIONS +
  String.raw`
client=$1; shift
t() { timeout -k 2 "$@"; }

section whoami sh -c 'id -un; id -Gn'
section timeout sh -c 'command -v timeout'
section logger sh -c 'command -v logger'
section openssh sh -c 'ssh -V'
section virsh-client virsh --version
section libvirt t 10 virsh -c qemu:///system version
section libvirt-socket sh -c 'ls -ln /var/run/libvirt/libvirt-sock; getent group libvirt libvirtd'
section qemu sh -c 'for q in qemu-system-x86_64 kvm /usr/libexec/qemu-kvm; do if command -v "$q" >/dev/null 2>&1; then "$q" --version | head -n 1; exit 0; fi; done; exit 1'
section domstats-help virsh help domstats
section domstats t 10 virsh -c qemu:///system domstats --raw --list-active --state
section event-help virsh help event
section ceph-version ceph --version
keyring_ok=
section keyring sh -c 'for f in /etc/ceph/ceph.client.'"$client"'.keyring /etc/ceph/ceph.keyring /etc/ceph/keyring; do if [ -e "$f" ]; then ls -ln "$f"; if [ -r "$f" ]; then echo "readable $f"; exit 0; fi; fi; done; exit 1'
[ "$rc" = 0 ] && keyring_ok=1
if [ -n "$keyring_ok" ]; then section ceph-health t 15 ceph --id "$client" --connect-timeout 8 health; else rc=1; fi
if [ "$rc" = 0 ]; then
  # The client's own caps, when it may read them (never its key).
  section ceph-caps sh -c 'out=$(timeout -k 2 15 ceph --id "$1" --connect-timeout 8 auth get "client.$1" 2>&1); rc=$?; printf "%s\n" "$out" | grep -v "key ="; exit $rc' sh "$client"
  rc=0
  image=
  for pool in "$@"; do
    out=$(t 15 rbd --id "$client" --client-mount-timeout 8 --rados-mon-op-timeout 8 ls -p "$pool" 2>&1); rc=$?
    section_text "rbd-ls $pool" "$out" "$rc"
    if [ -z "$image" ] && [ "$rc" = 0 ] && [ -n "$out" ]; then image="$pool/$(printf '%s\n' "$out" | head -n 1)"; fi
  done
  if [ -n "$image" ]; then
    section rbd-status t 15 rbd --id "$client" --client-mount-timeout 8 --rados-mon-op-timeout 8 status "$image"
  fi
fi
section libvirt-log sh -c 'if [ -r /var/log/libvirt/libvirtd.log ]; then echo direct; exit 0; fi; sudo -n -l /usr/bin/tail -n 200 /var/log/libvirt/libvirtd.log >/dev/null 2>&1 && { echo sudo; exit 0; }; ls -ln /var/log/libvirt/libvirtd.log; exit 1'
`
