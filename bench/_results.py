"""Machine-readable benchmark results, shared by the bench scripts.

Each script keeps printing its tables; `record` also keeps every timed table
in memory, and `save` writes them as JSON when the script was given
``--json FILE`` (`add_json_option`).  One table is the rows timed on the same
inputs in one process, each row a named implementation with the median,
minimum and maximum seconds per call over its repeats; `reference` names
the row (pydiv's) that the ratios are taken against.  A row with one run
has min == median == max; a row extrapolated from a subset says so in its
name.  bench/perf_page.py reads these files to write the performance page.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from collections.abc import Sequence

TABLES: list[dict] = []


def add_json_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", metavar="FILE", help="also write the timed tables to FILE as JSON")


def row(name: str, median: float, minimum: float | None = None, maximum: float | None = None,
        repeats: int = 1) -> dict:
    """One implementation's timing in seconds per call (a single run when only `median` is given)."""
    minimum = median if minimum is None else minimum
    maximum = median if maximum is None or not math.isfinite(maximum) or maximum <= 0 else maximum
    return {"name": name, "median": float(median), "min": float(minimum), "max": float(max(maximum, median)),
            "repeats": int(repeats)}


def record(title: str, rows: Sequence[dict], reference: int = 0, note: str = "") -> None:
    """Keep one table: `rows` from `row`, `reference` the index of pydiv's row."""
    if rows:
        TABLES.append({"title": title, "rows": list(rows), "reference": int(reference), "note": note})


def save(path: str | None, quick: bool = False) -> None:
    """Write the kept tables to `path` (nothing without --json)."""
    if not path:
        return
    argv = [a for k, a in enumerate(sys.argv[1:]) if a != "--json" and sys.argv[k] != "--json"]  # not the file
    doc = {"script": os.path.basename(sys.argv[0]), "argv": argv, "quick": bool(quick),
           "finished": time.strftime("%Y-%m-%d %H:%M:%S %z"), "tables": TABLES}
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1)
