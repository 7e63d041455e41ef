"""Documents from files and corpora: the one reading layer `arules check`, `Engine.extract_many`,
the bench and the Spark/Dask helpers share.

A corpus file is JSON Lines, CSV, TSV, Parquet or plain text, optionally compressed (see
`inputs.open_binary`). `read_documents` yields one `Document` per record, or a `BadRecord` for a
record that cannot be used, and goes on with the rest.
"""
from __future__ import annotations

import csv
import glob
import io
import json
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Callable

from . import inputs
from .documents import BadRecord, Document
from .errors import InputError
from .inputs import COMPRESSION_SUFFIXES, open_binary
from .refdates import parse_ref_date

__all__ = [
    "BadRecord", "DOC_SEPARATORS", "Document", "FORMATS", "detect_format",
    "expand_paths", "open_binary", "read_corpus", "read_documents",
]

FORMATS = ("jsonl", "csv", "tsv", "parquet", "text")
DOC_SEPARATORS = ("none", "blankline", "formfeed")
_FORMAT_OF_SUFFIX = {
    ".jsonl": "jsonl", ".json": "jsonl", ".ndjson": "jsonl",
    ".csv": "csv", ".tsv": "tsv", ".parquet": "parquet", ".txt": "text",
}
_HEAD = 8192
_BATCH = 1024  # Parquet rows converted to Python at a time


# --- paths and formats ---------------------------------------------------------------------------

def _strip_compression(name: str) -> str:
    root, suffix = os.path.splitext(name)
    return root if suffix.lower() in COMPRESSION_SUFFIXES else name


def _is_corpus_file(name: str) -> bool:
    return os.path.splitext(_strip_compression(name))[1].lower() in _FORMAT_OF_SUFFIX


def default_corpus() -> Path:
    """The corpus folder tools look in when none is given: $ARULES_CORPUS, else ../shared/corpus
    (relative to the current directory)."""
    return Path(os.environ.get("ARULES_CORPUS") or Path("..") / "shared" / "corpus")


def expand_paths(paths: Iterable[str]) -> list[str]:
    """The files named by ``paths``, in order and each once.

    A directory gives the corpus files under it (recursively, sorted, hidden entries skipped): those
    ending in .txt, .jsonl, .json, .ndjson, .csv, .tsv or .parquet, maybe followed by .gz, .bz2,
    .xz or .zst. A name that does not exist but holds ``*``, ``?`` or ``[`` is a glob (``**``
    spans folders), for shells that left it unexpanded. "-" (stdin) is kept. Raises `InputError`
    naming a path, glob or directory that gives no file."""
    found: list[str] = []
    for p in paths:
        found.extend(_expand_one(p))
    return list(dict.fromkeys(found))


def _expand_one(p: str) -> list[str]:
    if p == "-" or os.path.isfile(p):
        return [p]
    if os.path.isdir(p):
        files = _walk(p)
        if not files:
            raise InputError(f"{p}: is a directory without corpus files (looked for {_suffix_list()}, "
                             f"maybe compressed); pass the files inside it by name or glob")
        return files
    if any(c in p for c in "*?["):
        files = []
        for match in sorted(glob.glob(p, recursive=True)):
            files.extend(_walk(match) if os.path.isdir(match) else [match])
        if not files:
            raise InputError(f"{p}: no file matches this pattern")
        return files
    raise InputError(f"{p}: no such file")


def _walk(folder: str) -> list[str]:
    files: list[str] = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        files.extend(os.path.join(root, n) for n in names if not n.startswith(".") and _is_corpus_file(n))
    return sorted(files)


def _suffix_list() -> str:
    return ", ".join(_FORMAT_OF_SUFFIX)


def detect_format(path: str, override: str | None = None) -> str:
    """The format of ``path``: one of `FORMATS`, from its suffix once a compression suffix is
    removed (.json and .ndjson are JSON Lines; an unknown suffix and stdin are plain text).
    ``override`` (an ``--input-format`` value; None or "auto" to detect) wins."""
    if override not in (None, "", "auto"):
        if override not in FORMATS:
            raise ValueError(f"unknown input format {override!r}; choose one of {', '.join(FORMATS)} or auto")
        return override
    if path == "-":
        return "text"
    return _FORMAT_OF_SUFFIX.get(os.path.splitext(_strip_compression(path))[1].lower(), "text")


# --- reading -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Fields:
    """Which fields of a record hold the text, the id and the date."""

    text: str
    id: str | None
    date: str | None


_MISSING = object()


def read_corpus(paths: Iterable[str], **options: Any) -> Iterator[Document | BadRecord]:
    """`read_documents` for every file `expand_paths` finds in ``paths``, one file after another.
    Stops at the first `InputError`; a caller that wants to go on past a bad file (like
    `arules check`) loops over `expand_paths` itself."""
    for path in expand_paths(paths):
        yield from read_documents(path, **options)


def read_documents(path: str, *, fmt: str | None = None, text_field: str = "text",
                   id_field: str | None = None, date_field: str | None = None, doc_sep: str = "none",
                   encoding: str = "utf-8", encoding_errors: str = "strict",
                   ) -> Iterator[Document | BadRecord]:
    """The documents of ONE file ``path`` ("-" for stdin), lazily, in file order.

    ``fmt`` is one of `FORMATS` (None: from the suffix, see `detect_format`). Records (JSON
    Lines, CSV, TSV, Parquet) take their text from ``text_field``, their id from ``id_field``
    (as a string; default ``path:record``) and their date from ``date_field`` (see
    `refdates.parse_ref_date`; a missing or empty date is None). A record that cannot be used
    comes out as a `BadRecord` and the rest is read. In JSON Lines a field name with dots
    (``meta.date``) also reaches into nested objects.

    Plain text follows ``doc_sep``: "none" gives the whole file as one document (read into memory:
    stream big files with `inputs.blocks` instead), "blankline" splits at runs of empty or
    whitespace-only lines, "formfeed" at form feeds (blank pieces are skipped); the pieces stream
    from `inputs.blocks` and get ids ``path#index``.

    Raises `InputError` (at the first step of the iteration) for a file that cannot be read at
    all: missing, empty, binary, a header without a named column, a missing optional package."""
    fmt = detect_format(path, fmt)
    if doc_sep not in DOC_SEPARATORS:
        raise ValueError(f"unknown doc-sep {doc_sep!r}; choose one of {', '.join(DOC_SEPARATORS)}")
    inputs.check_encoding(encoding, encoding_errors)
    fields = Fields(text_field, id_field or None, date_field or None)
    if fmt == "text":
        return _text_documents(path, doc_sep, encoding, encoding_errors)
    reader = {"jsonl": _jsonl, "csv": _delimited, "tsv": _delimited, "parquet": _parquet}[fmt]
    return reader(path, fields, fmt=fmt, encoding=encoding, encoding_errors=encoding_errors)


def _record(get: Callable[[str], Any], fields: Fields, path: str, record: int,
            where: str = "") -> Document | BadRecord:
    """A document from one record whose field values ``get`` returns (`_MISSING` when absent)."""
    def bad(message: str) -> BadRecord:
        return BadRecord(path, record, message + where)

    text = get(fields.text)
    if text is _MISSING:
        return bad(f"missing field {fields.text!r} (use --text-field to name the field holding the text)")
    if not isinstance(text, str):
        return bad(f"field {fields.text!r} holds {_kind(text)}, not a string "
                   f"(use --text-field to name the field holding the text)")
    if fields.id is None:
        doc_id = f"{path}:{record}"
    else:
        raw = get(fields.id)
        if raw is _MISSING or raw is None or raw == "":
            return bad(f"missing field {fields.id!r} (use --id-field to name the field holding the id, "
                       f"or leave it out to number the documents)")
        if isinstance(raw, (dict, list)):
            return bad(f"field {fields.id!r} holds {_kind(raw)}, not a string or a number")
        doc_id = str(raw)
    ref_date = None
    if fields.date is not None:
        raw = get(fields.date)
        try:
            ref_date = None if raw is _MISSING else parse_ref_date(raw)
        except ValueError as e:
            return bad(f"document {doc_id!r}, field {fields.date!r}: {e}")
    return Document(doc_id, text, ref_date, path, record)


def _kind(value: object) -> str:
    if value is None:
        return "null"
    names = {bool: "a boolean", int: "a number", float: "a number", dict: "an object", list: "an array"}
    return names.get(type(value), f"a {type(value).__name__}")


class _Lines:
    """The decoded lines of a text file, each with its line break, for the record formats.

    Where strict decoding fails, the line is read with U+FFFD instead and `take_problem` then
    returns why (with the byte offset and line), so that the record holding it comes out as a
    `BadRecord` and the reading goes on. Encodings whose line break is not the byte 0x0A (UTF-16,
    UTF-32) are decoded as a stream; a strict failure there stops the file."""

    def __init__(self, path: str, encoding: str, encoding_errors: str):
        self.path, self.encoding, self.errors = path, encoding, encoding_errors
        self.number = 0  # 1-based number of the last line read
        self._problem: str | None = None

    def open(self) -> BinaryIO:
        """The file opened for bytes (a context manager), read past its byte order mark."""
        f = open_binary(self.path)
        try:
            self.encoding, self._offset = inputs.sniff_text(f.peek(_HEAD)[:_HEAD], self.path, self.encoding)
            f.read(self._offset)
        except BaseException:
            f.close()
            raise
        self._file = f
        return f

    def __iter__(self) -> Iterator[str]:
        if "\n".encode(self.encoding) != b"\n":
            yield from self._stream()
            return
        for raw in self._file:
            self.number += 1
            try:
                line = raw.decode(self.encoding, self.errors)
            except UnicodeDecodeError as e:
                if self._problem is None:
                    self._problem = inputs.decode_message(self.encoding, self._offset + e.start, self.number)
                line = raw.decode(self.encoding, "replace")
            self._offset += len(raw)
            yield line

    def _stream(self) -> Iterator[str]:
        try:
            for line in io.TextIOWrapper(self._file, self.encoding, self.errors, newline="\n"):
                self.number += 1
                yield line
        except UnicodeDecodeError:
            raise inputs.decode_error(self.path, self.encoding, None, self.number + 1) from None

    def take_problem(self) -> str | None:
        """Why a line read since the last call did not decode, or None."""
        problem, self._problem = self._problem, None
        return problem


# --- JSON Lines ----------------------------------------------------------------------------------

def _jsonl(path: str, fields: Fields, *, encoding: str, encoding_errors: str,
           **_: Any) -> Iterator[Document | BadRecord]:
    for number, line, problem in jsonl_lines(path, encoding, encoding_errors):
        yield jsonl_record(path, fields, number, line, problem)


def jsonl_lines(path: str, encoding: str = "utf-8", encoding_errors: str = "strict") -> Iterator[tuple[int, str, str | None]]:
    """The non-blank lines of a JSON Lines file undecoded as JSON: ``(number, line, problem)``,
    ``problem`` why the line's bytes did not decode (else None). `jsonl_record` makes the record
    of each, wherever it runs (`arules check --jobs` decodes records in its workers)."""
    lines = _Lines(path, encoding, encoding_errors)
    with lines.open():
        for line in lines:
            problem = lines.take_problem()
            if problem or line.strip():
                yield lines.number, line, problem


def jsonl_record(path: str, fields: Fields, number: int, line: str, problem: str | None) -> Document | BadRecord:
    """The `Document` (or `BadRecord`) of one line of `jsonl_lines`."""
    if problem:
        return BadRecord(path, number, problem)
    return _json_record(line, fields, path, number)


def _json_record(line: str, fields: Fields, path: str, number: int) -> Document | BadRecord:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as e:
        if number == 1 and line.lstrip().startswith("["):
            raise InputError(f"{path}: holds a JSON array, not JSON Lines (one object per line); "
                             f"convert it with: jq -c '.[]' {path}") from None
        return BadRecord(path, number, f"not valid JSON ({e.msg} at column {e.colno}); "
                                       f"each line must hold one JSON object")
    if not isinstance(obj, dict):
        return BadRecord(path, number, f"holds {_kind(obj)}, not a JSON object; each line must hold "
                                       f'one object like {{"{fields.text}": "..."}}')
    return _record(lambda name: _field(obj, name), fields, path, number)


def _field(obj: dict[str, Any], name: str) -> Any:
    """The value of ``name`` in ``obj``, or of the dotted path ``a.b`` in nested objects."""
    if name in obj:
        return obj[name]
    value: Any = obj
    for part in name.split("."):
        if not isinstance(value, dict) or part not in value:
            return _MISSING
        value = value[part]
    return value


# --- CSV and TSV ---------------------------------------------------------------------------------

def _raise_field_limit() -> None:
    """Let a CSV field be as long as a document (the csv module stops at 128 KiB by default)."""
    limit = sys.maxsize
    while True:
        try:
            csv.field_size_limit(limit)
            return
        except OverflowError:
            limit //= 2


def _delimited(path: str, fields: Fields, *, fmt: str, encoding: str,
               encoding_errors: str) -> Iterator[Document | BadRecord]:
    _raise_field_limit()
    lines = _Lines(path, encoding, encoding_errors)
    with lines.open():
        rows = csv.reader(lines, csv.excel_tab if fmt == "tsv" else csv.excel)
        try:
            yield from _rows(rows, lines, fields, path)
        except csv.Error as e:
            raise InputError(f"{path}:{lines.number}: cannot read this {fmt.upper()} ({e})") from None


def _rows(rows: Iterator[list[str]], lines: _Lines, fields: Fields, path: str) -> Iterator[Document | BadRecord]:
    header = next(rows, None)
    if header is None:
        return
    problem = lines.take_problem()
    if problem:
        raise InputError(f"{path}: the header row is {problem}")
    columns = {name: i for i, name in reversed(list(enumerate(header)))}
    _check_columns(path, fields, header)
    record, start = 0, lines.number + 1
    for row in rows:
        where, start = f" (line {start})", lines.number + 1
        problem = lines.take_problem()
        if not row:
            continue
        record += 1
        if problem:
            yield BadRecord(path, record, problem)
        elif len(row) != len(header):
            yield BadRecord(path, record, f"has {len(row)} fields, the header has {len(header)}{where}; "
                                          f"quote a field that holds the delimiter or a line break")
        else:
            yield _record(lambda name: row[columns[name]], fields, path, record, where)


def _check_columns(path: str, fields: Fields, names: list[str]) -> None:
    for option, name in (("text", fields.text), ("id", fields.id), ("date", fields.date)):
        if name is not None and name not in names:
            shown = ", ".join(repr(n) for n in names[:20]) + (", ..." if len(names) > 20 else "")
            raise InputError(f"{path}: no column {name!r} (columns: {shown}); use --{option}-field "
                             f"to name the column holding the {option}")


# --- Parquet -------------------------------------------------------------------------------------

def _parquet(path: str, fields: Fields, **_: Any) -> Iterator[Document | BadRecord]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError(f'{path}: reading Parquet needs pyarrow; install it with: '
                         f'pip install "arabic_rules[parquet]"') from None
    with open_binary(path) as f:
        source = f if f.seekable() else pa.BufferReader(f.read())
        try:
            table = pq.ParquetFile(source)
        except (pa.ArrowException, OSError) as e:
            raise InputError(f"{path}: not a readable Parquet file ({e})") from None
        names = table.schema_arrow.names
        _check_columns(path, fields, names)
        wanted = list(dict.fromkeys(n for n in (fields.text, fields.id, fields.date) if n is not None))
        record = 0
        for batch in table.iter_batches(batch_size=_BATCH, columns=wanted):
            values = {name: batch.column(name).to_pylist() for name in wanted}
            for i in range(batch.num_rows):
                record += 1
                yield _record(lambda name: values[name][i], fields, path, record)


# --- plain text ----------------------------------------------------------------------------------

def _text_documents(path: str, doc_sep: str, encoding: str, encoding_errors: str) -> Iterator[Document]:
    if doc_sep == "none":
        yield Document(path, inputs.read_text(path, encoding, encoding_errors=encoding_errors), None, path, 1)
        return
    pieces = inputs.blocks(path, encoding, encoding_errors=encoding_errors)
    split = _split_blank_lines if doc_sep == "blankline" else _split_form_feeds
    for index, text, offset, line in split(b.text for b in pieces):
        yield Document(f"{path}#{index}", text, None, path, index, line, offset)


def _split_blank_lines(chunks: Iterable[str]) -> Iterator[tuple[int, str, int, int]]:
    """(index, text, offset, line) of each run of non-blank lines in the text ``chunks`` make
    together, indexed 1, 2, ... A document runs from the start of its first line to the end of its
    last line, without that line's break; lines holding only whitespace separate documents."""
    parts: list[str] = []
    start = first = index = 0
    offset, line = 0, 1
    for chunk in _lines(chunks):
        if chunk.strip():
            if not parts:
                start, first = offset, line
            parts.append(chunk)
        elif parts:
            index += 1
            yield index, _without_break("".join(parts)), start, first
            parts = []
        offset += len(chunk)
        line += 1
    if parts:
        yield index + 1, _without_break("".join(parts)), start, first


def _lines(chunks: Iterable[str]) -> Iterator[str]:
    """The lines of the text ``chunks`` make together, each with its "\\n" (the last maybe none)."""
    carry = ""
    for chunk in chunks:
        pieces = (carry + chunk).split("\n")
        carry = pieces.pop()
        for piece in pieces:
            yield piece + "\n"
    if carry:
        yield carry


def _without_break(text: str) -> str:
    if text.endswith("\n"):
        text = text[:-1]
        if text.endswith("\r"):
            text = text[:-1]
    return text


def _split_form_feeds(chunks: Iterable[str]) -> Iterator[tuple[int, str, int, int]]:
    """(index, text, offset, line) of each piece between form feeds that holds more than
    whitespace; the text is exactly the characters between two form feeds. The index counts every
    piece, skipped ones too, so that it stays the page number of a pdftotext-style file."""
    parts: list[str] = []
    start, first, index = 0, 1, 1
    offset, line = 0, 1
    for chunk in chunks:
        pieces = chunk.split("\f")
        for i, piece in enumerate(pieces):
            if i:  # a form feed ends the document before it
                yield from _kept(index, "".join(parts), start, first)
                parts = []
                index += 1
                offset += 1
                start, first = offset, line
            parts.append(piece)
            offset += len(piece)
            line += piece.count("\n")
    yield from _kept(index, "".join(parts), start, first)


def _kept(index: int, text: str, offset: int, line: int) -> Iterator[tuple[int, str, int, int]]:
    if text.strip():
        yield index, text, offset, line
