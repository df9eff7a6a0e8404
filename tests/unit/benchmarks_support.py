"""The benchmarks' own modules (benchmarks/*.py), for the tests that check them or read the
same data: the benchmarks folder is no package, so each is loaded from its file."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
SHARED_DATA = BENCHMARKS.parent.parent / "shared" / "data"
"""Where benchmarks/corpus.py finds its data when SHENHE_DATA_DIR is not set."""


def load(name: str) -> ModuleType:
    """benchmarks/`name`.py as the module `name` (once: a second load gives the first)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
