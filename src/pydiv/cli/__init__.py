"""The ``pydiv`` command line (``pydiv ...`` or ``python -m pydiv ...``).

Modules: ``main`` (the entry point and signals),
``parsers`` (the arguments of each sub-command),
``commands`` (``pairwise``, ``compare``, ``info``),
``demo`` (``demo``), ``readers`` and
``writers`` (arrays in and out of ``.npy``, ``.npz`` and
``.csv`` files), ``errors`` (how a failed command ends).
The names below let another program embed the sub-commands in its own
argparse parser.
"""

from __future__ import annotations

from .commands import COMPARE_METRICS, run_compare, run_pairwise
from .demo import card_example, demo, seed_example
from .errors import CliError, run_guarded
from .main import main
from .parsers import add_compare_parser, add_pairwise_parser
from .readers import READ_FORMATS, read_array
from .writers import WRITE_FORMATS, print_array, write_array

__all__ = [
    "COMPARE_METRICS",
    "READ_FORMATS",
    "WRITE_FORMATS",
    "CliError",
    "add_compare_parser",
    "add_pairwise_parser",
    "card_example",
    "demo",
    "main",
    "print_array",
    "read_array",
    "run_compare",
    "run_guarded",
    "run_pairwise",
    "seed_example",
    "write_array",
]
