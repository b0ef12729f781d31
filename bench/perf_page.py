"""Run every benchmark script and write the documentation's performance pages.

Run: python bench/perf_page.py [--quick] [--only bench_info,bench_emd] [--out docs/performance]

Each bench/bench_*.py runs in its own process, one after the other (so no
two compete for the cores), with ``--json FILE``: the script still prints its
tables (kept beside the pages as ``data/<bench>.txt``) and also writes the
timed tables as JSON (``_results.py``), so nothing here parses text.  From
those files this script writes, into ``--out``:

* ``<bench>.rst``: one page per script, a list-table per timed table, pydiv's
  row first-named as the reference, every row with the min, median and max
  of its repeats and the ratio of its median to the reference's;
* ``summary.png``: the ratio of each peer (a row not naming pydiv) to pydiv
  per task, log scale, with the spread of the ratio (min over max and max
  over min) as an error bar;
* ``machine.inc`` and ``summary.inc``: the machine (CPU model, cores, memory,
  OS, Python, NumPy and the peers' versions, pydiv's build configuration) and
  the run (date, mode, wall time and load per script), included by
  docs/performance.rst;
* ``data/<bench>.json`` and ``data/<bench>.txt``: each script's results and
  its printed output.  ``--only`` reruns some scripts and rewrites the pages
  from the latest results of every script.

``--quick`` passes each script's quick mode (smaller problems, fewer
repeats: a few minutes in all on two cores); without it the scripts run at
their full sizes, as the README's tables were measured (about an hour on two
cores: the sparse, sliced and FID peers take minutes each).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import perf_render  # noqa: E402

# Every timing script of bench/, in the order of the pages, with the extra
# arguments of its quick mode.  (dotmark_like.py and grid_opencv.py are
# helpers of bench_grid.py; _timing, _memory and _results are shared helpers.)
BENCHES: dict[str, list[str]] = {
    "bench_info": ["--quick"],
    "bench_divergences": ["--quick"],
    "bench_wasserstein": ["--quick"],
    "bench_emd": ["--quick"],
    "bench_emd_batch": ["--quick"],
    "bench_grid": ["--quick"],
    "bench_pairwise": ["--quick"],
    "bench_sparse": ["--quick"],
    "bench_threads": ["--quick"],
    "bench_sliced": ["--quick"],
    "bench_gaussian": ["--quick"],
    "bench_autograd": ["--quick"],
    "bench_pipelines": ["--quick"],
}
PEERS = ("numpy", "scipy", "pot", "torch", "jax", "fastjsd", "dask", "matplotlib")


def _cpuinfo() -> dict[str, str]:
    info: dict[str, str] = {}
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                key, _, value = line.partition(":")
                info.setdefault(key.strip(), value.strip())
    except OSError:
        pass
    return info


def _memory_gib() -> str:
    try:
        with open("/proc/meminfo", encoding="utf-8") as f:
            kib = next(int(line.split()[1]) for line in f if line.startswith("MemTotal:"))
        return f"{kib / 2**20:.1f} GiB"
    except (OSError, StopIteration):
        return "unknown"


def _no_paths(value: str) -> str:
    """Library paths name this machine's layout, not the build: keep their file names."""
    return re.sub(r"(?<![\w.])/(?:[\w.+-]+/)+([\w.+-]+)", r"\1", value)


def machine() -> dict[str, str]:
    """The machine and the software the benchmarks ran on."""
    import pydiv  # noqa: F401  (imported here so that --help works without it)
    from pydiv._config import config

    cpu = _cpuinfo()
    model = cpu.get("model name") or platform.processor() or platform.machine()
    ident = ", ".join(f"{k} {cpu[k]}" for k in ("cpu family", "model", "stepping") if k in cpu)
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    try:
        system = platform.freedesktop_os_release().get("PRETTY_NAME", platform.system())
    except OSError:
        system = platform.system()
    versions = []
    for name in PEERS:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} not installed")
    return {
        "CPU": f"{model} ({ident})" if ident else model,
        "cores": f"{os.cpu_count()} logical CPUs, {usable} usable by this process",
        "memory": _memory_gib(),
        "OS": f"{system}, kernel {platform.release()} ({platform.machine()})",
        "Python": f"{platform.python_implementation()} {platform.python_version()}",
        "packages": ", ".join(versions),
        "pydiv build": "; ".join(f"{k} {_no_paths(str(v))}" for k, v in config().items()),
    }


def run_one(name: str, quick: bool, python: str, logs: Path) -> dict:
    """Run bench/<name>.py with --json and return its results, wall time and load."""
    args = BENCHES[name] if quick else []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp, f"{name}.json")
        command = [python, str(HERE / f"{name}.py"), *args, "--json", str(out)]
        load0, t0 = os.getloadavg()[0], time.perf_counter()
        proc = subprocess.run(command, capture_output=True, text=True, cwd=HERE.parent)
        wall = time.perf_counter() - t0
        log = proc.stdout + (f"\n[stderr]\n{proc.stderr}" if proc.stderr else "")
        (logs / f"{name}.txt").write_text(_no_paths(log))
        result = json.loads(out.read_text()) if proc.returncode == 0 and out.is_file() else {"tables": []}
    result.update(name=name, command=f"python bench/{name}.py {' '.join(args)}".strip(), wall_s=wall,
                  load=(load0, os.getloadavg()[0]), returncode=proc.returncode,
                  error=_no_paths(proc.stderr.strip()[-2000:]) if proc.returncode else "")
    print(f"{name}: {'ok' if proc.returncode == 0 else f'FAILED ({proc.returncode})'}, "
          f"{len(result['tables'])} tables, {wall:.1f} s", flush=True)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="each script's quick mode (a few minutes in all)")
    parser.add_argument("--only", help=f"comma-separated scripts among {','.join(BENCHES)}")
    parser.add_argument("--out", type=Path, default=HERE.parent / "docs" / "performance",
                        help="folder of the pages (default docs/performance)")
    parser.add_argument("--python", default=sys.executable, help="the interpreter that runs the scripts")
    args = parser.parse_args()
    names = args.only.split(",") if args.only else list(BENCHES)
    unknown = sorted(set(names) - set(BENCHES))
    if unknown:
        parser.error(f"unknown scripts {unknown}; choose among {list(BENCHES)}")
    data = args.out / "data"
    data.mkdir(parents=True, exist_ok=True)
    started, about = time.strftime("%Y-%m-%d %H:%M %Z"), machine()
    t0 = time.perf_counter()
    failed = []
    for name in names:
        result = run_one(name, args.quick, args.python, data)
        result.update(started=started, mode="quick" if args.quick else "full", machine=about)
        (data / f"{name}.json").write_text(json.dumps(result, indent=1) + "\n")
        failed += [name] if result["returncode"] else []
    run = {"started": started, "mode": "quick" if args.quick else "full", "wall_s": time.perf_counter() - t0,
           "command": "python bench/perf_page.py" + (" --quick" if args.quick else "")
           + (f" --only {args.only}" if args.only else "")}
    # Every script's latest results, this run's and those of earlier runs given --only.
    results = [json.loads((data / f"{n}.json").read_text()) for n in BENCHES if (data / f"{n}.json").is_file()]
    perf_render.write_pages(args.out, results, about, run)
    print(f"wrote {args.out} in {run['wall_s']:.0f} s" + (f"; FAILED: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
