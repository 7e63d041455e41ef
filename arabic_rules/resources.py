"""Where the package data lives: `grammar/` and `patterns/`.

In a wheel they are inside the package (`arabic_rules/grammar`); in a source checkout or an
editable install they sit at the top of the repository, next to the package (and those win
over copies an editable build leaves inside the package).
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

_HERE = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    """The directory of package data ``name`` ("grammar" or "patterns")."""
    # a checkout (pyproject.toml beside the package) reads its own top-level folders first: an
    # editable install may leave stale copies inside the package (see pyproject.toml)
    checkout = (_HERE.parent / "pyproject.toml").is_file()
    order = (_HERE.parent / name, _HERE / name) if checkout else (_HERE / name, _HERE.parent / name)
    for candidate in order:
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"package data {name!r} not found next to {_HERE}; reinstall arabic_rules")


def grammar_path() -> Path:
    return data_dir("grammar") / "pattern.lark"


def yaml_files(folder: Path) -> list[Path]:
    """The rule files of ``folder`` and of its sub-folders (a pack may be a folder of files, as
    patterns/attribution/ is), sorted by their path inside ``folder``: a stable order on every
    system. Hidden files and folders (``.name``) are left out."""
    folder = Path(folder)
    found = [p for p in folder.rglob("*.yaml")
             if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)]
    return sorted(found, key=lambda p: p.relative_to(folder).parts)


def default_pattern_files() -> list[Path]:
    """The shipped rule packs (every file of patterns/ and its pack folders), in a stable order."""
    return yaml_files(data_dir("patterns"))
