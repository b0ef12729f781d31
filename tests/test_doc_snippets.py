"""Every Python code block of the README and of the documentation runs as written.

The blocks are the ```python fences of README.md (```bash and other
languages are not run) and the ``.. code-block:: python`` / ``.. code::
python`` directives of docs/**/*.rst (the indented body after the directive
and its options).  The blocks of one file run in order in one namespace, in a
fresh interpreter per file (as a reader pasting them into a new session
would), in a temporary working directory with matplotlib drawing off-screen.
A body written as an interactive session (``>>>`` prompts) runs as a doctest,
its printed outputs compared.  A failure names the file, the line and the
block, and the traceback points at the file's own lines.

The README sits beside ``tests/`` in the source tree and in the copy the
wheel checks run from; ``docs/`` travels only with the source tree, so its
cases skip where it is absent.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from dataclasses import asdict, dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = ROOT / "docs"
# Generated trees hold copies (sphinx-gallery) or build output, not sources.
DOCS_EXCLUDED = {"_build", "auto_examples", "generated", "_generated"}
TIMEOUT_S = 300
# The frameworks pydiv adapts to, optional extras: a block importing one that
# is not installed is skipped (and says so); any other failed import fails.
OPTIONAL = ("torch", "jax", "jaxlib")

FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`\s]*)")
DIRECTIVE = re.compile(r"^(?P<indent>\s*)\.\.\s+(?:code-block|code|sourcecode)::\s*(?P<lang>\S*)\s*$")


@dataclass
class Block:
    """One code block: its first line in the file (1-based) and its dedented source."""

    line: int
    source: str


def markdown_blocks(text: str, language: str = "python") -> list[Block]:
    """The fenced blocks of `text` whose info string names `language`."""
    lines = text.splitlines()
    blocks, i = [], 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        fence, start = m["fence"], i + 1
        end = start
        while end < len(lines) and not lines[end].lstrip().startswith(fence):
            end += 1
        if m["info"].lower() == language:
            body = [ln[len(m["indent"]):] if ln.startswith(m["indent"]) else ln for ln in lines[start:end]]
            blocks.append(Block(start + 1, "\n".join(body) + "\n"))
        i = end + 1
    return blocks


def rst_blocks(text: str, language: str = "python") -> list[Block]:
    """The bodies of the code-block/code directives of `text` in `language`."""
    lines = text.splitlines()
    blocks = []
    for i, line in enumerate(lines):
        m = DIRECTIVE.match(line)
        if not m or m["lang"].lower() != language:
            continue
        indent = len(m["indent"].expandtabs())
        j = i + 1
        # Options (":linenos:", ":caption: ...") sit right under the directive.
        while j < len(lines) and lines[j].strip().startswith(":") and _indent(lines[j]) > indent:
            j += 1
        end = j
        while end < len(lines) and (not lines[end].strip() or _indent(lines[end]) > indent):
            end += 1
        body = lines[j:end]
        while body and not body[-1].strip():
            body.pop()
        first = next((k for k, ln in enumerate(body) if ln.strip()), None)
        if first is None:
            continue
        # Blank lines before the body keep their place so that line numbers match the file.
        blocks.append(Block(j + 1, textwrap.dedent("\n".join(body)) + "\n"))
    return blocks


def _indent(line: str) -> int:
    return len(line.expandtabs()) - len(line.expandtabs().lstrip())


def doc_files() -> list[Path]:
    """The documentation sources that hold python blocks (the others have nothing to run)."""
    if not DOCS.is_dir():
        return []
    return sorted(p for p in DOCS.rglob("*.rst") if not DOCS_EXCLUDED & set(p.relative_to(DOCS).parts)
                  and blocks_of(p))


def blocks_of(path: Path) -> list[Block]:
    text = path.read_text(encoding="utf-8")
    return markdown_blocks(text) if path.suffix == ".md" else rst_blocks(text)


# The runner executed in the fresh interpreter: blocks in order in one
# namespace, each compiled with the file's name and padded to its first line.
RUNNER = r"""
import ast, doctest, importlib.util, json, sys, traceback
name, blocks, optional = sys.argv[1], json.loads(sys.stdin.read()), sys.argv[2].split(",")

def missing(source):
    try:
        tree = ast.parse(doctest.script_from_examples(source) if source.lstrip().startswith(">>>") else source)
    except SyntaxError:
        return None
    roots = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    roots |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    return next((m for m in sorted(roots) if m in optional and importlib.util.find_spec(m) is None), None)

scope, ran = {"__name__": "__main__"}, 0
for k, block in enumerate(blocks, 1):
    source, line = block["source"], block["line"]
    where = f"{name}, block {k} of {len(blocks)} (line {line})"
    if missing(source):
        print(f"{where} skipped: needs {missing(source)}, not installed")
        continue
    if source.lstrip().startswith(">>>"):
        test = doctest.DocTestParser().get_doctest(source, scope, where, name, line - 1)
        runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
        out = []
        runner.run(test, out=out.append, clear_globs=False)
        if runner.failures:
            sys.exit(f"{where} failed:\n" + "".join(out) + "\n" + source)
        ran += 1
        continue
    try:
        exec(compile("\n" * (line - 1) + source, name, "exec"), scope)
    except BaseException:
        sys.exit(f"{where} failed:\n{traceback.format_exc()}\nthe block:\n{source}")
    ran += 1
print(f"{name}: {ran} of {len(blocks)} blocks ran")
"""


def run_blocks(name: str, blocks: list[Block], cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONDONTWRITEBYTECODE="1")
    # POT imports its PyTorch and JAX backends eagerly (about 8 s); the
    # snippets use its NumPy backend only, which these switches keep.
    env.update({f"POT_BACKEND_DISABLE_{b}": "1" for b in ("PYTORCH", "JAX", "TENSORFLOW", "CUPY")})
    return subprocess.run([sys.executable, "-c", RUNNER, name, ",".join(OPTIONAL)], input=json.dumps([asdict(b) for b in blocks]),
                          capture_output=True, text=True, cwd=cwd, env=env, timeout=TIMEOUT_S)


def _check(path: Path, name: str, tmp_path: Path) -> None:
    blocks = blocks_of(path)
    if not blocks:
        pytest.skip(f"{name} has no python code blocks")
    proc = run_blocks(name, blocks, tmp_path)
    assert proc.returncode == 0, proc.stderr.strip() or proc.stdout
    print(proc.stdout)  # which blocks ran, and any skipped for a missing framework
    assert f"of {len(blocks)} blocks ran" in proc.stdout


@pytest.mark.skipif(not README.is_file(), reason="README.md is not beside tests/")
def test_readme_snippets_run(tmp_path):
    _check(README, "README.md", tmp_path)


@pytest.mark.parametrize("path", doc_files() or [None], ids=lambda p: "no-docs" if p is None else
                         p.relative_to(DOCS).as_posix())
def test_docs_snippets_run(path, tmp_path):
    if path is None:
        pytest.skip("no python blocks in docs/: it is not beside tests/ (a copy of the tests without the "
                    "documentation sources) or none of its pages has one")
    _check(path, f"docs/{path.relative_to(DOCS).as_posix()}", tmp_path)


def test_markdown_extraction_takes_python_fences_only():
    text = "# t\n\n```bash\npip install .\n```\n\n```python\nx = 1\n\nprint(x)\n```\n  ```python\n  y = 2\n  ```\n"
    blocks = markdown_blocks(text)
    assert [(b.line, b.source) for b in blocks] == [(8, "x = 1\n\nprint(x)\n"), (13, "y = 2\n")]


def test_rst_extraction_takes_bodies_after_options():
    text = textwrap.dedent("""\
        Title
        =====

        .. code-block:: python
           :caption: one

           import math

           r = math.sqrt(4)
        after

        .. note::

           .. code:: python

              z = r + 1

        .. code-block:: bash

           echo no
        """)
    blocks = rst_blocks(text)
    assert [b.line for b in blocks] == [6, 15]
    assert blocks[0].source == "\nimport math\n\nr = math.sqrt(4)\n"
    assert blocks[1].source == "\nz = r + 1\n"


def test_blocks_share_a_namespace_and_a_failure_names_its_line(tmp_path):
    ok = run_blocks("page.rst", [Block(3, "a = 2\n"), Block(9, "assert a == 2\n")], tmp_path)
    assert ok.returncode == 0 and "2 of 2 blocks ran" in ok.stdout
    bad = run_blocks("page.rst", [Block(3, "a = 2\n"), Block(9, "x = 1\nb = undefined_name\n")], tmp_path)
    assert bad.returncode != 0
    assert "page.rst, block 2 of 2 (line 9)" in bad.stderr and 'File "page.rst", line 10' in bad.stderr
    assert "NameError" in bad.stderr


def test_session_blocks_run_as_doctests(tmp_path):
    ok = run_blocks("s.rst", [Block(1, ">>> 1 + 1\n2\n")], tmp_path)
    assert ok.returncode == 0, ok.stderr
    bad = run_blocks("s.rst", [Block(1, ">>> 1 + 1\n3\n")], tmp_path)
    assert bad.returncode != 0 and "s.rst, block 1 of 1 (line 1)" in bad.stderr


def test_only_a_missing_optional_framework_skips_a_block(tmp_path, monkeypatch):
    monkeypatch.setattr(sys.modules[__name__], "OPTIONAL", ("no_such_framework_xyz",))
    ok = run_blocks("p.md", [Block(1, "import no_such_framework_xyz\n"), Block(5, "v = 1\n")], tmp_path)
    assert ok.returncode == 0 and "block 1 of 2 (line 1) skipped: needs no_such_framework_xyz" in ok.stdout
    bad = run_blocks("p.md", [Block(1, "import another_missing_module_xyz\n")], tmp_path)
    assert bad.returncode != 0 and "ModuleNotFoundError" in bad.stderr
