"""Sphinx configuration of pydiv's documentation site.

The API reference is generated from the docstrings of the *installed* pydiv
(its compiled extension exists only there), so the source tree is not put on
``sys.path``: install pydiv (``pip install ".[docs]"``) before building.

Build::

    sphinx-build -W --keep-going -b html docs docs/_build/html

Without running the gallery's examples (much faster; the gallery pages then
show the code without figures)::

    sphinx-build -W --keep-going -b html -D plot_gallery=0 docs docs/_build/html

``PYDIV_DOCS_INTERSPHINX=1`` links NumPy, SciPy, ... names to their own
documentation; it downloads their inventories, so it is off by default and
the build needs no network.
"""

from __future__ import annotations

import importlib
import os
from importlib.metadata import version as _distribution_version

import matplotlib

matplotlib.use("Agg")

import pydiv  # noqa: E402

# The adapters are imported lazily by pydiv itself; import them here so a
# missing PyTorch or JAX stops the build at once instead of leaving holes in
# the API reference.
for _module in ("pydiv.torch", "pydiv.jax", "pydiv.dask", "pydiv.cli"):
    try:
        importlib.import_module(_module)
    except ImportError as exc:
        raise RuntimeError(
            f"the documentation needs {_module} importable ({exc}); install the docs extra: "
            f'pip install ".[docs]"'
        ) from exc

# -- Project -----------------------------------------------------------------

project = "pydiv"
author = "the pydiv developers"
copyright = "the pydiv developers"
release = _distribution_version("pydiv")
version = ".".join(release.split(".")[:2])
if pydiv.__version__ != release:  # pragma: no cover - a stale or shadowed install
    raise RuntimeError(f"pydiv imports as {pydiv.__version__} but the installed distribution is {release}")

# -- General -----------------------------------------------------------------

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    # MathJax copied into the site, so formulas render without the network
    # (a site read offline, and the headless-browser check).
    "sphinx-mathjax-offline",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]
if os.environ.get("PYDIV_DOCS_INTERSPHINX") == "1":
    extensions.append("sphinx.ext.intersphinx")
    intersphinx_mapping = {
        "python": ("https://docs.python.org/3", None),
        "numpy": ("https://numpy.org/doc/stable", None),
        "scipy": ("https://docs.scipy.org/doc/scipy", None),
        "pot": ("https://pythonot.github.io", None),
        "torch": ("https://pytorch.org/docs/stable", None),
        "jax": ("https://docs.jax.dev/en/latest", None),
        "dask": ("https://docs.dask.org/en/stable", None),
        "pandas": ("https://pandas.pydata.org/docs", None),
    }

templates_path = ["_templates"]
exclude_patterns = ["_build", "**.ipynb_checkpoints", "sg_execution_times.rst"]
root_doc = "index"

# Every cross-reference must resolve, except to the libraries pydiv works with
# (resolved by intersphinx when it is on) and to the words numpydoc puts in
# type descriptions.
nitpicky = True
nitpick_ignore_regex = [
    (r"py:.*", r"(numpy|np|scipy|torch|jax|jaxlib|dask|distributed|ot|pandas|matplotlib|threadpoolctl)(\..*)?"),
    (r"py:.*", r"(typing|collections|os|argparse|pathlib|io|builtins)\..*"),
]
nitpick_ignore = [
    ("py:class", "optional"),
    ("py:class", "array_like"),
    ("py:class", "array-like"),
    ("py:class", "default"),
]

# -- autodoc / autosummary / numpydoc -----------------------------------------

autosummary_generate = True
autosummary_imported_members = False
autodoc_typehints = "none"  # the numpydoc Parameters sections describe the types
autodoc_default_options = {"member-order": "bysource"}
numpydoc_show_class_members = False  # the class template lists the members itself
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
numpydoc_validation_checks: set[str] = set()

# -- sphinx-gallery -----------------------------------------------------------

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "ignore_pattern": r"(wgan_toy|kantorovich_critic)\.py",
    "image_scrapers": ("matplotlib",),
    "matplotlib_animations": False,
    "download_all_examples": False,
    "remove_config_comments": True,
    "within_subsection_order": "FileNameSortKey",
    # A failing example fails the build.
    "only_warn_on_example_error": False,
    "abort_on_example_error": False,
}

# -- HTML ------------------------------------------------------------------------

html_theme = "furo"
html_title = f"pydiv {release}"
html_static_path = ["_static"]
html_css_files = ["pydiv.css"]
html_show_sourcelink = False
html_theme_options = {
    "navigation_with_keys": True,
}


def _drop_type_docstrings(app, what, name, obj, options, lines):
    """A constant (a float, a tuple, a dict) has no docstring of its own: do not show its type's."""
    if what == "data" and lines and getattr(obj, "__doc__", None) == getattr(type(obj), "__doc__", None):
        lines.clear()


def setup(app):
    app.connect("autodoc-process-docstring", _drop_type_docstrings)
