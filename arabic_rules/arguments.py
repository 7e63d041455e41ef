"""Checks of the public API's arguments: one clear TypeError or ValueError each, saying how to
call it instead (a wrong argument must not fail silently or deep inside the engine)."""
from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Iterable
from pathlib import Path


def ref_date(value, what: str = "ref_date") -> _dt.date | None:
    """A reference date: a `date`, a `datetime` (its date) or an ISO string ``YYYY-MM-DD``."""
    if value is None:
        return None
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str):
        try:
            return _dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            raise ValueError(f"{what}={value!r} is not a date; write YYYY-MM-DD (e.g. '2021-12-13') "
                             f"or pass a datetime.date") from None
    raise TypeError(f"{what} takes a datetime.date (or 'YYYY-MM-DD'), not {type(value).__name__}")


def labels(value, known: frozenset[str]) -> frozenset[str] | None:
    """The labels asked for: None (all) or a collection of known label names."""
    if value is None:
        return None
    if isinstance(value, str):
        raise TypeError(f"labels takes a collection of labels such as {{{value!r}}}, not a str")
    if not isinstance(value, Iterable):
        raise TypeError(f"labels takes a collection of label names, not {type(value).__name__}")
    wanted = frozenset(value)
    bad = [x for x in wanted if not isinstance(x, str)]
    if bad:
        raise TypeError(f"labels are names (str), not {type(bad[0]).__name__}: {bad[0]!r}")
    unknown = wanted - known
    if unknown:
        raise ValueError(f"unknown label(s) {', '.join(sorted(unknown))}; this engine's labels are "
                         f"{', '.join(sorted(known))}")
    return wanted


def timeout(value, what: str = "timeout") -> float | None:
    """Seconds an extraction may take: None (no limit) or a positive number."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{what} takes a number of seconds (or None), not {type(value).__name__}")
    if not value > 0:
        raise ValueError(f"{what} must be more than 0 seconds (None: no limit), not {value!r}")
    return float(value)


def jobs(value) -> int:
    """A number of processes: a positive int, or 0 for one per core."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"jobs takes a number of processes (int), not {type(value).__name__}")
    if value < 0:
        raise ValueError(f"jobs must be 0 (one per core) or more, not {value}")
    return value or os.cpu_count() or 1


def paths(value) -> list[Path]:
    """A list of rule files or folders (a single str would be read letter by letter)."""
    if isinstance(value, (str, Path)):
        raise TypeError(f"paths takes a list of rule files or folders, e.g. [{str(value)!r}], not one "
                        f"{type(value).__name__}")
    if not isinstance(value, Iterable):
        raise TypeError(f"paths takes a list of rule files or folders, not {type(value).__name__}")
    out = []
    for p in value:
        if not isinstance(p, (str, Path)):
            raise TypeError(f"a rule path is a str or a pathlib.Path, not {type(p).__name__}: {p!r}")
        if not Path(p).exists():
            raise ValueError(f"{p}: no such rule file or folder")
        out.append(Path(p))
    return out
