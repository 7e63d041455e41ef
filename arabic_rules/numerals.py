"""Number value builders: digits in any script, and number words from the packs' lexicons."""
from __future__ import annotations

from typing import Any

from .values import BuildContext, Built, FieldView, Reject, builder, parse_digits


@builder("number")
def number(ctx: BuildContext, n: FieldView | None = None, kind: str = "cardinal") -> Any:
    """The number written in field ``n`` (or the whole match) as digits or a lexicon word."""
    text = n.text if n is not None else ctx.text
    value = n.value if n is not None and n.value is not None else parse_digits(text)
    if value is None:
        raise Reject
    return Built(value, {"kind": kind})
