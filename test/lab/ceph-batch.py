#!/usr/bin/python3
"""Run Ceph monitor commands in ONE client session (the `ceph` CLI costs ~0.5 s per call here:
it loads its argument parser and asks the monitor for every command's description first).

usage: ceph-batch.py CEPH_CONF < commands
Each stdin line is a JSON object:
  {"prefix": "osd pool create", "pool": "x", ...}   a monitor command (same JSON as `ceph ... -f json` sends)
  "_inbuf": "text"                                  optional input (e.g. `osd new` secrets)
  "_out": "/path"                                   optional: write the command's output there (mode 0600)
  "_print": true                                    optional: print the command's output, then a NUL
  "_mgr": true                                      optional: a manager command (e.g. pg dump), not a monitor's
  {"_rbd_pool_init": "pool"}                        what `rbd pool init pool` does
Stops at the first failure with the monitor's message. Uses Debian's /usr/bin/python3 bindings."""
import json
import os
import sys

import rados
import rbd


def main() -> int:
    conf = sys.argv[1]
    cluster = rados.Rados(conffile=conf, name="client.admin")
    cluster.connect(timeout=30)
    try:
        for n, line in enumerate(sys.stdin, 1):
            line = line.strip()
            if not line:
                continue
            cmd = json.loads(line)
            if "_rbd_pool_init" in cmd:
                with cluster.open_ioctx(cmd["_rbd_pool_init"]) as ioctx:
                    rbd.RBD().pool_init(ioctx, False)
                continue
            inbuf = cmd.pop("_inbuf", "").encode()
            out = cmd.pop("_out", None)
            show = cmd.pop("_print", False)
            to_mgr = cmd.pop("_mgr", False)
            cmd.setdefault("format", "plain")
            send = cluster.mgr_command if to_mgr else cluster.mon_command
            ret, outbuf, outs = send(json.dumps(cmd), inbuf, timeout=30)
            if ret != 0:
                print(f"ceph-batch: line {n} {cmd['prefix']!r} failed ({ret}): {outs}", file=sys.stderr)
                return 1
            if show:
                sys.stdout.write(outbuf.decode("utf-8", "replace") + "\0")
            if out:
                fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                with os.fdopen(fd, "wb") as f:
                    f.write(outbuf)
    finally:
        cluster.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
