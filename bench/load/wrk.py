"""Runs wrk and reads its report: requests/s, latency percentiles, errors."""
import re
import subprocess
from dataclasses import dataclass

import procs

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


@dataclass
class WrkResult:
    rps: float
    p50_ms: float
    p99_ms: float
    transfer: str
    errors: str  # "" when every answer was good
    server_cpu_us: float = 0.0  # the server's CPU time per request (user + system), 0 when not measured


def _ms(text):
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not m:
        raise ValueError(f"wrk printed a latency '{text}' this script does not understand")
    return float(m.group(1)) * _UNITS[m.group(2)]


def run(url, threads, connections, seconds, script=None, env=None, headers=(), server_pgid=None, cpus=None):
    """server_pgid: the server's process group, whose CPU time per request is
    measured across the run; cpus: run wrk on these CPUs only (taskset)."""
    argv = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if cpus:
        argv = ["taskset", "-c", cpus] + argv
    for h in headers:
        argv += ["-H", h]
    if script:
        argv += ["-s", script]
    cpu_before = procs.group_cpu_seconds(server_pgid) if server_pgid else 0.0
    out = subprocess.run(argv + [url], capture_output=True, text=True, env=env, check=True).stdout
    cpu_used = procs.group_cpu_seconds(server_pgid) - cpu_before if server_pgid else 0.0
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
    if not (rps and p50 and p99):
        raise RuntimeError(f"unexpected wrk output for {url}:\n{out}")
    problems = []
    if m := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out):
        problems.append(f"{m.group(1)} non-2xx")
    if m := re.search(r"Socket errors: (.*)", out):
        problems.append(f"socket errors ({m.group(1)})")
    if (m := re.search(r"bad_answers: (\d+)", out)) and int(m.group(1)):
        problems.append(f"{m.group(1)} answers without the echo")
    transfer = re.search(r"Transfer/sec:\s+(\S+)", out)
    done = re.search(r"(\d+) requests in", out)
    requests = int(done.group(1)) if done else float(rps.group(1)) * seconds
    return WrkResult(float(rps.group(1)), _ms(p50.group(1)), _ms(p99.group(1)),
                     transfer.group(1) if transfer else "", ", ".join(problems),
                     1e6 * cpu_used / requests if server_pgid and requests else 0.0)
