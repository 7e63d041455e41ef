"""Reading input texts for the CLI: clear errors for bad files, bounded memory for big ones.

Files may be compressed (.gz, .bz2, .xz, .zst, or gzip/xz/zstd/bzip2 data recognised by its first
bytes, which covers stdin) and may start with a byte order mark: a UTF-16 or UTF-32 mark switches
the decoder to that encoding, a UTF-8 mark is dropped.
"""
from __future__ import annotations

import bz2
import codecs
import gzip
import io
import lzma
import re
import sys
import zlib
from pathlib import Path
from typing import Iterator

from .chunks import BLOCK, Block, cut_point
from .errors import InputError

# a run of this many characters without whitespace is skipped, not read as words; at most two
# blocks (`cut_point` cuts a line without whitespace there, which would hide a longer run)
LONG_RUN = 2 * BLOCK
_LONG_RUN = re.compile(r"(?<!\S)\S{%d}" % LONG_RUN)  # tried at run starts only: linear
_WHITESPACE = re.compile(r"\s")
_BINARY_SNIFF = 8192
ENCODING_ERRORS = ("strict", "replace")

# Compression, by file suffix and by the magic bytes that open the data.
COMPRESSION_SUFFIXES = {".gz": "gzip", ".bz2": "bzip2", ".xz": "xz", ".zst": "zstd"}
_MAGIC = (
    (b"\x1f\x8b", "gzip"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
)
_BZIP2_MAGIC = b"1AY&SY"  # after "BZh" and a block-size digit

# Byte order marks, longest first: the UTF-32-LE mark begins with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


# --- opening -------------------------------------------------------------------------------------

def compression_of(name: str) -> str | None:
    """The compression a file name's last suffix announces ("gzip", "zstd", ...), or None."""
    return COMPRESSION_SUFFIXES.get(Path(name).suffix.lower())


def open_binary(name: str) -> io.BufferedReader:
    """File ``name`` ("-" for stdin) opened for reading bytes, decompressed on the fly.

    The suffix decides for .gz, .bz2, .xz and .zst; any other file (and stdin) is decompressed
    when its first bytes are those of gzip, bzip2, xz or zstd data. Damaged compressed data raises
    `InputError` while it is read. Closing the result never closes stdin."""
    if name == "-":
        raw = io.BufferedReader(_Stream(sys.stdin.buffer, "-", None, close_inner=False), 1 << 16)
    else:
        raw = _open_file(name)
    kind = compression_of(name) if name != "-" else None
    if kind is None:
        kind = _sniff_compression(raw)
    if kind is None:
        return raw
    try:
        inner = _decompressor(kind, raw, name)
    except BaseException:
        raw.close()
        raise
    return io.BufferedReader(_Stream(inner, name, kind, close_inner=True, also_close=raw), 1 << 16)


def _open_file(name: str) -> io.BufferedReader:
    p = Path(name)
    if p.is_dir():
        raise InputError(f"{name}: is a directory; pass the files inside it (for example {name}/*.txt)")
    try:
        return open(p, "rb")
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except OSError as e:
        raise InputError(f"{name}: cannot read ({e.strerror})") from None


def _sniff_compression(f) -> str | None:
    head = f.peek(10)[:10]
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if head[:3] == b"BZh" and head[3:4].isdigit() and head[4:10] == _BZIP2_MAGIC:
        return "bzip2"
    return None


def _decompressor(kind: str, f, name: str):
    if kind == "gzip":
        return gzip.GzipFile(fileobj=f, mode="rb")
    if kind == "bzip2":
        return bz2.BZ2File(f, "rb")
    if kind == "xz":
        return lzma.LZMAFile(f, "rb")
    try:
        import zstandard
    except ImportError:
        raise InputError(f"{name}: reading zstd data needs the zstandard package; "
                         f'install it with: pip install "arabic_rules[zstd]"') from None
    return zstandard.ZstdDecompressor().stream_reader(f, read_across_frames=True, closefd=False)


def _decompress_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [OSError, EOFError, zlib.error, lzma.LZMAError]
    try:
        import zstandard
        errors.append(zstandard.ZstdError)
    except ImportError:
        pass
    return tuple(errors)


class _Stream(io.RawIOBase):
    """A raw reader over another stream that turns decompression failures into `InputError`."""

    def __init__(self, inner, name: str, kind: str | None, *, close_inner: bool, also_close=None):
        super().__init__()
        self._inner, self._name, self._kind = inner, name, kind
        self._close_inner, self._also_close = close_inner, also_close
        self._errors = _decompress_errors() if kind else ()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        try:
            if hasattr(self._inner, "readinto"):
                return self._inner.readinto(buffer)
            data = self._inner.read(len(buffer))
        except self._errors as e:
            raise InputError(f"{self._name}: damaged {self._kind} data ({e}); the file may be truncated, "
                             f"or not {self._kind} at all") from None
        buffer[:len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            try:
                if self._close_inner:
                    self._inner.close()
            finally:
                if self._also_close is not None:
                    self._also_close.close()
        super().close()


# --- decoding ------------------------------------------------------------------------------------

def check_encoding(encoding: str, encoding_errors: str = "strict") -> None:
    """Raise `InputError` when ``encoding`` is unknown or ``encoding_errors`` is not a choice."""
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r}; try utf-8, cp1256 or iso-8859-6") from None
    if encoding_errors not in ENCODING_ERRORS:
        raise InputError(f"unknown encoding-errors {encoding_errors!r}; use strict (stop at the first "
                         f"undecodable byte) or replace (read it as U+FFFD)")


def sniff_text(head: bytes, name: str, encoding: str) -> tuple[str, int]:
    """The encoding to decode a file with and the length of its byte order mark, from the file's
    first bytes ``head``.

    A UTF-16 or UTF-32 mark wins over ``encoding``; a UTF-8 mark is dropped when ``encoding`` is
    UTF-8. Raises `InputError` for an empty file or one that holds NUL bytes without being UTF-16
    or UTF-32 (a binary file)."""
    if not head:
        raise InputError(f"{name}: empty file; nothing to check")
    canonical = codecs.lookup(encoding).name
    for bom, bom_encoding in _BOMS:
        if head.startswith(bom):
            if bom_encoding != "utf-8":
                return bom_encoding, len(bom)
            if canonical in ("utf-8", "utf-8-sig"):
                return "utf-8", len(bom)
            break
    if b"\x00" in head and not canonical.startswith(("utf-16", "utf-32")):
        raise InputError(f"{name}: looks like a binary file (it contains NUL bytes); pass a text file")
    return encoding, 0


def decode_message(encoding: str, byte: int | None, line: int | None = None) -> str:
    """Why bytes ``encoding`` rejects stop the reading (at file offset ``byte``, on 1-based
    ``line``; either may be unknown), and the two ways out."""
    if byte is None:
        where = f"near line {line}"
    else:
        where = f"at byte {byte}" + (f" (line {line})" if line is not None else "")
    return (f"not valid {encoding} {where}; pass --encoding (for example --encoding cp1256) if the file "
            f"uses another, or --encoding-errors replace to read it anyway")


def decode_error(name: str, encoding: str, byte: int | None, line: int | None = None) -> InputError:
    """`decode_message` as an `InputError` for file ``name``."""
    return InputError(f"{name}: {decode_message(encoding, byte, line)}")


def blocks(name: str, encoding: str = "utf-8", block: int = BLOCK, *,
           encoding_errors: str = "strict") -> Iterator[Block]:
    """The text of file ``name`` ("-" for stdin) in blocks that end at a blank line when one is
    near, else at a line break, so that memory stays bounded on files of any size. A run of
    LONG_RUN characters or more without whitespace (no text has words that long) is not read:
    a block without text stands in its place, with ``skipped`` set to its length.

    ``encoding_errors`` is "strict" (stop at bytes ``encoding`` rejects) or "replace" (read them
    as U+FFFD). Raises `InputError` for a missing file, a directory, an empty or binary file, or
    (strict) bytes that are not valid in ``encoding``, naming their byte offset and line."""
    check_encoding(encoding, encoding_errors)
    f = open_binary(name)
    try:
        head = f.read(_BINARY_SNIFF)
        encoding, bom = sniff_text(head, name, encoding)
        decoder = codecs.getincrementaldecoder(encoding)(encoding_errors)
        pending, offset, line, consumed, skipping = "", 0, 1, bom, 0
        chunk = head[bom:]
        while True:
            buffered = _buffered(decoder)
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as e:
                lines = line + pending.count("\n") + _newlines(e.object[:e.start], encoding)
                error = decode_error(name, encoding, consumed - buffered + e.start, lines)
                # the text before the bad byte is read, wherever the byte sits; the rest is not
                pending += codecs.decode(e.object[:e.start], encoding, "replace")
                if pending and not skipping:
                    yield Block(pending, offset, line)
                raise error from None
            consumed += len(chunk)
            if skipping:  # inside a run without whitespace: drop it up to the next whitespace
                m = _WHITESPACE.search(text)
                skipping += len(text) if m is None else m.start()
                if m is not None:
                    yield Block("", offset, line, skipped=skipping)
                    offset, skipping, text = offset + skipping, 0, text[m.start():]
                else:
                    text = ""
            searched = max(0, len(pending) - LONG_RUN)  # a longer run would have been found already
            pending += text
            run = _LONG_RUN.search(pending, searched)
            if run is not None:
                start = run.start()
                if start:
                    yield Block(pending[:start], offset, line)
                    offset += start
                    line += pending.count("\n", 0, start)
                end = _WHITESPACE.search(pending, run.end())
                if end is None:  # the run goes on past what was read
                    skipping, pending = len(pending) - start, ""
                else:
                    yield Block("", offset, line, skipped=end.start() - start)
                    offset += end.start() - start
                    pending = pending[end.start():]
            while len(pending) >= block:
                cut = cut_point(pending, block)
                if cut <= 0:
                    break
                piece, pending = pending[:cut], pending[cut:]
                yield Block(piece, offset, line)
                offset += len(piece)
                line += piece.count("\n")
            if not chunk:
                break
            chunk = f.read(1 << 16)
        if skipping:
            yield Block("", offset, line, skipped=skipping)
        if pending:
            yield Block(pending, offset, line)
    finally:
        f.close()


def _buffered(decoder) -> int:
    """Bytes an incremental decoder holds back from earlier input (part of a character)."""
    try:
        state = decoder.getstate()[0]
    except Exception:  # a decoder without a readable state: offsets are then per chunk
        return 0
    return len(state) if isinstance(state, (bytes, bytearray)) else 0


def _newlines(data: bytes, encoding: str) -> int:
    return data.decode(encoding, "replace").count("\n")


def read_text(name: str, encoding: str = "utf-8", *, encoding_errors: str = "strict") -> str:
    """A whole input as one string (for small inputs and `explain`)."""
    return "".join(b.text for b in blocks(name, encoding, encoding_errors=encoding_errors))
