"""The built-in items of the pattern language (`%quotation`, ...), read from
`grammar/builtins.yaml`: what a pattern cannot say with words, defined once as character
patterns, so that rule files name them instead of writing regular expressions."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from .resources import data_dir


@dataclass(frozen=True)
class Builtin:
    """One built-in item: ``alternatives`` are regular expressions tried in order; ``quoted``
    says that every match is one whole quotation (opening mark to closing mark). A condition
    on where the text stands (``check``: a kind of `ir.Assert`, checked in code) has none: it
    reads nothing."""

    name: str
    doc: str
    alternatives: tuple[str, ...]
    quoted: bool
    check: str | None = None


def builtins_path():
    return data_dir("grammar") / "builtins.yaml"


@cache
def builtins() -> dict[str, Builtin]:
    """Every built-in item by name."""
    import yaml

    data = yaml.safe_load(builtins_path().read_text(encoding="utf-8"))
    return {name: Builtin(name, spec["doc"], tuple(spec.get("alternatives") or ()), bool(spec.get("quoted")),
                          spec.get("check"))
            for name, spec in data.items()}


def builtin(name: str) -> Builtin | None:
    return builtins().get(name)
