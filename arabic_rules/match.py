"""Matches: the output contract of the engine (see DESIGN.md, "Output contract")."""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, Callable, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance


@dataclass(frozen=True)
class Span:
    """A named part of a match (a field): half-open code-point offsets into the original text."""

    start: int
    end: int
    text: str
    value: Any = None

    def to_dict(self, shift: int = 0) -> dict[str, Any]:
        d: dict[str, Any] = {"start": self.start + shift, "end": self.end + shift, "text": self.text}
        if self.value is not None:
            d["value"] = self.value
        return d


@dataclass(frozen=True)
class Match:
    """One finding. ``text == original[start:end]`` always holds."""

    label: str
    rule: str
    start: int
    end: int
    text: str
    value: Any = None
    attrs: dict[str, Any] = field(default_factory=dict)
    fields: dict[str, Span] = field(default_factory=dict)

    def to_dict(self, shift: int = 0) -> dict[str, Any]:
        """The JSON shape of a match, as written by ``arules check --format jsonl`` (offsets
        moved by ``shift``: where the text it was found in starts in a bigger one)."""
        return {
            "label": self.label,
            "rule": self.rule,
            "start": self.start + shift,
            "end": self.end + shift,
            "text": self.text,
            "value": self.value,
            "attrs": dict(self.attrs),
            "fields": {k: v.to_dict(shift) for k, v in self.fields.items()},
        }


_T = TypeVar("_T", bound="DataclassInstance")


def maker(cls: type[_T]) -> Callable[..., _T]:
    """A constructor for the frozen dataclass ``cls`` taking every field in order, for hot paths:
    a frozen ``__init__`` sets each field through ``object.__setattr__``, half again as slow."""
    names = tuple(f.name for f in fields(cls))
    new = object.__new__

    def make(*args: Any) -> _T:
        obj: _T = new(cls)
        obj.__dict__.update(zip(names, args))
        return obj

    return make
