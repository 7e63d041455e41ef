"""Where the package data lives: `grammar/` and `patterns/`.

In a wheel they are inside the package (`arabic_rules/grammar`); in a source checkout or an
editable install they sit at the top of the repository, next to the package.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

_HERE = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    """The directory of package data ``name`` ("grammar" or "patterns")."""
    for candidate in (_HERE / name, _HERE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"package data {name!r} not found next to {_HERE}; reinstall arabic_rules")


def grammar_path() -> Path:
    return data_dir("grammar") / "pattern.lark"


def default_pattern_files() -> list[Path]:
    """The shipped rule packs, in a stable order."""
    return sorted(data_dir("patterns").glob("*.yaml"))
