"""Views of findings for the tools people already use: annotation tools (brat, Label Studio),
temporal markup (TimeML), tables (CSV, Parquet) and a page to look at (HTML).

`open_writer` gives the writer of a format; `arules check --format NAME [--out PATH]` feeds it
the located records of a run (`report.located`, the `--format jsonl` lines) chunk by chunk.
docs/formats.md describes every format.
"""
from __future__ import annotations

import datetime as _dt
import os
import sys
from typing import Any, TextIO

from ..errors import ArabicRulesError
from .annotated import AnnotatedDocument, FileNames, color_of, parts_of
from .writers import DocumentWriter, Writer

# name -> what --out is for it: "folder" (a file per document; stdout for a run of one document),
# "file" (one file; stdout without --out), "path" (one file, --out required: a binary format)
FORMATS = {"brat": "folder", "labelstudio": "file", "timeml": "folder", "csv": "file", "parquet": "path",
           "html": "file"}


def may_hold_several(files: list[str], input_format: str | None = None, doc_sep: str = "none") -> bool:
    """Whether the inputs of a run may hold more than one document: more than one input, a
    folder or a glob, a corpus, or a plain text split into documents."""
    from ..corpus import detect_format

    if len(files) != 1 or doc_sep != "none":
        return True
    name = files[0]
    if name != "-" and not os.path.isfile(name):
        return True
    return detect_format(name, input_format) != "text"


def open_writer(name: str, out: str | None = None, *, ref_date: _dt.date | None = None,
                stream: TextIO | None = None, several: bool = False) -> Writer:
    """The writer of format ``name`` (one of `FORMATS`): to ``out`` (a folder for brat and
    TimeML, a file for the others) or, where the format allows it, to ``stream`` (stdout by
    default). ``ref_date`` is the run's reference date (a document's own date wins). ``several``:
    the run may hold several documents (`may_hold_several`), which a format of a file per
    document cannot write to a stream. Close the
    writer, then any file of yours it wrote to; a file it opened, it closes."""
    if name not in FORMATS:
        raise ArabicRulesError(f"unknown format {name!r}; choose one of {', '.join(FORMATS)}")
    stream = sys.stdout if stream is None else stream
    kind = FORMATS[name]
    if kind == "path":
        if out is None:
            raise ArabicRulesError(f"--format {name} writes a binary file: pass --out FILE.{name}")
        from .tabular import ParquetWriter

        return ParquetWriter(out)
    if kind == "folder":
        if out is None and several:
            raise ArabicRulesError(f"--format {name} writes one file per document and these inputs may hold "
                                   f"several: pass --out DIR to write them into a folder")
        if name == "brat":
            from .brat import BratWriter

            return BratWriter(out, stream, ref_date)
        from .timeml import TimeMLWriter

        return TimeMLWriter(out, stream, ref_date)
    target = stream if out is None else _open_text(out)
    writer = _stream_writer(name, target, ref_date)
    if out is not None:
        writer = _Closing(writer, target)
    return writer


def _stream_writer(name: str, target: TextIO, ref_date: _dt.date | None) -> Writer:
    if name == "csv":
        from .tabular import CsvWriter

        return CsvWriter(target)
    if name == "labelstudio":
        from .labelstudio import LabelStudioWriter

        return LabelStudioWriter(target, ref_date)
    from .html import HtmlWriter

    return HtmlWriter(target, ref_date)


def _open_text(path: str) -> TextIO:
    if os.path.isdir(path):
        raise ArabicRulesError(f"--out {path}: a folder; this format writes one file: pass a file name")
    try:
        return open(path, "w", encoding="utf-8", newline="")
    except OSError as e:
        raise ArabicRulesError(f"--out {path}: cannot write it ({e.strerror})") from None


class _Closing(Writer):
    """A writer to a file it opened: closing it closes the file."""

    def __init__(self, inner: Writer, file: TextIO) -> None:
        self.inner, self.file = inner, file
        self.needs_text = inner.needs_text

    def add(self, doc: Any, records: list[dict[str, Any]]) -> None:
        self.inner.add(doc, records)

    def close(self) -> None:
        try:
            self.inner.close()
        finally:
            self.file.close()


__all__ = ["FORMATS", "AnnotatedDocument", "DocumentWriter", "FileNames", "Writer", "color_of", "may_hold_several",
           "open_writer", "parts_of"]
