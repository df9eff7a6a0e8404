"""Layers point inward: no module imports one from a layer outside its own (read from the AST).

    errors        importable by every layer (with documents: reading YAML documents)
    text          pure folding, matching, contacts
    policy        pure scoring rules
    screening     the screener and its verdicts
    domain        the pure governance model: identities, principals, apps, penalties, audit
    config        the typed settings (plain data; the pure core takes values as arguments)
    services      use cases
    adapters      storage, files, HTTP clients
    bootstrap     the composition root: settings → screener (and, later, services)
    shells        api, cli, web, jobs: the entry points; they do not import each other,
                  except that the cli launches the api and the jobs (``shenhe serve``)

``shenhe/__init__.py`` re-exports the public API and is exempt; importing it from inside the
package counts as importing the highest layer it re-exports. Every import counts, also those
inside functions and ``if TYPE_CHECKING:`` blocks.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import shenhe

PACKAGE = Path(shenhe.__file__).parent
TIERS: tuple[frozenset[str], ...] = (
    frozenset({"errors", "documents"}),
    frozenset({"text"}),
    frozenset({"policy"}),
    frozenset({"screening"}),
    frozenset({"domain"}),
    frozenset({"config"}),
    frozenset({"services"}),
    frozenset({"adapters"}),
    frozenset({"bootstrap"}),
    frozenset({"api", "cli", "web", "jobs", "__main__"}),
)
SHELLS = TIERS[-1]
LAUNCHES = {("cli", "api"), ("cli", "jobs"), ("__main__", "cli")}
"""Shells allowed to import another shell: the one that starts it."""
PURE = ("text", "policy", "screening", "domain")
FRAMEWORKS = {"fastapi", "starlette", "uvicorn", "typer", "click", "rich", "httpx", "sqlalchemy"}
"""Packages the pure core must not import: web, command-line and database frameworks."""

ROOT = ""
"""The layer of ``import shenhe`` / ``from shenhe import Screener``."""


def tier_of(layer: str) -> int:
    if layer == ROOT:
        return max(tier_of(name) for name in root_layers())
    for rank, names in enumerate(TIERS):
        if layer in names:
            return rank
    raise AssertionError(
        f"shenhe.{layer} belongs to no layer; add it to TIERS in tests/unit/test_layers.py "
        "and to docs/architecture.md"
    )


def module_of(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(source: str, module: str, *, is_package: bool = False) -> Iterator[tuple[str, int]]:
    """(dotted name, line) of each ``shenhe`` import in `source`, the code of `module`."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                anchor = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{anchor}.{base}" if base else anchor
            names = [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            if name == "shenhe" or name.startswith("shenhe."):
                yield name, node.lineno


def layer_of(dotted: str) -> str:
    """``shenhe.text.fold`` → ``text``; the package root and its re-exports → `ROOT`."""
    parts = dotted.split(".")
    if len(parts) < 2:
        return ROOT
    first = parts[1]
    if (PACKAGE / first).is_dir() or (PACKAGE / f"{first}.py").exists():
        return first
    return ROOT  # `from shenhe import Screener`


def root_layers() -> set[str]:
    source = (PACKAGE / "__init__.py").read_text("utf-8")
    found = {layer_of(name) for name, _ in imported(source, "shenhe", is_package=True)}
    return found - {ROOT}


def violations(source: str, module: str, *, is_package: bool = False) -> list[str]:
    own = layer_of(module)
    problems = []
    for name, line in imported(source, module, is_package=is_package):
        layer = layer_of(name)
        if layer == own:
            continue
        where = f"{module}:{line} imports {name}"
        if tier_of(layer) > tier_of(own):
            problems.append(f"{where}: {own} may not import the outer layer {layer or 'shenhe'}")
        elif own in SHELLS and layer in SHELLS and (own, layer) not in LAUNCHES:
            problems.append(f"{where}: the shell {own} may not import the shell {layer}")
    return problems


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p != PACKAGE / "__init__.py")


def _id(path: Path) -> str:
    return str(path.relative_to(PACKAGE))


@pytest.mark.parametrize("path", MODULES, ids=_id)
def test_no_module_imports_an_outer_layer(path: Path):
    source = path.read_text("utf-8")
    assert violations(source, module_of(path), is_package=path.name == "__init__.py") == []


@pytest.mark.parametrize("path", [p for p in MODULES if layer_of(module_of(p)) in PURE], ids=_id)
def test_the_pure_core_imports_no_framework(path: Path):
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            tops = {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level:
            tops = {(node.module or "").split(".")[0]}
        else:
            continue
        assert not tops & FRAMEWORKS, f"{_id(path)}:{node.lineno} imports {tops & FRAMEWORKS}"


@pytest.mark.parametrize(
    ("module", "source", "broken"),
    [
        ("shenhe.text.fake", "from shenhe.errors import LexiconError", False),
        ("shenhe.text.fake", "from shenhe.screening.lexicon import Term", True),
        ("shenhe.text.fake", "def f():\n    from shenhe.api import create_app", True),
        ("shenhe.policy.fake", "from ..text import fold", False),
        ("shenhe.policy.fake", "from ..cli import main", True),
        ("shenhe.screening.fake", "from shenhe import Screener", False),
        ("shenhe.text.fake", "from shenhe import Screener", True),
        ("shenhe.screening.fake", "import shenhe.config", True),
        ("shenhe.bootstrap", "from shenhe.config import Settings", False),
        ("shenhe.config", "from shenhe.bootstrap import build_screener", True),
        ("shenhe.api.fake", "from shenhe.bootstrap import build_screener", False),
        ("shenhe.api.fake", "from shenhe.cli.main import app", True),
        ("shenhe.cli.fake", "from shenhe.api import create_app", False),
        ("shenhe.jobs.fake", "from . import other", False),
    ],
)
def test_the_check_catches_what_it_should(module: str, source: str, broken: bool):
    assert bool(violations(source, module)) is broken
