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
 *   clean  removes a name's entry if nobody holds it (EBUSY otherwise), race-free: see clean().
 *          cls_lock keeps a name's "lock.<name>" xattr after its last locker left (unlock and break
 *          write back an empty locker list), so without this the object grows with every name ever
 *          leased.
 *   list   every name and its unexpired lockers (list_locks, then get_info per name), decoded
 *          here: answered as {"value": [{"name", "lockers": [{locker, cookie, description, addr,
 *          expiration (ms since the epoch, 0: none)}]}]}.
 *
 * LEASE_CLS_CODEC is the wire-format part alone (no rados), so the unit test runs it on its own.
 */
export const LEASE_CLS_CODEC = String.raw`
import struct

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

def get_info(name):
    return enc_op(enc_str(name))

class Reader:
    def __init__(self, data):
        self.data, self.at = data, 0
    def take(self, fmt):
        values = struct.unpack_from(fmt, self.data, self.at)
        self.at += struct.calcsize(fmt)
        return values if len(values) > 1 else values[0]
    def text(self):
        size = self.take("<I")
        self.at += size
        return self.data[self.at - size:self.at].decode("utf-8", "replace")
    def start(self):
        # ENCODE_START: version, compat, length; returns where the struct ends.
        self.take("<BB")
        size = self.take("<I")
        return self.at + size

def decode_list(data):
    """cls_lock_list_locks_reply: the object's lock names."""
    reader = Reader(data)
    reader.start()
    return [reader.text() for _ in range(reader.take("<I"))]

def decode_addr(reader):
    """entity_addr_t as the CLI shows it (ip:port/nonce); "" for a form we do not read."""
    if reader.take("<B") != 1:
        reader.at += 3 + 4 + 128  # legacy form: pad, nonce, sockaddr_storage
        return ""
    end = reader.start()
    _, nonce, size = reader.take("<III")
    text = ""
    if size >= 8 and reader.take("<H") == 2:
        port = struct.unpack_from(">H", reader.data, reader.at)[0]
        ip = ".".join(str(b) for b in reader.data[reader.at + 2:reader.at + 6])
        text = "%s:%d/%d" % (ip, port, nonce)
    reader.at = end
    return text

def decode_info(data):
    """cls_lock_get_info_reply: the name's lockers (the OSD already dropped the expired ones)."""
    reader = Reader(data)
    reader.start()
    lockers = []
    for _ in range(reader.take("<I")):
        end = reader.start()
        kind, number = reader.take("<Bq")
        cookie = reader.text()
        reader.at = end
        end = reader.start()
        seconds, nanos = reader.take("<II")
        addr = decode_addr(reader)
        description = reader.text()
        reader.at = end
        lockers.append({"locker": "client.%d" % number if kind == ENTITY_CLIENT else "?%d.%d" % (kind, number),
                        "cookie": cookie, "description": description, "addr": addr,
                        "expiration": seconds * 1000 + nanos // 1000000})
    return lockers
`

export const LEASE_SESSION_PROGRAM =
  LEASE_CLS_CODEC +
  String.raw`
import json, sys

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

def call(method, encode):
    def run(req):
        ioctx.execute(req["object"], "lock", method, encode(req))
    return run

def clean(req):
    # One atomic OSD op: a take with a fresh cookie (EBUSY while anyone holds the name, by the
    # OSD's clock once its expired lockers are trimmed: then nothing of the op is applied), then
    # the removal of the name's entry, the "lock.<name>" xattr cls_lock keeps (unlock leaves it).
    op = ioctx.create_write_op()
    try:
        op.execute("lock", "lock", lock(req, 0))
        op.rm_xattr("lock." + req["name"])
        ioctx.operate_write_op(op, req["object"])
    finally:
        ioctx.release_write_op(op)

LIST_BYTES = 1 << 22

def list_all(req):
    try:
        ret, data = ioctx.execute(req["object"], "lock", "list_locks", b"", length=LIST_BYTES)
    except rados.ObjectNotFound:
        return []
    names = decode_list(data)
    out = []
    for name in names:
        try:
            ret, data = ioctx.execute(req["object"], "lock", "get_info", get_info(name), length=LIST_BYTES)
        except rados.ObjectNotFound:
            continue
        out.append({"name": name, "lockers": decode_info(data)})
    return out

OPS = {
    "take": call("lock", lambda req: lock(req, 0)),
    "renew": call("lock", lambda req: lock(req, MUST_RENEW)),
    "unlock": call("unlock", unlock),
    "break": call("break_lock", break_lock),
    "clean": clean,
    "list": list_all,
}

out({"ready": True, "client": "client.%d" % cluster.get_instance_id()})
for line in sys.stdin:
    req = {}
    try:
        req = json.loads(line)
        value = OPS[req["op"]](req)
        out({"id": req["id"], "ok": True, **({"value": value} if value is not None else {})})
    except rados.Error as error:
        out({"id": req.get("id"), "errno": getattr(error, "errno", None), "error": str(error)})
    except Exception as error:
        out({"id": req.get("id") if isinstance(req, dict) else None, "errno": None, "error": repr(error)})
cluster.shutdown()
`
