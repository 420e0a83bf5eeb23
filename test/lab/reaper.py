#!/usr/bin/python3
"""reaper.py CMD [ARG...]: runs a daemon that forks into the background (`libvirtd -d`) under a process
that adopts and reaps at once whatever it leaves behind, and returns CMD's own exit status.

Orphans go to the nearest "child subreaper" above them, else to PID 1. The machine the lab runs on has
an init that reaps orphans about every 2 s, and libvirt's daemon and the QEMUs it starts are orphans:
libvirt waits for a QEMU it stopped to be *gone* (kill(pid, 0) polled every 200 ms until it fails), and
a zombie is not gone. Each `virsh destroy`, each migration's end on the source and each aborted
migration's end on the destination waited ~1.5-2 s for that init (SIGTERM to exit: 80 ms).

The caller's side (this process) returns once CMD's first process ended, with its status and its
messages on the caller's stderr, as `CMD` alone did; the reaper stays, its stdio on /dev/null (a
caller reading our pipes to their end is not kept waiting), until nothing is left to reap.
"""
import ctypes
import os
import sys

PR_SET_CHILD_SUBREAPER = 36


def main() -> int:
    if len(sys.argv) < 2:
        print('usage: reaper.py CMD [ARG...]', file=sys.stderr)
        return 2
    status_read, status_write = os.pipe()
    if os.fork() > 0:
        os.close(status_write)
        answer = os.read(status_read, 16)
        return int(answer) if answer else 1
    os.close(status_read)
    os.setsid()
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        # Without it CMD still runs, as it did before: orphans go to PID 1.
        print(f'reaper.py: prctl(PR_SET_CHILD_SUBREAPER): {os.strerror(ctypes.get_errno())}', file=sys.stderr)
    first = os.fork()
    if first == 0:
        os.close(status_write)
        try:
            os.execvp(sys.argv[1], sys.argv[1:])
        except OSError as error:
            print(f'reaper.py: {sys.argv[1]}: {error.strerror}', file=sys.stderr)
        os._exit(127)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    while True:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            return 0
        if pid == first:
            code = os.waitstatus_to_exitcode(status)
            os.write(status_write, str(code if code >= 0 else 128 - code).encode())
            os.close(status_write)


if __name__ == '__main__':
    sys.exit(main())
