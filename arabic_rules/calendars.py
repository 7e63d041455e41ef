"""Date value builders: partial ISO 8601 values, resolved against a reference date."""
from __future__ import annotations

import datetime as _dt
from typing import Any

from .values import BuildContext, Built, FieldView, Reject, builder, parse_digits


def _int(f: FieldView | None) -> int | None:
    if f is None:
        return None
    if isinstance(f.value, int):
        return f.value
    v = parse_digits(f.text)
    return v if isinstance(v, int) else None


def iso(year: int | None, month: int | None, day: int | None) -> str:
    """Partial ISO 8601: unknown parts are X (``XXXX-12-09``); trailing unknowns are dropped."""
    y = f"{year:04d}" if year is not None else "XXXX"
    if month is None:
        return y
    m = f"{y}-{month:02d}"
    return m if day is None else f"{m}-{day:02d}"


@builder("date")
def date(ctx: BuildContext, day: FieldView | None = None, month: FieldView | None = None,
         year: FieldView | None = None, alt_month: FieldView | None = None) -> Any:
    """A Gregorian date from day/month/year fields; ``alt_month`` is the second name of a double
    month («كانون الأول/ ديسمبر»): when it disagrees the date is kept and flagged."""
    d, m, y = _int(day), _int(month), _int(year)
    if m is not None and not 1 <= m <= 12:
        raise Reject
    if d is not None and not 1 <= d <= 31:
        raise Reject
    attrs: dict[str, Any] = {"calendar": "gregorian"}
    alt = _int(alt_month)
    if alt is not None and m is not None and alt != m:
        attrs["flags"] = ["month_mismatch"]
        attrs["alt_month"] = alt
    if d is not None and m is not None:
        try:
            _dt.date(y if y is not None else 2000, m, d)  # 2000 is a leap year: 29 Feb is valid
        except ValueError:
            raise Reject from None
    if y is None and ctx.ref_date is not None and m is not None and d is not None:
        try:
            attrs["resolved"] = _dt.date(ctx.ref_date.year, m, d).isoformat()
        except ValueError:
            pass
    elif y is not None and m is not None and d is not None:
        attrs["resolved"] = _dt.date(y, m, d).isoformat()
    return Built(iso(y, m, d), attrs)
