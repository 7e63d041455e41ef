"""An engine sent to the workers of a cluster (Spark executors, Dask workers) once, built once per
worker process, and the documents of a partition turned into flat finding rows there.

The driver compiles the pack (errors in the rules show up there, before any job starts) and
pickles it once (`Shipment`). The cluster carries those bytes to each worker once (a Spark
broadcast, one Dask task result); the first task of a worker process builds the `Engine` from them
and keeps it in a module-level cache keyed by the pack's key and the engine's options
(`EngineKey`), so every later task and partition in that process reuses it. Nothing is pickled per
row or per partition but the small key.
"""
from __future__ import annotations

import dataclasses
import hashlib
import pickle
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import _sre  # type: ignore[import-not-found]

from . import arguments
from .calendars import prefer_choice
from .engine import Engine
from .refdates import parse_ref_date
from .report import flat


@dataclasses.dataclass(frozen=True)
class EngineKey:
    """What makes two engines the same: the pack (its cache key, a hash of the rule files, the
    grammar and the compiler; else a hash of its pickled bytes) and the engine's options."""

    pack: str
    backend: str
    timeout: float | None
    python: str = ""  # the Python build the pack was pickled by (its regexes' compiled code is for it)


@dataclasses.dataclass(frozen=True)
class Options:
    """The per-call choices of an extraction, checked on the driver: the labels looked for (None:
    all), the reference date of documents without their own, and how dates without a year or a
    weekday resolve (`Engine.extract`'s ``prefer``)."""

    labels: frozenset[str] | None
    ref_date: date | None
    prefer: str | None


@dataclasses.dataclass(frozen=True)
class Shipment:
    """An engine as the driver hands it to a cluster: its key and its pickled pack."""

    key: EngineKey
    payload: bytes


def engine_for(engine: Engine | None, patterns: Iterable[str | Path] | None,
               include_default: bool | None) -> Engine:
    """The engine a distributed call runs: ``engine`` as given, else one for the rule files
    ``patterns`` (plus the shipped packs when ``include_default``), else the shipped packs."""
    if engine is not None:
        if patterns is not None or include_default is not None:
            raise ValueError("pass either engine= or patterns=/include_default=, not both "
                             "(the engine already holds its rules)")
        if not isinstance(engine, Engine):
            raise TypeError(f"engine takes an arabic_rules.Engine, not {type(engine).__name__}")
        return engine
    if patterns is None:
        if include_default is False:
            raise ValueError("include_default=False without patterns leaves no rules; pass patterns=[...]")
        return Engine.default()
    return Engine.from_paths(patterns, include_default=bool(include_default))


def options(engine: Engine, labels: Iterable[str] | None, ref_date: Any, prefer: str | None) -> Options:
    """The call's options checked against ``engine`` (a clear error on the driver, not in a task)."""
    return Options(arguments.labels(labels, engine.labels), arguments.ref_date(ref_date), prefer_choice(prefer))


def shipment(engine: Engine) -> Shipment:
    """``engine`` ready to send: its pack pickled once, and the key workers cache it under."""
    payload = pickle.dumps(engine.pack, protocol=pickle.HIGHEST_PROTOCOL)
    pack_key = engine.pack.key or "sha256:" + hashlib.sha256(payload).hexdigest()
    return Shipment(EngineKey(pack_key, engine.backend, engine.timeout, python_build()), payload)


def python_build() -> str:
    """What the compiled regex code in a pack depends on: the Python build and `re`'s code format."""
    return f"{sys.version} sre {_sre.MAGIC}"


# --- on the workers -------------------------------------------------------------------------------

_ENGINES: dict[EngineKey, Engine] = {}
_BUILT: dict[EngineKey, int] = {}  # how many times this process built each engine (for tests: once)
_LOCK = threading.Lock()  # a worker may run tasks in threads: one build, not one per thread


def worker_engine(key: EngineKey, payload: Callable[[], bytes]) -> Engine:
    """The engine of ``key`` in this process: built from ``payload()`` (the pickled pack, fetched
    only on the first call) and kept for every later call."""
    engine = _ENGINES.get(key)
    if engine is None:
        with _LOCK:
            engine = _ENGINES.get(key)
            if engine is None:
                pack = pickle.loads(payload())
                if key.python != python_build():  # another Python: its regexes compile from source
                    pack = dataclasses.replace(pack, programs={})
                engine = _ENGINES[key] = Engine(pack, backend=key.backend, timeout=key.timeout)
                _BUILT[key] = _BUILT.get(key, 0) + 1
    return engine


def built() -> dict[EngineKey, int]:
    """How many times this process built each engine (each should say 1)."""
    return dict(_BUILT)


def rows(engine: Engine, docs: Iterable[tuple[Any, Any, Any]], opts: Options) -> Iterator[dict[str, Any]]:
    """The flat finding rows (`report.flat`) of ``(id, text, date)`` documents, in order. A missing
    text (None, NaN) has no findings; a missing date falls back to ``opts.ref_date``; a date that
    cannot be read raises a ValueError naming the document."""
    for doc, text, raw_date in docs:
        if missing(text):
            continue
        if not isinstance(text, str):
            raise TypeError(f"document {doc!r}: the text is a {type(text).__name__}, not a str; "
                            f"cast the text column to strings")
        day = day_of(doc, raw_date)
        for m in engine.extract(text, day or opts.ref_date, opts.labels, prefer=opts.prefer):
            yield flat(m, plain(doc))


def missing(value: Any) -> bool:
    """None, or a null of a pandas column: NaN and NaT (not equal to themselves) or pandas NA
    (which refuses to be a bool)."""
    if value is None:
        return True
    try:
        return bool(value != value)
    except TypeError:
        return True


def plain(value: Any) -> Any:
    """A numpy scalar (what a pandas column hands out) as the Python value it holds."""
    item = getattr(value, "item", None)
    return item() if callable(item) and type(value).__module__ == "numpy" else value


def day_of(doc: Any, value: Any) -> date | None:
    """A document's own date from its date column's value (`parse_ref_date`), None if missing."""
    if missing(value):
        return None
    try:
        return parse_ref_date(plain(value))
    except ValueError as e:
        raise ValueError(f"document {plain(doc)!r}: {e}; fix the date column, or pass date_col=None "
                         f"to use ref_date for every document") from None


def frame(records: list[dict[str, Any]], doc_dtype: Any = None) -> Any:
    """The pandas DataFrame of flat ``records`` (columns `report.FLAT_COLUMNS`), with the same
    column types when there are none: offsets int64, the others text, ``doc`` of ``doc_dtype``
    (the id column's type) when given."""
    import pandas as pd

    from .report import FLAT_COLUMNS

    out = pd.DataFrame.from_records(records, columns=list(FLAT_COLUMNS))
    out = out.astype({"start": "int64", "end": "int64"})
    if not records:
        out = out.astype({c: "str" for c in FLAT_COLUMNS if c not in ("doc", "start", "end")})
    if doc_dtype is not None and out["doc"].dtype != doc_dtype:
        out["doc"] = out["doc"].astype(doc_dtype)
    return out
