/**
 * The host doctor's probes, as one POSIX sh script run in one exec per host. Arguments:
 * $1 = Ceph client id, $2... = RBD pools. Each probe prints
 *   @@begin <name>
 *   <its output, stdout and stderr>
 *   @@end <name> <exit code>
 * Every probe that may talk to a daemon has its own short timeout, so one hung service cannot
 * take the others with it.
 */
export const PROBE_SCRIPT = String.raw`
client=$1; shift
probe() { name=$1; shift; echo "@@begin $name"; "$@" 2>&1; rc=$?; echo; echo "@@end $name $rc"; }
t() { timeout -k 2 "$@"; }

probe whoami sh -c 'id -un; id -Gn'
probe timeout sh -c 'command -v timeout'
probe logger sh -c 'command -v logger'
probe openssh sh -c 'ssh -V'
probe virsh-client virsh --version
probe libvirt t 10 virsh -c qemu:///system version
probe libvirt-socket sh -c 'ls -ln /var/run/libvirt/libvirt-sock; getent group libvirt libvirtd'
probe qemu sh -c 'for q in qemu-system-x86_64 kvm /usr/libexec/qemu-kvm; do if command -v "$q" >/dev/null 2>&1; then "$q" --version | head -n 1; exit 0; fi; done; exit 1'
probe domstats-help virsh help domstats
probe domstats t 10 virsh -c qemu:///system domstats --raw --list-active --state
probe event-help virsh help event
probe ceph-version ceph --version
keyring_ok=
probe keyring sh -c 'for f in /etc/ceph/ceph.client.'"$client"'.keyring /etc/ceph/ceph.keyring /etc/ceph/keyring; do if [ -e "$f" ]; then ls -ln "$f"; if [ -r "$f" ]; then echo "readable $f"; exit 0; fi; fi; done; exit 1'
[ "$rc" = 0 ] && keyring_ok=1
if [ -n "$keyring_ok" ]; then probe ceph-health t 15 ceph --id "$client" --connect-timeout 8 health; else rc=1; fi
if [ "$rc" = 0 ]; then
  # The client's own caps, when it may read them (never its key).
  probe ceph-caps sh -c 'out=$(timeout -k 2 15 ceph --id "$1" --connect-timeout 8 auth get "client.$1" 2>&1); rc=$?; printf "%s\n" "$out" | grep -v "key ="; exit $rc' sh "$client"
  rc=0
  image=
  for pool in "$@"; do
    out=$(t 15 rbd --id "$client" --client-mount-timeout 8 --rados-mon-op-timeout 8 ls -p "$pool" 2>&1); rc=$?
    printf '@@begin rbd-ls %s\n%s\n\n@@end rbd-ls %s %s\n' "$pool" "$out" "$pool" "$rc"
    if [ -z "$image" ] && [ "$rc" = 0 ] && [ -n "$out" ]; then image="$pool/$(printf '%s\n' "$out" | head -n 1)"; fi
  done
  if [ -n "$image" ]; then
    probe rbd-status t 15 rbd --id "$client" --client-mount-timeout 8 --rados-mon-op-timeout 8 status "$image"
  fi
fi
probe libvirt-log sh -c 'if [ -r /var/log/libvirt/libvirtd.log ]; then echo direct; exit 0; fi; sudo -n -l /usr/bin/tail -n 200 /var/log/libvirt/libvirtd.log >/dev/null 2>&1 && { echo sudo; exit 0; }; ls -ln /var/log/libvirt/libvirtd.log; exit 1'
`
