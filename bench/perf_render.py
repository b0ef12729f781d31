"""The performance pages from the benchmarks' JSON results (see perf_page.py).

Every table becomes an rST list-table: implementation, min, median and max
seconds per call over the repeats, the repeats, and the ratio of the row's
median to the reference row's (pydiv's: above 1, pydiv is faster).  Text from
the scripts (names, titles) is escaped, so that no ``*``, ``_`` or ``|`` in
it is read as markup.  The summary plot shows, for every row that does not
name pydiv, that ratio on a log scale with the spread min/max .. max/min.
"""

from __future__ import annotations

import re
from pathlib import Path

import _timing

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

_MARKUP = re.compile(r"([\\`*_|<>\[\]])")


def esc(text: str) -> str:
    """`text` with rST's inline markup characters escaped."""
    return _MARKUP.sub(r"\\\1", str(text))


def fmt_time(seconds: float) -> str:
    """The printed tables' time format, without their column padding."""
    return _timing.fmt_time(seconds).strip()


def title(text: str, mark: str) -> list[str]:
    line = text.replace("\n", " ")
    return [line, mark * (len(line) + 2), ""]


def table_rst(table: dict) -> list[str]:
    rows, ref = table["rows"], table["rows"][table["reference"]]
    out = [f".. list-table:: {esc(table['title'])}", "   :header-rows: 1", "   :widths: 40 12 12 12 8 12", "",
           "   * - implementation", "     - min", "     - median", "     - max", "     - repeats",
           "     - median / reference"]
    for k, r in enumerate(rows):
        ratio = r["median"] / ref["median"] if ref["median"] > 0 else float("nan")
        label = "reference" if k == table["reference"] else f"{ratio:.2f}x" if ratio < 10 else f"{ratio:.3g}x"
        out += [f"   * - {esc(r['name'])}", f"     - {fmt_time(r['min'])}", f"     - {fmt_time(r['median'])}",
                f"     - {fmt_time(r['max'])}", f"     - {r['repeats']}", f"     - {label}"]
    if table.get("note"):
        out += ["", f"Target: {esc(table['note'])}."]
    return out + [""]


def bench_page(result: dict) -> str:
    name = result["name"]
    lines = [f".. This page is written by bench/perf_page.py; run it to regenerate.", ""]
    lines += [f".. _perf-{name}:", ""] + title(esc(f"{name}.py"), "=")
    lines += [f"``{result['command']}``: {result['mode']} run of {result['started']}, "
              f"{result['wall_s']:.0f} s wall time, load average {result['load'][0]:.1f} before and "
              f"{result['load'][1]:.1f} after.  Every row of a table was timed in the same process on the same "
              "inputs; compare the ratios, which move far less than the absolute times on a shared machine.", ""]
    if result["returncode"]:
        lines += ["The script failed in this run:", "", ".. code-block:: text", ""]
        lines += ["   " + ln for ln in result["error"].splitlines()] + [""]
    if not result["tables"]:
        lines += ["No timed tables in this run.", ""]
    for table in result["tables"]:
        lines += table_rst(table)
    lines += [f"The script's printed output, with what the tables leave out (accuracy, memory, pivots): "
              f":download:`data/{name}.txt <data/{name}.txt>`.", ""]
    return "\n".join(lines)


def summary_rst(results: list[dict], run: dict) -> str:
    lines = [".. list-table:: The benchmark scripts of this run", "   :header-rows: 1", "   :widths: 30 14 10 10 12",
             "", "   * - script", "     - run", "     - tables", "     - wall time", "     - load average"]
    for r in results:
        status = "" if r["returncode"] == 0 else " (failed)"
        lines += [f"   * - :ref:`{r['name']}.py <perf-{r['name']}>`{status}", f"     - {r['mode']}, {r['started']}",
                  f"     - {len(r['tables'])}", f"     - {r['wall_s']:.0f} s",
                  f"     - {r['load'][0]:.1f} / {r['load'][1]:.1f}"]
    total = sum(r["wall_s"] for r in results)
    lines += ["", f"Last run: ``{run['command']}``, {run['started']}; the scripts above took {total:.0f} s "
              "in all.", ""]
    return "\n".join(lines)


def machine_rst(about: dict) -> str:
    lines = [f"* **{key}**: {esc(value)}" for key, value in about.items()]
    return "\n".join(lines) + "\n"


def peer_ratios(results: list[dict]) -> list[tuple[str, str, float, float, float]]:
    """(script, label, ratio, low, high) for each row that does not name pydiv, against its table's pydiv row."""
    out = []
    for r in results:
        for table in r["tables"]:
            ref = table["rows"][table["reference"]]
            if "pydiv" not in ref["name"].lower() or ref["median"] <= 0:
                continue
            for row in table["rows"]:
                if "pydiv" in row["name"].lower():
                    continue
                label = f"{table['title'][:60]}: {row['name'][:50]}"
                out.append((r["name"], label, row["median"] / ref["median"], row["min"] / ref["max"],
                            row["max"] / ref["min"]))
    return out


def summary_plot(results: list[dict], path: Path) -> int:
    """Write the ratios of every peer to pydiv as a horizontal bar chart; returns the bar count."""
    bars = peer_ratios(results)
    height = 1.6 + 0.26 * max(len(bars), 1)
    fig, ax = plt.subplots(figsize=(14, height))
    scripts = list(dict.fromkeys(b[0] for b in bars))
    colours = {s: plt.cm.tab20(k % 20) for k, s in enumerate(scripts)}
    y = list(range(len(bars)))[::-1]
    for yk, (script, _, ratio, low, high) in zip(y, bars):
        ax.barh(yk, ratio, color=colours[script], left=0)
        ax.errorbar(ratio, yk, xerr=[[ratio - min(low, ratio)], [max(high, ratio) - ratio]], fmt="none",
                    ecolor="black", capsize=2, lw=0.8)
        ax.text(max(high, ratio) * 1.08, yk, f"{ratio:.3g}x", va="center", fontsize=7)
    ax.set_yticks(y, [b[1] for b in bars], fontsize=7)
    ax.set_xscale("log")
    ax.axvline(1.0, color="black", lw=1)
    ax.set_xlabel("peer's median time / pydiv's median time (log scale; above 1: pydiv is faster)", fontsize=8)
    ax.set_title("pydiv beside its peers, per task (error bars: the spread of the repeats)", fontsize=9)
    handles = [plt.Rectangle((0, 0), 1, 1, color=colours[s]) for s in scripts]
    ax.legend(handles, scripts, fontsize=7, loc="lower right")
    ax.grid(axis="x", which="both", alpha=0.3)
    if bars:
        ax.set_xlim(min(0.5, min(b[3] for b in bars) / 1.5), max(b[4] for b in bars) * 3)
    # Fixed margins in inches: the long task labels on the left, the title and axis label whole.
    fig.subplots_adjust(left=0.5, right=0.97, top=1 - 0.5 / height, bottom=0.6 / height)
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return len(bars)


def write_pages(out: Path, results: list[dict], about: dict, run: dict) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for r in results:
        (out / f"{r['name']}.rst").write_text(bench_page(r), encoding="utf-8")
    (out / "summary.inc").write_text(summary_rst(results, run), encoding="utf-8")
    (out / "machine.inc").write_text(machine_rst(about), encoding="utf-8")
    summary_plot(results, out / "summary.png")
