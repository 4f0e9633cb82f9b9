"""Child processes of bench/load: each in its own process group, all of them
killed when the run ends, however it ends (normal exit, exception, Ctrl-C,
SIGTERM), so a run never leaves a server behind."""
import atexit
import os
import signal
import socket
import subprocess
import sys
import time

_live = []


def spawn(argv, **kwargs):
    """Starts argv in a new session (its own process group) and tracks it."""
    p = subprocess.Popen(argv, start_new_session=True, **kwargs)
    _live.append(p)
    return p


def stop(p, grace=10.0):
    """SIGTERM to p's group, SIGKILL after `grace` seconds."""
    if p in _live:
        _live.remove(p)
    if p.poll() is not None:
        return
    try:
        os.killpg(p.pid, signal.SIGTERM)
        p.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()
    except ProcessLookupError:
        pass


def stop_all():
    for p in list(_live):
        stop(p, grace=5.0)


def _on_signal(signum, _frame):
    stop_all()
    sys.exit(128 + signum)


atexit.register(stop_all)
signal.signal(signal.SIGTERM, _on_signal)
signal.signal(signal.SIGINT, _on_signal)


def free_port():
    """A port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_status(port, path, timeout=1.0):
    """The status of GET path on 127.0.0.1:port, or None if nothing answers."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
            head = s.recv(64).decode("latin-1")
            return int(head.split(" ", 2)[1]) if head.startswith("HTTP/") else None
    except (OSError, ValueError, IndexError):
        return None


def wait_ready(p, port, path, what, timeout=30.0, poll=0.001):
    """Waits until GET path answers 200; fails with what went wrong."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if p.poll() is not None:
            raise RuntimeError(f"{what} exited with status {p.returncode} before {path} answered 200")
        if http_status(port, path) == 200:
            return
        time.sleep(poll)
    raise RuntimeError(f"{what} did not answer 200 on 127.0.0.1:{port}{path} within {timeout:.0f} s")


def group_pids(pgid):
    """Every live process of process group `pgid` (a server and its workers)."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        if int(fields[2]) == pgid:
            pids.append(int(entry))
    return pids


def group_cpu_seconds(pgid):
    """User + system CPU time used so far by the live processes of group
    `pgid`, all their threads included (nginx: the master and its workers)."""
    total = 0
    for pid in group_pids(pgid):
        try:
            fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def pin_group(pgid, cpus):
    """Restricts every thread of every process of group `pgid` to `cpus`
    ("1", "0-1"); threads started later inherit it from their creator."""
    for pid in group_pids(pgid):
        subprocess.run(["taskset", "-a", "-p", "-c", cpus, str(pid)], check=True, capture_output=True)
