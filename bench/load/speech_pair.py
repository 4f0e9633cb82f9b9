"""The pocketsphinx pair of bench/run (issue 9): the pocketsphinx plugin
against Debian's pocketsphinx_continuous CLI on the same WAV, with the same
acoustic model, dictionary and language model (the plugin's defaults, given
to the CLI explicitly) and the same utterance splitting (both feed 2048
samples at a time and cut at the voice-activity detector's pauses).

The recording is made here as the tests make theirs (espeak-ng, then sox
-R to 16 kHz mono 16-bit, tests/support/speech_audio.hpp): three call-centre
sentences, each followed by a 2.5 s pause, about 15 s.

A CLI run is a cold start: process, model load, decode. So one plugin run
(bench/inproc/pocketsphinx_plugin_bench.cpp, its own process) reports
  create + first call: instance creation and the first transcription, which
                       loads the models (they load on the first call)
  warm call:           a later transcription, the models already loaded
and the table compares both with the CLI's run. Target: plugin time
<= 1.05x the CLI's; the fair row is create + first call. Wall time and CPU
time (user + system, of the CLI process / of the plugin's process during
the step) are both reported: on a machine shared with other work the wall
times mostly measure the competition, the CPU times the work.

    python3 bench/load/speech_pair.py --build build-bench [--reps 5]
"""
import argparse
import sys

sys.dont_write_bytecode = True

import os
import pathlib
import shutil
import statistics
import subprocess
import tempfile
import time
import json

MODEL = pathlib.Path("/usr/share/pocketsphinx/model/en-us")
SENTENCES = ["please transfer my call to billing", "i want to speak to a manager",
             "i would like to cancel my account"]
PAUSE_SECONDS = 2.5
ROUNDS = 1


def make_wav(tmp):
    """The bench recording (see the module's doc); returns its path."""
    tmp.mkdir(parents=True, exist_ok=True)
    parts = []
    for i, text in enumerate(SENTENCES):
        raw, part = tmp / f"raw-{i}.wav", tmp / f"part-{i}.wav"
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(raw), text], check=True,
                       stderr=subprocess.DEVNULL)
        subprocess.run(["sox", "-R", str(raw), "-r", "16000", "-c", "1", "-b", "16", "-e", "signed-integer", str(part),
                        "pad", "0", str(PAUSE_SECONDS)], check=True, stderr=subprocess.DEVNULL)
        parts.append(str(part))
    wav = tmp / "call.wav"
    subprocess.run(["sox", "-R", *(parts * ROUNDS), str(wav)], check=True, stderr=subprocess.DEVNULL)
    return wav


def cli_side(wav):
    """pocketsphinx_continuous on wav: wall ms, CPU ms and the recognised text."""
    argv = ["pocketsphinx_continuous", "-infile", str(wav), "-hmm", str(MODEL / "en-us"),
            "-dict", str(MODEL / "cmudict-en-us.dict"), "-lm", str(MODEL / "en-us.lm.bin"), "-logfn", "/dev/null"]
    out = tempfile.TemporaryFile(mode="w+")
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, stdout=out, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    ms = (time.perf_counter() - t0) * 1e3
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise RuntimeError(f"pocketsphinx_continuous failed with status {p.returncode}")
    out.seek(0)
    text = " ".join(line.strip() for line in out.read().splitlines() if line.strip())
    return {"wall_ms": ms, "cpu_ms": (usage.ru_utime + usage.ru_stime) * 1e3, "text": text}


def plugin_side(build, wav, warm_calls=1):
    r = subprocess.run([str(build / "bin/nexus_pocketsphinx_plugin_bench"), str(wav), str(warm_calls)],
                       capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        raise RuntimeError(f"the pocketsphinx plugin bench failed with status {r.returncode}: {r.stderr[-2000:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def measure(build, tmp, reps):
    if not shutil.which("pocketsphinx_continuous"):
        raise RuntimeError("pocketsphinx_continuous is missing: scripts/deps.sh installs Debian's pocketsphinx")
    wav = make_wav(tmp)
    results = {"plugin": [], "cli": []}
    for rep in range(reps):
        sides = [("plugin", lambda: plugin_side(build, wav)), ("cli", lambda: cli_side(wav))]
        for side, fn in sides if rep % 2 == 0 else reversed(sides):
            results[side].append(fn())
        print(f"  speech pair: rep {rep + 1}/{reps} done, load average {os.getloadavg()[0]:.2f}", flush=True)
    return results


def print_table(results):
    plugin, cli = results["plugin"], results["cli"]
    fmt = lambda xs: " ".join(f"{x:.0f}" for x in xs)
    print()
    print(f"{'pocketsphinx pair (%.0f s WAV, lm search)' % plugin[0]['audio_s']:44} {'plugin ms':>10} "
          f"{'CLI ms':>8} {'plugin/CLI':>10}  runs (plugin | CLI)")
    for clock, suffix, cli_key in [("wall", "_ms", "wall_ms"), ("CPU", "_cpu_ms", "cpu_ms")]:
        cold = [r["create" + suffix] + r["first_call" + suffix] for r in plugin]
        warm = [statistics.median(r["warm_call" + suffix]) for r in plugin]
        base_runs = [r[cli_key] for r in cli]
        c, w, base = statistics.median(cold), statistics.median(warm), statistics.median(base_runs)
        print(f"{clock + ': create + first call (loads) vs CLI':44} {c:10.0f} {base:8.0f} {c / base:9.2f}x  "
              f"{fmt(cold)} | {fmt(base_runs)}")
        print(f"{clock + ': warm call (models loaded) vs CLI':44} {w:10.0f} {base:8.0f} {w / base:9.2f}x  "
              f"{fmt(warm)} | {fmt(base_runs)}")
    # Each rep runs the two sides back to back, so their ratio shares the
    # machine's state at that moment; its median is steadier than the ratio
    # of the two medians when single runs vary by a third (bench/README.md).
    paired = [(r["create_cpu_ms"] + r["first_call_cpu_ms"]) / c["cpu_ms"] for r, c in zip(plugin, cli)]
    print(f"{'CPU: create + first call vs CLI, paired':44} {'':10} {'':8} {statistics.median(paired):9.2f}x  "
          f"median of per-rep ratios: {' '.join(f'{x:.2f}' for x in paired)}")
    print(f"  plugin wall: create {statistics.median(r['create_ms'] for r in plugin):.0f} ms, first call "
          f"{statistics.median(r['first_call_ms'] for r in plugin):.0f} ms")
    same = plugin[0]["text"] == cli[0]["text"]
    print(f"same text from both: {'yes' if same else 'NO'}" +
          ("" if same else f"\n  plugin: {plugin[0]['text']}\n  CLI:    {cli[0]['text']}"))
    print("target: plugin time <= 1.05x the CLI's (the CLI's time includes its model load: compare the "
          "create + first call rows)")


def main():
    a = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    a.add_argument("--build", required=True, type=pathlib.Path,
                   help="build tree with bin/nexus_pocketsphinx_plugin_bench")
    a.add_argument("--reps", type=int, default=5)
    args = a.parse_args()
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="nexus-bench-speech-"))
    print(f"speech pair: {os.cpu_count()} cpus, load average {os.getloadavg()[0]:.2f}, {args.reps} runs per side",
          flush=True)
    print_table(measure(args.build.resolve(), tmp, args.reps))
    shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
