"""Extraction on Dask: a bag or a DataFrame of documents in, the flat findings out.

    import dask.bag as db
    from arabic_rules import dask as arules_dask

    docs = db.read_text("corpus/*.jsonl.gz").map(json.loads)      # records with id, text, date
    findings = arules_dask.extract(docs)                         # a bag of flat finding dicts
    findings.map(json.dumps).to_textfiles("findings/*.jsonl")

A bag gives a bag of dicts, a dask DataFrame a dask DataFrame; both carry the rows of
`arabic_rules.spark`: ``doc`` (the document's id), ``label``, ``rule``, ``start``, ``end``,
``text``, and ``value``, ``attrs``, ``fields`` as JSON text (`report.flat`). Per document these are
exactly the findings of `Engine.extract` on its text with its own date.

The driver compiles the rules and pickles the pack once; a distributed client scatters it to
every worker once (without one, it is one node of the graph); each worker process builds its
engine from it on its first task and keeps it for every later one (`shipping`). Run workers as processes with one thread each
(``LocalCluster(n_workers=N, threads_per_worker=1)``, ``dask worker --nthreads 1``): the engine is
Python, so threads of one process take turns.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from datetime import date
from typing import Any

from . import shipping
from .documents import Document
from .engine import Engine

_INSTALL = "arabic_rules.dask needs Dask: pip install 'arabic_rules[dask]'"
_SCATTERED: dict[shipping.EngineKey, Any] = {}  # (client, future of the pickled pack) per engine


def extract(data: Any, text_col: str = "text", id_col: str = "id", date_col: str | None = "date", *,
            labels: Iterable[str] | None = None, ref_date: date | str | None = None, prefer: str | None = None,
            patterns: Iterable[str | Path] | None = None, include_default: bool | None = None,
            engine: Engine | None = None) -> Any:
    """The findings of every document of ``data`` (lazy: nothing runs until it is computed).

    ``data`` is a dask bag or a dask DataFrame. A bag holds mappings (the text under ``text_col``,
    the id under ``id_col``, the date under ``date_col`` if there), ``(id, text)`` or
    ``(id, text, date)`` tuples, or `Document` values; it gives a bag of flat finding dicts. A
    DataFrame has those columns (``date_col`` is optional when it is the default ``"date"``, None
    uses ``ref_date`` for all); it gives a dask DataFrame. A null text has no findings; a date is
    read by `parse_ref_date`. ``labels``, ``ref_date``, ``prefer``, ``patterns``,
    ``include_default`` and ``engine`` are those of `arabic_rules.spark.extract`."""
    try:
        import dask.bag as db
    except ImportError:
        raise ImportError(_INSTALL) from None
    for what, name in (("text_col", text_col), ("id_col", id_col)):
        if not isinstance(name, str):
            raise TypeError(f"{what} takes a column or key name (str), not {type(name).__name__}")
    if date_col is not None and not isinstance(date_col, str):
        raise TypeError(f"date_col takes a column or key name (str) or None, not {type(date_col).__name__}")
    frame_type = _dataframe_type()
    if isinstance(data, db.Bag):
        ddf = None
    elif frame_type is not None and isinstance(data, frame_type):
        ddf = data
        date_col = _frame_columns(list(ddf.columns), text_col, id_col, date_col)
    else:
        raise TypeError(f"extract() takes a dask bag or a dask DataFrame, not {type(data).__name__}"
                        + ("" if frame_type is not None else " (dask DataFrames need 'dask[dataframe]')"))
    eng = shipping.engine_for(engine, patterns, include_default)
    opts = shipping.options(eng, labels, ref_date, prefer)
    sent = shipping.shipment(eng)
    payload = _payload(sent)
    if ddf is None:
        return data.map_partitions(_bag_partition, payload, key=sent.key, opts=opts,
                                   cols=(text_col, id_col, date_col))
    meta = shipping.frame([], ddf[id_col].dtype)
    return ddf.map_partitions(_frame_partition, payload, key=sent.key, opts=opts,
                              cols=(text_col, id_col, date_col), meta=meta, enforce_metadata=False)


def _payload(sent: shipping.Shipment) -> Any:
    """The pickled pack as the graph gets it. With a distributed client: scattered to every worker
    once (kept for later calls with the same rules while the client runs). Without one: one
    node of the graph (`dask.delayed`), computed once and shared by the tasks that need it."""
    import dask

    try:
        from distributed import default_client

        client = default_client()  # type: ignore[no-untyped-call]
    except (ImportError, ValueError):  # no distributed, or no client: a local scheduler
        return dask.delayed(sent.payload, pure=True)  # type: ignore[attr-defined]
    held = _SCATTERED.get(sent.key)
    if held is not None and held[0] is client and client.status == "running":
        return held[1]
    future = client.scatter(sent.payload, broadcast=True)
    _SCATTERED[sent.key] = (client, future)
    return future


def _dataframe_type() -> Any:
    try:
        import dask.dataframe as dd
    except ImportError:
        return None
    return dd.DataFrame


def _frame_columns(present: list[Any], text_col: str, id_col: str, date_col: str | None) -> str | None:
    """Checks the DataFrame's columns; the date column to read (None: no dates)."""
    listed = ", ".join(map(str, present)) or "none"
    for what, name in (("text_col", text_col), ("id_col", id_col)):
        if name not in present:
            hint = "; keep the documents' ids from their source in a column" if what == "id_col" else ""
            raise ValueError(f"{what}={name!r}: the DataFrame has no such column (its columns: {listed}){hint}")
    if date_col is not None and date_col not in present:
        if date_col != "date":  # the default is used only when it is there
            raise ValueError(f"date_col={date_col!r}: the DataFrame has no such column (its columns: {listed}); "
                             f"pass date_col=None to use ref_date for every document")
        return None
    return date_col


def _frame_partition(part: Any, payload: bytes, *, key: shipping.EngineKey, opts: shipping.Options,
                     cols: tuple[str, str, str | None]) -> Any:
    """On a worker: the flat findings of one pandas partition of documents."""
    text_col, id_col, date_col = cols
    engine = shipping.worker_engine(key, lambda: payload)
    dates = part[date_col] if date_col is not None else [None] * len(part)
    records = list(shipping.rows(engine, zip(part[id_col], part[text_col], dates), opts))
    return shipping.frame(records, part[id_col].dtype)


def _bag_partition(items: Iterable[Any], payload: bytes, *, key: shipping.EngineKey, opts: shipping.Options,
                   cols: tuple[str, str, str | None]) -> list[dict[str, Any]]:
    """On a worker: the flat findings of one partition of a bag."""
    engine = shipping.worker_engine(key, lambda: payload)
    return list(shipping.rows(engine, _bag_documents(items, *cols), opts))


def _bag_documents(items: Iterable[Any], text_col: str, id_col: str,
                   date_col: str | None) -> Iterator[tuple[Any, Any, Any]]:
    """``(id, text, date)`` for each item of a bag, or a TypeError saying what an item must be."""
    for item in items:
        if isinstance(item, Document):
            yield item.id, item.text, item.ref_date
        elif isinstance(item, Mapping):
            if id_col not in item or text_col not in item:
                raise ValueError(f"a bag record without {id_col!r} or {text_col!r} (its keys: "
                                 f"{', '.join(map(str, item)) or 'none'}); pass id_col= and text_col= "
                                 f"naming the keys of the records")
            yield item[id_col], item[text_col], item.get(date_col) if date_col is not None else None
        elif isinstance(item, (tuple, list)) and len(item) in (2, 3):
            yield item[0], item[1], item[2] if len(item) == 3 else None
        else:
            what = "a str (a text without an id)" if isinstance(item, str) else f"a {type(item).__name__}"
            raise TypeError(f"a bag item is {what}; items are mappings with {text_col!r} and {id_col!r}, "
                            f"(id, text) or (id, text, date) tuples, or arabic_rules.Document values "
                            f"(give texts ids first, e.g. bag.map(lambda t: (t[:40], t)))")
