"""The layout rules of the source tree, checked mechanically.

* Every file under ``src/`` (C++ and Python; the generated stub
  ``src/pydiv/_core.pyi`` aside) has at most ``MAX_FILE_LINES`` lines.
* Every Python function body under ``src/pydiv`` has at most
  ``MAX_FUNCTION_LINES`` lines of code: the body's lines from its first
  statement after the docstring to its end, blank lines and comment-only
  lines not counted (nested functions count in their enclosing function too).
* No module under ``src/pydiv`` reaches into another module's private names.
  A private name is one with a leading underscore (dunders such as
  ``__version__`` aside).  A module may import a private name, or a name
  from a private module, or read a private attribute of a module it
  imported, only when that name lives in one of the designated shared
  private modules: ``pydiv._core`` (the compiled kernels; its API is fixed
  by ``_core.pyi``), ``pydiv._config`` (build and runtime configuration)
  and the package ``pydiv._checks`` (the shared validators).  Inside one of
  those, its own submodules may import each other freely.  Everything else
  a module shares is public to the package: helpers of a family live in the
  family's package (``pydiv.pairwise``, ``pydiv.wasserstein``,
  ``pydiv.stream``, ``pydiv.cli``) under names without an underscore.

The checks need the source tree; from an installed wheel alone they skip.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

MAX_FILE_LINES = 400
MAX_FUNCTION_LINES = 60
SHARED_PRIVATE = ("pydiv._core", "pydiv._config", "pydiv._checks")

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
PACKAGE = SRC / "pydiv"
EXEMPT = {PACKAGE / "_core.pyi"}

pytestmark = pytest.mark.skipif(not (PACKAGE / "__init__.py").is_file(), reason="needs the source tree")


def _source_files() -> list[Path]:
    skip = {"__pycache__"}
    return sorted(
        p for p in SRC.rglob("*")
        if p.is_file() and p not in EXEMPT and not skip & set(p.parts) and p.suffix not in (".pyc", ".so", ".pyd")
    )


def _python_modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _is_shared(module: str) -> bool:
    return any(module == s or module.startswith(s + ".") for s in SHARED_PRIVATE)


def _shared_root(module: str) -> str | None:
    return next((s for s in SHARED_PRIVATE if module == s or module.startswith(s + ".")), None)


def _has_private_part(module: str) -> bool:
    return any(_is_private(part) for part in module.split("."))


def _is_module(name: str) -> bool:
    relative = Path(*name.split("."))
    as_file = SRC / relative
    # A compiled module has its stub (.pyi) in the tree.
    return any(as_file.with_suffix(ext).is_file() for ext in (".py", ".pyi")) or (as_file / "__init__.py").is_file()


def _absolute(importer: str, is_package: bool, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    base = importer.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _body_code_lines(lines: list[str], node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    body = node.body
    first = body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        if len(body) == 1:
            return 0
        first = body[1]
    code = [ln.strip() for ln in lines[first.lineno - 1 : node.end_lineno]]
    return sum(1 for ln in code if ln and not ln.startswith("#"))


def _private_imports(importer: str, is_package: bool, text: str) -> list[str]:
    """The private names module `importer` (source `text`) takes from modules
    other than the shared private ones."""
    own_root = _shared_root(importer)
    tree = ast.parse(text)
    found: list[str] = []
    imported_modules: dict[str, str] = {}  # local name -> module

    def allowed(target: str) -> bool:
        return _is_shared(target) or (own_root is not None and _shared_root(target) == own_root)

    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module != "__future__":
            source = _absolute(importer, is_package, node)
            for alias in node.names:
                target = f"{source}.{alias.name}" if _is_module(f"{source}.{alias.name}") else source
                if _is_module(target):
                    imported_modules[alias.asname or alias.name] = target
                private = _is_private(alias.name) or _has_private_part(source)
                if private and source.startswith("pydiv") and not allowed(target):
                    found.append(f"line {node.lineno}: from {source} import {alias.name}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("pydiv") and _has_private_part(alias.name) and not allowed(alias.name):
                    found.append(f"line {node.lineno}: import {alias.name}")
                if alias.asname:
                    imported_modules[alias.asname] = alias.name
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and _is_private(node.attr):
            module = imported_modules.get(node.value.id)
            if module is not None and module.startswith("pydiv") and not allowed(module):
                found.append(f"line {node.lineno}: {node.value.id}.{node.attr} ({module})")
    return found


def test_the_checks_see_the_tree():
    assert len(_python_modules()) > 20
    assert any(p.suffix in (".hpp", ".cpp") for p in _source_files())


@pytest.mark.parametrize("path", _source_files() if SRC.is_dir() else [], ids=lambda p: str(p.relative_to(ROOT)))
def test_source_file_length(path):
    n = len(path.read_bytes().splitlines())
    assert n <= MAX_FILE_LINES, f"{path.relative_to(ROOT)} has {n} lines (at most {MAX_FILE_LINES})"


def test_python_function_length():
    long = []
    for path in _python_modules():
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = _body_code_lines(lines, node)
                if n > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}: {n} code lines")
    assert not long, "functions over the limit:\n" + "\n".join(long)


def test_no_module_imports_another_modules_private_names():
    bad = [
        f"{path.relative_to(ROOT)} {item}"
        for path in _python_modules()
        for item in _private_imports(_module_name(path), path.name == "__init__.py", path.read_text(encoding="utf-8"))
    ]
    assert not bad, "private names taken from outside the shared private modules:\n" + "\n".join(bad)


def test_the_private_import_check_finds_violations():
    # The rule's own test: each kind of violation is seen, the allowed forms are not.
    probe = (
        "from .. import _core, _config\n"
        "from .._checks import check_p\n"
        "from . import identical\n"
        "from .identical import _multipliers\n"
        "from ..wasserstein import sorting\n"
        "x = sorting._sort_one\n"
        "y = _core.xlogx\n"
        "from .._checks.options import _unwrapped\n"
        "import pydiv._secret\n"
    )
    found = _private_imports("pydiv.pairwise.probe", False, probe)
    assert found == [
        "line 4: from pydiv.pairwise.identical import _multipliers",
        "line 9: import pydiv._secret",
        "line 6: sorting._sort_one (pydiv.wasserstein.sorting)",
    ], found
    # Inside the shared package its modules use each other's private names.
    assert _private_imports("pydiv._checks.weights", False, "from .options import _unwrapped\n") == []
