/**
 * The Python program of a lease session (lease-session.ts), sent as the first line of its stdin to the
 * host's /usr/bin/python3 (nothing is installed or left on the host). It uses the `rados` binding,
 * python3-rados, which Debian's ceph-common depends on: a host with `rados` has it.
 *
 * argv: client id, monitor timeout (s), pool. It connects once as that client (/etc/ceph's conf and
 * keyring, as `rados --id` does), prints {"ready":true,"client":"client.N"}, then answers one JSON
 * line per request line, in order: {"id":…,"ok":true} or {"id":…,"errno":N,"error":"…"}.
 *
 * The calls are cls_lock's own (src/cls/lock/cls_lock_ops.h encodings), not the binding's
 * lock_exclusive: on the lab's Pacific that one leaves the duration's microseconds unset (a 3 s lock
 * outlived its duration by up to 2 s, and could by any amount), and it has no tag and no break. The
 * class call takes exact values and the CLI's tag, so a lock taken here and one taken by `rados lock`
 * are the same to either side.
 *   take   lock, flags 0: EBUSY when another holds it.
 *   renew  lock, LOCK_FLAG_MUST_RENEW (Ceph ≥ 13.2.3 / 14): succeeds only while this very client
 *          still holds it unexpired (ENOENT otherwise: expired, released, or another's), and extends it.
 *   unlock our own (this client, this cookie); ENOENT when it is not ours any more.
 *   break  one locker and cookie (a lock this session's predecessor took).
 */
export const LEASE_SESSION_PROGRAM = String.raw`
import json, struct, sys

def out(value):
    sys.stdout.write(json.dumps(value) + "\n")
    sys.stdout.flush()

try:
    import rados
except Exception as error:
    out({"fatal": "no-binding", "error": str(error)})
    sys.exit(3)

client_id, seconds, pool = sys.argv[1], sys.argv[2], sys.argv[3]
try:
    cluster = rados.Rados(rados_id=client_id, conf={
        "client_mount_timeout": seconds, "rados_mon_op_timeout": seconds, "rados_osd_op_timeout": seconds})
    cluster.conf_read_file()
    cluster.connect(timeout=int(seconds))
    ioctx = cluster.open_ioctx(pool)
except rados.Error as error:
    out({"fatal": "connect", "errno": getattr(error, "errno", None), "error": str(error)})
    sys.exit(4)

def enc_str(text):
    data = text.encode()
    return struct.pack("<I", len(data)) + data

def enc_op(body):
    return struct.pack("<BBI", 1, 1, len(body)) + body

EXCLUSIVE, ENTITY_CLIENT, MUST_RENEW = 1, 8, 0x2

def lock(req, flags):
    return enc_op(enc_str(req["name"]) + struct.pack("<B", EXCLUSIVE) + enc_str(req["cookie"]) +
                  enc_str(req["tag"]) + enc_str(req["desc"]) +
                  struct.pack("<IIB", int(req["duration"]), 0, flags))

def unlock(req):
    return enc_op(enc_str(req["name"]) + enc_str(req["cookie"]))

def break_lock(req):
    number = int(req["locker"][len("client."):])
    return enc_op(enc_str(req["name"]) + struct.pack("<Bq", ENTITY_CLIENT, number) + enc_str(req["cookie"]))

OPS = {
    "take": ("lock", lambda req: lock(req, 0)),
    "renew": ("lock", lambda req: lock(req, MUST_RENEW)),
    "unlock": ("unlock", unlock),
    "break": ("break_lock", break_lock),
}

out({"ready": True, "client": "client.%d" % cluster.get_instance_id()})
for line in sys.stdin:
    req = {}
    try:
        req = json.loads(line)
        method, encode = OPS[req["op"]]
        ioctx.execute(req["object"], "lock", method, encode(req))
        out({"id": req["id"], "ok": True})
    except rados.Error as error:
        out({"id": req.get("id"), "errno": getattr(error, "errno", None), "error": str(error)})
    except Exception as error:
        out({"id": req.get("id") if isinstance(req, dict) else None, "errno": None, "error": repr(error)})
cluster.shutdown()
`
