"""bench/load: the load half of bench/run (issue 9). Each pair — nexusd and
its named baseline — runs alternately in the same run (A B, then B A, ...),
so machine noise hits both sides alike and the ratios of the medians
survive it. Prints one table.

    python3 bench/load/main.py --build build-bench [--reps 5] [--seconds 10]
"""
import argparse
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree

import os
import pathlib
import shutil
import statistics
import tempfile
import time

import coldstart
import procs
import s3_pair
import servers
import speech_pair
import wrk

CONNECTIONS = 32
OBJECT_BYTES = 1 << 20


def parse_args():
    a = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    a.add_argument("--build", required=True, type=pathlib.Path, help="build tree with bin/nexusd and plugins")
    a.add_argument("--reps", type=int, default=5, help="runs of each side of each pair (medians of these)")
    a.add_argument("--seconds", type=int, default=10, help="length of one wrk run")
    a.add_argument("--threads", type=int, default=2,
                   help="nexusd http.threads = nginx worker_processes = wrk threads")
    a.add_argument("--starts", type=int, default=10, help="nexusd starts for the cold-start median")
    a.add_argument("--nexusd-preload", metavar="LIB",
                   help="LD_PRELOAD LIB into the load pairs' nexusd (experiments, e.g. bench/tools/nodelay_preload.c)")
    a.add_argument("--only", metavar="TEXT",
                   help="run only the load pairs whose name contains TEXT (e.g. MCP), and not the cold start or the "
                        "in-process pairs: for iterating on one row; bench/README.md numbers come from full runs")
    return a.parse_args()


class Pair:
    """One row group of the table: a nexusd side and a baseline side, each a
    function that runs wrk once and returns a WrkResult."""

    def __init__(self, name, ours, theirs, baseline):
        self.name, self.ours, self.theirs, self.baseline = name, ours, theirs, baseline
        self.results = {"nexusd": [], baseline: []}
        self.problems = set()

    def run_once(self, rep):
        sides = [("nexusd", self.ours), (self.baseline, self.theirs)]
        for side, fn in sides if rep % 2 == 0 else reversed(sides):
            r = fn()
            self.results[side].append(r)
            if r.errors:
                self.problems.add(f"{side}: {r.errors}")


def med(results, attr):
    return statistics.median(getattr(r, attr) for r in results)


def main():
    args = parse_args()
    build = args.build.resolve()
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="nexus-bench-"))
    tmp.chmod(0o755)  # nginx started as root reads files as its unprivileged worker user

    print(f"load: {os.cpu_count()} cpus, load average {os.getloadavg()[0]:.2f} at start, "
          f"{args.reps} x {args.seconds} s per side, wrk -t{args.threads} -c{CONNECTIONS} keep-alive; "
          f"work dir {tmp}" + (f"; nexusd with LD_PRELOAD={args.nexusd_preload}" if args.nexusd_preload else ""),
          flush=True)
    nexusd = servers.start_nexusd(build, tmp / "nexusd", args.threads, args.nexusd_preload)
    servers.put_object(nexusd, "object.bin", os.urandom(OBJECT_BYTES))
    # nginx serves the very file the fs plugin wrote.
    nginx = servers.start_nginx(tmp / "nginx", args.threads, servers.fs_root(tmp / "nexusd"))
    sdk = servers.start_mcp_sdk(tmp / "ts-sdk")
    our_session = servers.open_mcp_session(nexusd, servers.API_KEY)
    their_session = servers.open_mcp_session(sdk)

    lua = str(servers.BENCH / "load/mcp_call.lua")

    def mcp(server, session, key, headers=(), seconds=args.seconds, tool="echo", cpus=None):
        env = dict(os.environ, MCP_SESSION_ID=session[0], MCP_PROTOCOL_VERSION=session[1], MCP_API_KEY=key,
                   MCP_TOOL=tool)
        return lambda: wrk.run(server.url("/mcp"), args.threads, CONNECTIONS, seconds, script=lua, env=env,
                               headers=headers, server_pgid=server.proc.pid, cpus=cpus)

    def get(server, path, headers=(), seconds=args.seconds):
        return lambda: wrk.run(server.url(path), args.threads, CONNECTIONS, seconds, headers=headers,
                               server_pgid=server.proc.pid)

    def own_cores(server, run):
        """`run` with the server on the last CPU and wrk on the others: no
        preemption between them, so p99 is the server's own tail (on shared
        cores wrk's threads and the server's take turns)."""
        last = os.cpu_count() - 1

        def pinned():
            procs.pin_group(server.proc.pid, str(last))
            try:
                return run()
            finally:
                procs.pin_group(server.proc.pid, f"0-{last}")
        return pinned

    key_header = [f"X-API-Key: {servers.API_KEY}"]
    # HTTP/1.1 connections persist unless a side says "Connection: close";
    # pistache 0.0.5 closes them unless the request says "keep-alive". The
    # "+KA" rows send that header to both sides to show what it costs.
    ka = ["Connection: keep-alive"]
    pairs = [
        Pair("GET /health", get(nexusd, "/health"), get(nginx, "/health"), "nginx"),
        Pair("GET /health +KA", get(nexusd, "/health", ka), get(nginx, "/health", ka), "nginx"),
        Pair("GET 1 MiB object", get(nexusd, "/v1/storage/objects/object.bin", key_header),
             get(nginx, "/files/object.bin"), "nginx"),
        Pair("MCP tools/call echo", mcp(nexusd, our_session, servers.API_KEY), mcp(sdk, their_session, ""),
             "ts-sdk"),
        Pair("MCP tools/call +KA", mcp(nexusd, our_session, servers.API_KEY, ka), mcp(sdk, their_session, "", ka),
             "ts-sdk"),
        # The same echo, not declared x-nexus-inline: run on a stream thread,
        # as every tool that may wait is (the TS SDK side calls its echo).
        Pair("MCP tools/call echo_worker", mcp(nexusd, our_session, servers.API_KEY, tool="echo_worker"),
             mcp(sdk, their_session, ""), "ts-sdk"),
    ]
    if os.cpu_count() >= 2:
        wrk_cpus = f"0-{os.cpu_count() - 2}"
        pairs.append(Pair("MCP echo, own cores",
                          own_cores(nexusd, mcp(nexusd, our_session, servers.API_KEY, cpus=wrk_cpus)),
                          own_cores(sdk, mcp(sdk, their_session, "", cpus=wrk_cpus)), "ts-sdk"))
    if args.only:
        pairs = [p for p in pairs if args.only.lower() in p.name.lower()]
        if not pairs:
            raise SystemExit(f"--only {args.only}: no load pair has that in its name")
    # Warm-up (JIT, caches, connection pools), not measured.
    for warm_up in [get(nexusd, "/health", seconds=1), get(nginx, "/health", seconds=1),
                    mcp(nexusd, our_session, servers.API_KEY, seconds=1), mcp(sdk, their_session, "", seconds=1)]:
        warm_up()
    for rep in range(args.reps):
        for pair in pairs:
            pair.run_once(rep)
        print(f"  rep {rep + 1}/{args.reps} done, load average {os.getloadavg()[0]:.2f}", flush=True)

    print_pairs(pairs)
    if args.only:
        procs.stop_all()
        shutil.rmtree(tmp)
        return
    print_cold_starts(coldstart.measure_all(build, tmp / "cold", args.starts))
    # The in-process pairs (bench/README-pairs.md): the s3 plugin against the
    # AWS SDK on s3rver, the pocketsphinx plugin against its CLI.
    s3_pair.print_table(s3_pair.measure(build, tmp / "s3", args.reps, args.seconds))
    # The speech pair is the noisiest (single runs vary by a third on a
    # shared machine) and cheap (seconds a rep): twice the reps.
    speech_pair.print_table(speech_pair.measure(build, tmp / "speech", args.reps * 2 if args.reps > 1 else 1))
    print(f"load average at end {os.getloadavg()[0]:.2f}")
    procs.stop_all()
    shutil.rmtree(tmp)  # kept when the run fails: the errors name log files in it


def fmt(x):
    return f"{x:,.0f}" if x >= 100 else f"{x:.2f}"


def print_pairs(pairs):
    print()
    print(f"{'pair':22} {'metric':7} {'nexusd':>9} {'baseline':>16} {'nexusd/base':>11}  runs (nexusd | baseline)")
    for p in pairs:
        metrics = [("req/s", "rps"), ("p50 ms", "p50_ms"), ("p99 ms", "p99_ms"), ("cpu us", "server_cpu_us")]
        for label, attr in metrics:
            ours, theirs = p.results["nexusd"], p.results[p.baseline]
            a, b = med(ours, attr), med(theirs, attr)
            runs = " ".join(fmt(getattr(r, attr)) for r in ours) + " | " + " ".join(fmt(getattr(r, attr)) for r in theirs)
            ratio = f"{a / b:10.2f}x" if b else f"{'n/a':>11}"
            print(f"{p.name:22} {label:7} {fmt(a):>9} {fmt(b) + ' ' + p.baseline:>16} {ratio}  {runs}")
    print("targets: /health >= 0.5x nginx; 1 MiB GET >= 0.8x nginx; MCP >= 10x ts-sdk req/s and <= 0.2x its p50")
    print("cpu us: the server's CPU time (user + system, all its processes and threads) per request")
    print("own cores: the server pinned to the last CPU, wrk to the others (taskset), for both sides")
    print("+KA: the client sends 'Connection: keep-alive' (HTTP/1.1 keeps the connection either way; kept as a check)")
    print("echo is declared x-nexus-inline (answered on the I/O thread); echo_worker is the same tool run on a stream "
          "thread, as a tool that may wait is")
    for p in pairs:
        for problem in sorted(p.problems):
            print(f"note: {p.name}: {problem}")


def print_cold_starts(results):
    print()
    print(f"{'nexusd start':40} {'to /ready ms':>12} {'idle RSS MiB':>12}  runs (ms)")
    for r in results:
        runs = " ".join(f"{x:.0f}" for x in r.ms)
        print(f"{r.label:40} {coldstart.median(r.ms):12.1f} {coldstart.median(r.rss_mib):12.1f}  {runs} "
              f"(first start, empty state_dir: {r.first_ms:.0f})")
    print("targets: cold start < 50 ms, idle RSS < 20 MiB (with all first-party plugins: the first row); "
          "medians of restarts, RSS 1 s after /ready")

if __name__ == "__main__":
    start = time.monotonic()
    main()
    print(f"load half took {time.monotonic() - start:.0f} s")
