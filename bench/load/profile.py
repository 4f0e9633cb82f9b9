"""Where nexusd's time goes under one pair's load: starts nexusd with the
bench config, drives it with wrk and records it with perf (call graphs);
prints the top of `perf report`. Not part of bench/run.

    python3 bench/load/profile.py --build build-bench --what health|object|mcp [--seconds 10]
"""
import argparse
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree

import os
import pathlib
import shutil
import subprocess
import tempfile

import procs
import servers
import wrk


def main():
    a = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    a.add_argument("--build", required=True, type=pathlib.Path)
    a.add_argument("--what", choices=["health", "object", "mcp"], default="health")
    a.add_argument("--seconds", type=int, default=10)
    a.add_argument("--threads", type=int, default=2)
    a.add_argument("--keep", type=pathlib.Path, help="keep perf.data here (for perf report --children, ...)")
    a.add_argument("--lines", type=int, default=60, help="lines of perf report to print")
    a.add_argument("--call-graph", default="fp", help="perf record --call-graph: fp (default) or dwarf "
                   "(whole user stacks without frame pointers; larger data, keep --seconds short)")
    args = a.parse_args()
    if not shutil.which("perf"):
        raise SystemExit("profile.py needs perf (Debian: linux-perf)")
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="nexus-profile-"))
    nexusd = servers.start_nexusd(args.build.resolve(), tmp / "nexusd", args.threads)
    key = [f"X-API-Key: {servers.API_KEY}"]
    if args.what == "health":
        load = lambda: wrk.run(nexusd.url("/health"), args.threads, 32, args.seconds)
    elif args.what == "object":
        servers.put_object(nexusd, "object.bin", os.urandom(1 << 20))
        load = lambda: wrk.run(nexusd.url("/v1/storage/objects/object.bin"), args.threads, 32, args.seconds,
                               headers=key)
    else:
        sid, version = servers.open_mcp_session(nexusd, servers.API_KEY)
        env = dict(os.environ, MCP_SESSION_ID=sid, MCP_PROTOCOL_VERSION=version, MCP_API_KEY=servers.API_KEY)
        lua = str(servers.BENCH / "load/mcp_call.lua")
        load = lambda: wrk.run(nexusd.url("/mcp"), args.threads, 32, args.seconds, script=lua, env=env)
    data = tmp / "perf.data"
    rec = procs.spawn(["perf", "record", "--call-graph", args.call_graph, "-o", str(data), "-p",
                       str(nexusd.proc.pid)],
                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    result = load()
    procs.stop(rec)  # SIGTERM: perf writes its data and exits
    print(f"{args.what}: {result.rps:,.0f} req/s under perf")
    report = subprocess.run(["perf", "report", "-i", str(data), "--no-children", "--percent-limit", "0.7",
                             "--stdio", "-g", "none", "--sort", "dso,symbol"],
                            capture_output=True, text=True).stdout
    rows = [line.rstrip(" -") for line in report.splitlines() if line.strip() and not line.startswith("#")]
    print("\n".join(rows[:args.lines]))
    procs.stop_all()
    if args.keep:
        shutil.copy(data, args.keep)
    shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
