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
    a frozen ``__init__`` sets each field through ``object.__setattr__``, half again as slow. The
    constructor is generated with one store per field into the new object's ``__dict__`` (twice
    as fast as updating it from a zip of names and arguments)."""
    names = tuple(f.name for f in fields(cls))
    if not all(n.isidentifier() for n in names):  # pragma: no cover (dataclass fields are names)
        raise ValueError(f"{cls.__name__}: a field name that is not an identifier")
    params = ", ".join(f"_{n}" for n in names)
    stores = "".join(f"    d[{n!r}] = _{n}\n" for n in names)
    source = f"def make({params}):\n    obj = new(cls)\n    d = obj.__dict__\n{stores}    return obj\n"
    namespace: dict[str, Any] = {"new": object.__new__, "cls": cls}
    exec(source, namespace)  # (the source is built from the field names only)
    make: Callable[..., _T] = namespace["make"]
    make.__qualname__ = f"maker.<{cls.__name__}>"
    return make
