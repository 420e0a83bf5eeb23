import { SHELL_SECTIONS } from '../remote/framing'

/**
 * The doctor's Ceph answers over one librados connection, run by the host's python3 (`rados`, and
 * `rbd` when present) instead of a `ceph` or `rbd` process per probe: each CLI costs a python start,
 * a connect and, for `ceph`, a fetch of the monitors' command table (on the lab, ceph-health and
 * ceph-caps ~0.5 s of CPU each, the three rbd probes ~0.13 s each; this program ~0.17 s for all).
 * argv = client id, pools. It prints one line per probe it could answer, `@@fast <answer> <base64 of
 * the text the CLI prints on success> .`, as soon as it has it (a program cut short keeps what it
 * answered): `health` and `caps` (`ceph health`, `ceph auth get client.<id>` without its key line),
 * `ls-<i>` (`rbd ls` of the i-th pool) and `status` (`rbd status` of the first image of the first
 * pool that has one, only when every pool was listed here). A probe it cannot answer (no binding, a
 * connect or command refused, a migrating image whose status the CLI would describe) it leaves to
 * the CLI, as one-connection.ts does: every error the doctor shows stays the CLI's. One exception,
 * the usual one: the monitors refusing `auth get` (a client with `profile rbd` may not read its own
 * entry), answered `caps-refused` as `<exit code>\n<text>` in the CLI's words (its main(): the
 * output, then `Error <errno name>: <status>`, exit code the errno): the monitors' reply is the
 * same whoever asks, and the CLI for it alone cost a python start and ~0.5 s of CPU per connect.
 */
export const CEPH_ONE_CONNECTION_PROGRAM = String.raw`
import base64, errno, json, sys

def answer(name, text):
    # One write per line: a program cut short leaves no half answer that reads as whole.
    sys.stdout.write("@@fast %s %s .\n" % (name, base64.b64encode(text).decode("ascii")))
    sys.stdout.flush()

def printed(out, status):
    # What the ceph CLI prints on success: the output as it came, then the status line (stderr).
    return out + (status.encode("utf-8") + b"\n" if status else b"")

def mon(command):
    return cluster.mon_command(json.dumps(command), b"")

client, pools = sys.argv[1], sys.argv[2:]
import rados
cluster = rados.Rados(rados_id=client)
cluster.conf_read_file()
# Shorter than the CLI's 8 s: a monitor that does not answer here still gets the CLI's own wait.
cluster.conf_set("client_mount_timeout", "5")
cluster.conf_set("rados_mon_op_timeout", "5")
cluster.connect()
try:
    ret, out, status = mon({"prefix": "health"})
    if ret != 0:
        sys.exit(0)
    answer("health", printed(out, status))
    ret, out, status = mon({"prefix": "auth get", "entity": "client." + client})
    if ret == 0:
        lines = printed(out, status).split(b"\n")
        answer("caps", b"\n".join(line for line in lines if b"key =" not in line))
    elif ret < 0:
        refusal = "Error %s: %s\n" % (errno.errorcode.get(-ret, "Unknown"), status)
        lines = (out + refusal.encode("utf-8")).split(b"\n")
        kept = b"\n".join(line for line in lines if b"key =" not in line)
        answer("caps-refused", str(-ret).encode("ascii") + b"\n" + kept)
    import rbd
    first = None
    every = True
    for index, pool in enumerate(pools):
        try:
            ioctx = cluster.open_ioctx(pool)
            names = rbd.RBD().list(ioctx)
        except Exception:
            every = False
            continue
        answer("ls-%d" % index, "".join(name + "\n" for name in names).encode("utf-8"))
        if first is None and names:
            first = (ioctx, names[0])
    # The script picks the first line of the listing: a name holding a newline is left to the CLI.
    if every and first is not None and "\n" not in first[1]:
        with rbd.Image(first[0], first[1], read_only=True) as image:
            watchers = list(image.watchers_list())
            migrating = image.features() & rbd.RBD_FEATURE_MIGRATING
        if not migrating:
            text = "".join(
                "\twatcher=%s client.%d cookie=%d\n" % (w["addr"], w["id"], w["cookie"]) for w in watchers
            )
            answer("status", ("Watchers:\n" + text if watchers else "Watchers: none\n").encode("utf-8"))
finally:
    cluster.shutdown()
`

/**
 * The Ceph probes of the script: needs `client`, `keyring_ok` (non-empty when a keyring is readable)
 * and `t` (a probe's timeout) set, and the pools as "$@". Each answer of the one connection is used
 * when it came; every other probe runs its CLI as before, with its own timeout. The python may be
 * replaced through HYPERDESK_DOCTOR_PYTHON (tests only: a missing one forces every CLI). The section
 * ceph-one-connection lists the probes it answered (not read by the doctor: for tests and support).
 */
export const CEPH_PROBES = String.raw`
nl='
'
fast=
if [ -n "$keyring_ok" ]; then
  fast=$(t 10 "${'$'}{HYPERDESK_DOCTOR_PYTHON:-/usr/bin/python3}" - "$client" "$@" 2>/dev/null <<'HYPERDESK_PYTHON'
${CEPH_ONE_CONNECTION_PROGRAM}
HYPERDESK_PYTHON
)
fi
answered=
# fast_answer NAME: the one connection's answer NAME, decoded; fails when it gave none (whole).
fast_answer() {
  line=${'$'}{fast#*"@@fast $1 "}
  [ "$line" != "$fast" ] || return 1
  line=${'$'}{line%%"$nl"*}
  [ "${'$'}{line% .}" != "$line" ] || return 1
  printf '%s\n' "${'$'}{line% .}" | base64 -d
}
if [ -n "$keyring_ok" ]; then
  if text=$(fast_answer health); then
    section_text ceph-health "$text" 0; rc=0; answered="$answered health"
  else
    section ceph-health t 15 ceph --id "$client" --connect-timeout 8 health
  fi
else rc=1; fi
if [ "$rc" = 0 ]; then
  # The client's own caps, when it may read them (never its key).
  if text=$(fast_answer caps); then
    section_text ceph-caps "$text" 0; answered="$answered caps"
  elif text=$(fast_answer caps-refused) && [ "${'$'}{text%%"$nl"*}" -gt 0 ] 2>/dev/null; then
    section_text ceph-caps "${'$'}{text#*"$nl"}" "${'$'}{text%%"$nl"*}"; answered="$answered caps-refused"
  else
    section ceph-caps sh -c 'out=$(timeout -k 2 15 ceph --id "$1" --connect-timeout 8 auth get "client.$1" 2>&1); rc=$?; printf "%s\n" "$out" | grep -v "key ="; exit $rc' sh "$client"
  fi
  rc=0
  image=
  index=0
  every_fast=1
  for pool in "$@"; do
    if out=$(fast_answer "ls-$index"); then
      rc=0; answered="$answered ls-$index"
    else
      every_fast=
      out=$(t 15 rbd --id "$client" --client-mount-timeout 8 --rados-mon-op-timeout 8 ls -p "$pool" 2>&1); rc=$?
    fi
    section_text "rbd-ls $pool" "$out" "$rc"
    if [ -z "$image" ] && [ "$rc" = 0 ] && [ -n "$out" ]; then image="$pool/$(printf '%s\n' "$out" | head -n 1)"; fi
    index=$((index + 1))
  done
  if [ -n "$image" ]; then
    if [ -n "$every_fast" ] && text=$(fast_answer status); then
      section_text rbd-status "$text" 0; answered="$answered status"
    else
      section rbd-status t 15 rbd --id "$client" --client-mount-timeout 8 --rados-mon-op-timeout 8 status "$image"
    fi
  fi
fi
[ -n "$keyring_ok" ] && section_text ceph-one-connection "${'$'}{answered# }" 0
`

/**
 * `ceph --version` prints four constants its build wrote at the top of the CLI (a python script):
 * they are read there, with the CLI's own format, rather than started python for it. Any other CLI
 * (a constant or that format missing) is asked.
 */
export const CEPH_VERSION = String.raw`
ceph_version() {
  cli=$(command -v ceph) && awk -F'"' '
    /^CEPH_GIT_VER = "/ { git = $2 } /^CEPH_GIT_NICE_VER = "/ { nice = $2 }
    /^CEPH_RELEASE_NAME = "/ { name = $2 } /^CEPH_RELEASE_TYPE = "/ { type = $2 }
    /print[(].ceph version [{]0[}] [(][{]1[}][)] [{]2[}] [(][{]3[}][)]./ { format = 1 }
    END { if (git == "" || nice == "" || name == "" || type == "" || !format) exit 1
          printf "ceph version %s (%s) %s (%s)\n", nice, git, name, type }' "$cli" 2>/dev/null || ceph --version
}
`

/**
 * The host doctor's probes, as one POSIX sh script run in one exec per host. Arguments:
 * $1 = Ceph client id, $2... = RBD pools. Each probe is a section of the framing's shell form
 * (framing.ts: SHELL_SECTIONS), printed between `@@begin <name>` and `@@end <name> <exit code>`.
 * Every probe that may talk to a daemon has its own short timeout, so one hung service cannot
 * take the others with it.
 */
export const PROBE_SCRIPT =
  SHELL_SECTIONS +
  CEPH_VERSION +
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
section ceph-version ceph_version
keyring_ok=
section keyring sh -c 'for f in /etc/ceph/ceph.client.'"$client"'.keyring /etc/ceph/ceph.keyring /etc/ceph/keyring; do if [ -e "$f" ]; then ls -ln "$f"; if [ -r "$f" ]; then echo "readable $f"; exit 0; fi; fi; done; exit 1'
[ "$rc" = 0 ] && keyring_ok=1
` +
  CEPH_PROBES +
  String.raw`
section libvirt-log sh -c 'if [ -r /var/log/libvirt/libvirtd.log ]; then echo direct; exit 0; fi; sudo -n -l /usr/bin/tail -n 200 /var/log/libvirt/libvirtd.log >/dev/null 2>&1 && { echo sudo; exit 0; }; ls -ln /var/log/libvirt/libvirtd.log; exit 1'
`
