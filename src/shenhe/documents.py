"""Reading the YAML documents Shenhe is configured with: the policy, the category catalogue,
the penalty ladder and the brand list. Each document type validates its own content with
pydantic; this module does the parts they share and raises the caller's error type, so every
message names the file and the field at fault.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from shenhe.errors import ShenheError


def read_file(path: str | Path, *, what: str, error: type[ShenheError]) -> str:
    """The text of `path`; an unreadable or non-UTF-8 file raises `error`."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"cannot read {what} file {path}: {exc}") from exc


def read_packaged(name: str) -> str:
    """A document shipped in the package's data folder."""
    return resources.files("shenhe").joinpath("data", name).read_text("utf-8")


def parse_mapping(
    text: str, *, source: str, expects: str, error: type[ShenheError]
) -> dict[str, Any]:
    """The YAML mapping in `text`; anything else raises `error` saying what was expected."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise error(f"{source} is not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise error(f"{source} must be a YAML mapping with {expects}")
    return data


def explain(exc: ValidationError) -> str:
    """Each field at fault and why: ``surfaces.post.review: Input should be ...``."""
    parts = []
    for error in exc.errors(include_input=False, include_url=False):
        where = ".".join(str(p) for p in error["loc"]) or "document"
        parts.append(f"{where}: {error['msg']}")
    return "; ".join(parts)
