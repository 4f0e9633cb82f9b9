"""Cold start to /ready with etc/nexus.json (every first-party plugin the
default config uses) and the idle RSS that follows, from /proc; and the
same without the speech model (the pocketsphinx instance), which dominates
both."""
import json
import os
import pathlib
import statistics
import time
from dataclasses import dataclass

import procs
from servers import ROOT


@dataclass
class ColdStart:
    label: str
    ms: list         # to /ready, one per restart
    rss_mib: list    # idle, one per restart
    first_ms: float  # the first start, with an empty state_dir


def strip_comments(text):
    """etc/nexus.json without its // and /* */ comments (outside strings)."""
    out, i, in_string = [], 0, False
    while i < len(text):
        c = text[i]
        if in_string:
            out.append(c)
            if c == "\\":
                out.append(text[i + 1])
                i += 1
            elif c == '"':
                in_string = False
        elif c == '"':
            in_string = True
            out.append(c)
        elif text.startswith("//", i):
            i = text.find("\n", i)
            i = len(text) if i < 0 else i
            continue
        elif text.startswith("/*", i):
            i = text.index("*/", i) + 2
            continue
        else:
            out.append(c)
        i += 1
    return "".join(out)


def without_speech(config):
    """The config minus pocketsphinx instances, the transcribe tools that name
    them as providers, and the transcription section that uses them."""
    c = json.loads(json.dumps(config))
    gone = [n for n, inst in c["instances"].items() if inst.get("plugin") == "pocketsphinx"]
    gone += [n for n, inst in c["instances"].items()
             if inst.get("plugin") == "transcribe_tools"
             and set(inst.get("config", {}).get("providers", [])) & set(gone)]
    for n in gone:
        del c["instances"][n]
    if c.get("transcription", {}).get("provider") in gone:
        del c["transcription"]
        c.get("routes", {}).pop("transcription", None)
    return c


def _rss_mib(pid):
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024.0
    raise RuntimeError(f"no VmRSS in /proc/{pid}/status")


def measure(build, tmp, label, config, starts, idle_seconds=1.0):
    """Starts nexusd starts+1 times with `config`, written to tmp/etc so its
    relative state_dir and data folders land in tmp. The first start fills
    the state_dir (content-addressed plugin copies) and is reported apart;
    the others are restarts, the common case."""
    (tmp / "etc").mkdir(parents=True, exist_ok=True)
    (tmp / "etc/nexus.json").write_text(json.dumps(config, indent=2))
    env = dict(os.environ, NEXUS_API_KEY="bench-cold-start-key", NEXUS_DATA_DIR=str(tmp / "data"),
               NEXUS_LOG_LEVEL="warn")
    times, rss = [], []
    for _ in range(starts + 1):
        port = procs.free_port()
        env["NEXUS_LISTEN"] = f"127.0.0.1:{port}"
        t0 = time.perf_counter()
        p = procs.spawn([str(build / "bin/nexusd"), "--config", str(tmp / "etc/nexus.json"),
                         "--plugin-dir", str(build / "plugins")],
                        cwd=tmp, env=env, stdout=open(tmp / "out.log", "a"), stderr=open(tmp / "err.log", "a"))
        procs.wait_ready(p, port, "/ready", f"nexusd with {label} (log: {tmp}/err.log)")
        times.append((time.perf_counter() - t0) * 1e3)
        time.sleep(idle_seconds)
        rss.append(_rss_mib(p.pid))
        procs.stop(p)
    first = times.pop(0)
    rss.pop(0)
    return ColdStart(label, times, rss, first)


def measure_all(build, tmp, starts):
    config = json.loads(strip_comments((ROOT / "etc/nexus.json").read_text()))
    return [measure(build, tmp / "all", "etc/nexus.json", config, starts),
            measure(build, tmp / "no-speech", "etc/nexus.json without pocketsphinx", without_speech(config), starts)]


def median(xs):
    return statistics.median(xs)
