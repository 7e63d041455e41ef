"""Findings as rows of a table: CSV and Parquet, one row per finding, the same columns.

``COLUMNS`` are stable: where the finding is (``file``, ``doc``, ``record``, ``line``,
``col``), what it is (``label``, ``rule``, ``start``, ``end``, ``text``) and its structured
parts as JSON text (``value``, ``attrs``, ``fields``: `json.loads` gives the contract's
values back, a number stays a number and a date a string). ``doc`` and ``record`` are empty
for a plain text file; ``doc`` is always a string.
"""
from __future__ import annotations

import csv
from typing import Any, TextIO

from ..errors import ArabicRulesError
from ..report import flat_record
from .writers import Writer

COLUMNS = ("file", "doc", "record", "line", "col", "label", "rule", "start", "end", "text",
           "value", "attrs", "fields")
INT_COLUMNS = ("record", "line", "col", "start", "end")


def flat_row(record: dict[str, Any]) -> dict[str, Any]:
    """A located record (`report.located`) as one flat row of `COLUMNS`: where it is, then the
    row Spark and Dask give too (`report.flat_record`), with ``doc`` as a string."""
    doc = record.get("doc")
    return {"file": record.get("file"), "record": record.get("record"), "line": record.get("line"),
            "col": record.get("col"), **flat_record(record, None if doc is None else str(doc))}


class CsvWriter(Writer):
    """CSV (RFC 4180: a header row, fields quoted where needed, CRLF line ends), UTF-8."""

    def __init__(self, out: TextIO) -> None:
        self.writer = csv.writer(out)
        self.writer.writerow(COLUMNS)

    def add(self, doc: Any, records: list[dict[str, Any]]) -> None:
        self.writer.writerows([[flat_row(r)[c] for c in COLUMNS] for r in records])


ROW_GROUP = 65536  # rows gathered before they are written: memory stays bounded on any corpus


def parquet_schema() -> Any:
    import pyarrow as pa

    return pa.schema([(c, pa.int64() if c in INT_COLUMNS else pa.string()) for c in COLUMNS])


class ParquetWriter(Writer):
    """Parquet (the optional extra ``parquet``: pyarrow), written in row groups of `ROW_GROUP`."""

    def __init__(self, path: str) -> None:
        try:
            import pyarrow.parquet as pq
        except ImportError:
            raise ArabicRulesError("--format parquet needs pyarrow: pip install 'arabic_rules[parquet]'") from None
        self.schema = parquet_schema()
        try:
            self.file = pq.ParquetWriter(path, self.schema)
        except OSError as e:
            raise ArabicRulesError(f"--out {path}: cannot write it ({e})") from None
        self.rows: dict[str, list[Any]] = {c: [] for c in COLUMNS}
        self.pending = 0

    def add(self, doc: Any, records: list[dict[str, Any]]) -> None:
        for r in records:
            row = flat_row(r)
            for c in COLUMNS:
                self.rows[c].append(row[c])
        self.pending += len(records)
        if self.pending >= ROW_GROUP:
            self._write()

    def _write(self) -> None:
        import pyarrow as pa

        self.file.write_table(pa.table(self.rows, schema=self.schema))
        self.rows = {c: [] for c in COLUMNS}
        self.pending = 0

    def close(self) -> None:
        if self.pending:
            self._write()
        self.file.close()  # with no row at all: a file with the schema and no rows
