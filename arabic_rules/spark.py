"""Extraction on Spark: a DataFrame of documents in, a DataFrame of flat findings out.

    from arabic_rules import spark as arules_spark

    docs = spark.read.json("corpus/*.jsonl.gz")                 # columns id, text, date, ...
    findings = arules_spark.extract(docs, labels={"date", "attribution"})
    findings.write.parquet("findings/")                         # one row per finding

Each row of the result is one finding (`report.flat`): ``doc`` (the document's id, of the id
column's type), ``label``, ``rule``, ``start``, ``end`` (code-point offsets into the document's
text), ``text``, and ``value``, ``attrs``, ``fields`` as JSON text (read them with
``pyspark.sql.functions.from_json``). Per document these are exactly the findings of
`Engine.extract` on its text with its own date.

The work runs in ``mapInPandas``: the driver compiles the rules and broadcasts the compiled pack
once; each executor's Python process builds its engine from it on its first task and keeps it for
every later one (`shipping`). Parallelism is the input's number of partitions: give Spark a few
per core (``docs.repartition(n)``) so the cores stay busy to the end.
"""
from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from pathlib import Path
from datetime import date
from typing import Any

from . import shipping
from .engine import Engine
from .report import FLAT_COLUMNS

_INSTALL = "arabic_rules.spark needs PySpark, pandas and pyarrow: pip install 'arabic_rules[spark]'"
_DATE_TYPES = ("StringType", "DateType", "TimestampType", "TimestampNTZType", "IntegerType", "LongType")
_BROADCASTS: dict[shipping.EngineKey, Any] = {}  # one broadcast per pack and engine options


def extract(df: Any, text_col: str = "text", id_col: str = "id", date_col: str | None = "date", *,
            labels: Iterable[str] | None = None, ref_date: date | str | None = None, prefer: str | None = None,
            patterns: Iterable[str | Path] | None = None, include_default: bool | None = None,
            engine: Engine | None = None) -> Any:
    """The findings of every document of the Spark DataFrame ``df``, as a DataFrame (lazy, like
    any Spark transformation: nothing runs until it is written or collected).

    ``text_col`` holds the texts (strings; a null text has no findings), ``id_col`` the
    documents' ids (any type: ``doc`` takes it), ``date_col`` each document's own date (a string
    in a form `parse_ref_date` reads, a date, a timestamp or epoch seconds; null: ``ref_date``).
    The default ``"date"`` is used when ``df`` has such a column; None uses ``ref_date`` for all.
    ``labels``, ``ref_date`` and ``prefer`` are those of `Engine.extract`. The rules: ``engine``
    (an `Engine`), or the rule files ``patterns`` (plus the shipped packs with
    ``include_default=True``), or by default the shipped packs."""
    try:
        from pyspark.sql import DataFrame
        from pyspark.sql import types as T
    except ImportError:
        raise ImportError(_INSTALL) from None
    if not isinstance(df, DataFrame):
        raise TypeError(f"extract() takes a pyspark.sql.DataFrame, not {type(df).__name__}")
    fields = {f.name: f for f in df.schema.fields}
    text_col, id_col, date_col = _columns(fields, text_col, id_col, date_col)
    eng = shipping.engine_for(engine, patterns, include_default)
    opts = shipping.options(eng, labels, ref_date, prefer)
    key, broadcast = _broadcast(df.sparkSession.sparkContext, eng)

    picked = [df[id_col].alias("doc"), df[text_col].alias("text")]
    if date_col is not None:
        picked.append(df[date_col].alias("date"))
    schema = T.StructType([T.StructField("doc", fields[id_col].dataType)] + [
        T.StructField(c, T.LongType() if c in ("start", "end") else T.StringType(), False)
        for c in FLAT_COLUMNS[1:]])  # (the columns of report.flat, in its order)
    work = functools.partial(_partition, key=key, broadcast=broadcast, opts=opts)
    return df.select(*picked).mapInPandas(work, schema)


def _columns(fields: dict[str, Any], text_col: str, id_col: str, date_col: str | None) -> tuple[str, str, str | None]:
    """The three columns checked against the DataFrame's schema, with what to do about each problem."""
    present = ", ".join(fields) or "none"
    for what, name in (("text_col", text_col), ("id_col", id_col)):
        if not isinstance(name, str):
            raise TypeError(f"{what} takes a column name (str), not {type(name).__name__}")
        if name not in fields:
            hint = (" (add one, e.g. df.withColumn('id', pyspark.sql.functions.monotonically_increasing_id()))"
                    if what == "id_col" else "")
            raise ValueError(f"{what}={name!r}: the DataFrame has no such column (its columns: {present}){hint}")
    if type(fields[text_col].dataType).__name__ != "StringType":
        raise TypeError(f"text_col={text_col!r} holds {fields[text_col].dataType.simpleString()}, not strings; "
                        f"cast it first: df.withColumn({text_col!r}, df[{text_col!r}].cast('string'))")
    if date_col is not None:
        if not isinstance(date_col, str):
            raise TypeError(f"date_col takes a column name (str) or None, not {type(date_col).__name__}")
        if date_col not in fields:
            if date_col != "date":  # the default is used only when it is there
                raise ValueError(f"date_col={date_col!r}: the DataFrame has no such column (its columns: "
                                 f"{present}); pass date_col=None to use ref_date for every document")
            date_col = None
        elif type(fields[date_col].dataType).__name__ not in _DATE_TYPES:
            raise TypeError(f"date_col={date_col!r} holds {fields[date_col].dataType.simpleString()}; a date "
                            f"column holds strings, dates, timestamps or epoch seconds")
    return text_col, id_col, date_col


def _broadcast(sc: Any, engine: Engine) -> tuple[shipping.EngineKey, Any]:
    """The engine's key and a broadcast of its pickled pack, made once per pack and options while
    the SparkContext lives (a later call with the same rules reuses it)."""
    sent = shipping.shipment(engine)
    held = _BROADCASTS.get(sent.key)
    if held is not None and held[0] is sc and sc._jsc is not None:
        return sent.key, held[1]
    broadcast = sc.broadcast(sent.payload)
    _BROADCASTS[sent.key] = (sc, broadcast)
    return sent.key, broadcast


def _partition(batches: Iterator[Any], *, key: shipping.EngineKey, broadcast: Any,
               opts: shipping.Options) -> Iterator[Any]:
    """On an executor: the flat findings of each pandas batch of documents (columns doc, text and
    maybe date), by the engine of this Python process."""
    engine = shipping.worker_engine(key, lambda: broadcast.value)
    for batch in batches:
        dates = batch["date"] if "date" in batch.columns else [None] * len(batch)
        records = list(shipping.rows(engine, zip(batch["doc"], batch["text"], dates), opts))
        yield shipping.frame(records)
