"""pydiv.torch and pydiv.jax: imported on first use only, and a missing framework names its extra."""

from __future__ import annotations

import subprocess
import sys

import pytest


def _python(code):
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)


def _block(framework):
    return (
        "import sys, importlib.abc\n"
        "class Block(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path, target=None):\n"
        f"        if name == {framework!r} or name.startswith({framework!r} + '.'):\n"
        "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "import pydiv\n"
    )


def test_import_pydiv_imports_neither_framework():
    proc = _python("import sys, pydiv\nassert 'torch' not in sys.modules and 'jax' not in sys.modules\n"
                   "print(sorted(set(dir(pydiv)) & {'torch', 'jax'}))\n")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "['jax', 'torch']"


@pytest.mark.parametrize("framework", ["torch", "jax"])
@pytest.mark.parametrize("form", ["import pydiv.{}", "pydiv.{}.kl_divergence"])
def test_missing_framework_names_the_extra(framework, form):
    proc = _python(_block(framework) + form.format(framework) + "\n")
    assert proc.returncode != 0
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError:"), proc.stderr
    assert f'pip install "pydiv[{framework}]"' in last
