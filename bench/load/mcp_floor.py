"""What an MCP tools/call costs nexusd beyond HTTP itself, and the most any
server on pistache could reach against the TS SDK (issue 9's 10x row).

Each server runs pinned to the last CPU, wrk on the others, so each
request's CPU time is the server's alone (no preemption by the load
generator). Measured per request, server CPU (user + system), in one run:

  GET /health               the smallest request nexusd answers
  POST /health, MCP bytes   the MCP call's exact request (headers and body)
                            sent where no MCP endpoint answers it: pistache
                            reads and parses it, nexusd routes it and answers
                            405 -- everything an MCP call costs but MCP
  MCP tools/call echo       the real call (inline tool)
  TS SDK tools/call echo    the baseline, same bytes, same pinning

The last line divides the SDK's cost by the floor: the throughput ratio a
server would reach if its MCP handling cost nothing at all.

    python3 bench/load/mcp_floor.py --build build-bench [--reps 3] [--seconds 5]
"""
import argparse
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree

import os
import pathlib
import shutil
import statistics
import tempfile

import procs
import servers
import wrk


def main():
    a = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    a.add_argument("--build", required=True, type=pathlib.Path)
    a.add_argument("--reps", type=int, default=3)
    a.add_argument("--seconds", type=int, default=5)
    args = a.parse_args()
    if os.cpu_count() < 2:
        raise SystemExit("mcp_floor.py needs 2 CPUs: one for the server, one for wrk")
    server_cpu, wrk_cpus = str(os.cpu_count() - 1), f"0-{os.cpu_count() - 2}"
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="nexus-floor-"))
    nexusd = servers.start_nexusd(args.build.resolve(), tmp / "nexusd", 2)
    sdk = servers.start_mcp_sdk(tmp / "ts-sdk")
    lua = str(servers.BENCH / "load/mcp_call.lua")

    def mcp_env(server, key, check=True):
        sid, version = servers.open_mcp_session(server, key)
        return dict(os.environ, MCP_SESSION_ID=sid, MCP_PROTOCOL_VERSION=version, MCP_API_KEY=key or "",
                    MCP_CHECK="1" if check else "0")

    ours, theirs = mcp_env(nexusd, servers.API_KEY), mcp_env(sdk, None)
    unchecked = dict(ours, MCP_CHECK="0")
    rows = [
        ("GET /health", nexusd, lambda: wrk.run(nexusd.url("/health"), 2, 32, args.seconds,
                                                server_pgid=nexusd.proc.pid, cpus=wrk_cpus)),
        ("POST /health, MCP bytes", nexusd, lambda: wrk.run(nexusd.url("/health"), 2, 32, args.seconds, script=lua,
                                                            env=unchecked, server_pgid=nexusd.proc.pid,
                                                            cpus=wrk_cpus)),
        ("MCP tools/call echo", nexusd, lambda: wrk.run(nexusd.url("/mcp"), 2, 32, args.seconds, script=lua, env=ours,
                                                        server_pgid=nexusd.proc.pid, cpus=wrk_cpus)),
        ("TS SDK tools/call echo", sdk, lambda: wrk.run(sdk.url("/mcp"), 2, 32, args.seconds, script=lua, env=theirs,
                                                        server_pgid=sdk.proc.pid, cpus=wrk_cpus)),
    ]
    results = {name: [] for name, _, _ in rows}
    for server in (nexusd, sdk):
        procs.pin_group(server.proc.pid, server_cpu)
    for rep in range(args.reps):
        for name, _, run in (rows if rep % 2 == 0 else list(reversed(rows))):
            results[name].append(run())
    procs.stop_all()
    shutil.rmtree(tmp)

    print(f"server on cpu {server_cpu}, wrk on cpus {wrk_cpus}; medians of {args.reps} x {args.seconds} s")
    print(f"{'request':26} {'req/s':>9} {'cpu us/req':>11} {'p50 ms':>7} {'p99 ms':>7}  cpu us/req runs")
    cpu = {}
    for name, rs in results.items():
        cpu[name] = statistics.median(r.server_cpu_us for r in rs)
        print(f"{name:26} {statistics.median(r.rps for r in rs):9,.0f} {cpu[name]:11.1f} "
              f"{statistics.median(r.p50_ms for r in rs):7.2f} {statistics.median(r.p99_ms for r in rs):7.2f}  "
              + " ".join(f"{r.server_cpu_us:.1f}" for r in rs))
    floor, call, sdk_cpu = cpu["POST /health, MCP bytes"], cpu["MCP tools/call echo"], cpu["TS SDK tools/call echo"]
    print(f"MCP handling (the call minus the floor): {call - floor:.1f} us; the floor: {floor:.1f} us")
    print(f"throughput ratio per CPU: nexusd {sdk_cpu / call:.2f}x the TS SDK; "
          f"with MCP handling free, at most {sdk_cpu / floor:.2f}x (target 10x)")


if __name__ == "__main__":
    main()
