"""A document's own date (the day its relative dates count from), read from the forms corpora use.

`parse_ref_date` turns the value of a date field (a string, a number or a date object) into a
`datetime.date`. A timestamp keeps the calendar day written in it: ``2017-01-20T23:30:00-05:00``
is the 20th, because that is the day the document's author lived in, whatever the day in UTC.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timezone
from email.utils import parsedate_to_datetime

__all__ = ["ACCEPTED_FORMS", "parse_ref_date"]

ACCEPTED_FORMS = (
    "ISO 8601 (2017-01-20, 2017-01-20T21:43:00+01:00, 2015-07-21 02:51:32, 20170120)",
    "RFC 2822 (Tue, 20 Feb 2018 10:21:00 GMT)",
    "day first (20/01/2017, 20-01-2017, 20.01.2017)",
    "year first (2017/01/20, 2017.1.20)",
    "epoch seconds (1484948580)",
)

# Eastern Arabic and Persian digits are read like ASCII ones (dates typed in Arabic text use them).
_DIGITS = {cp: ord("0") + (cp - base) for base in (0x0660, 0x06F0) for cp in range(base, base + 10)}

_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_DAY_FIRST = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4})" + _TIME, re.ASCII)
_YEAR_FIRST = re.compile(r"(\d{4})([/.-])(\d{1,2})\2(\d{1,2})" + _TIME, re.ASCII)


def parse_ref_date(value: object) -> date | None:
    """The calendar day of ``value``; None for None or an empty string.

    Accepts a `date` (returned as is), a `datetime` (its own day), epoch seconds as an int, or a
    string in one of `ACCEPTED_FORMS`. Anything else raises `ValueError` quoting the value."""
    if value is None:
        return None
    if isinstance(value, datetime):  # before `date`: a datetime is also a date
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise _error(value)
    if isinstance(value, int):
        return _from_epoch(value)
    if isinstance(value, str):
        return _from_string(value)
    raise _error(value, f"a {type(value).__name__} is not a date")


def _from_string(value: str) -> date | None:
    text = value.strip().translate(_DIGITS)
    if not text:
        return None
    for reader in (_iso, _numeric, _rfc2822, _digits_only):
        try:
            found = reader(text)
        except (ValueError, OverflowError, OSError):
            raise _error(value) from None
        if found is not None:
            return found
    raise _error(value)


def _iso(text: str) -> date | None:
    if not text[:4].isdigit() or len(text) < 8:
        return None
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        return None  # not ISO: let the other readers try


def _numeric(text: str) -> date | None:
    m = _DAY_FIRST.fullmatch(text)
    if m:
        return date(int(m[4]), int(m[3]), int(m[1]))
    m = _YEAR_FIRST.fullmatch(text)
    if m:
        return date(int(m[1]), int(m[3]), int(m[4]))
    return None


def _rfc2822(text: str) -> date | None:
    if not any(c.isalpha() for c in text):
        return None
    try:
        return parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        return None


def _digits_only(text: str) -> date | None:
    if text.isdigit() and len(text) >= 9:
        return _from_epoch(int(text))
    return None


def _from_epoch(seconds: int) -> date:
    try:
        return datetime.fromtimestamp(seconds, tz=timezone.utc).date()
    except (OverflowError, OSError, ValueError):
        raise _error(seconds, "epoch seconds out of range") from None


def _error(value: object, why: str = "") -> ValueError:
    reason = f" ({why})" if why else ""
    return ValueError(f"cannot read the date {value!r}{reason}; accepted forms: " + "; ".join(ACCEPTED_FORMS))
