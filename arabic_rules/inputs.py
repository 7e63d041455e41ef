"""Reading input texts for the CLI: clear errors for bad files, bounded memory for big ones."""
from __future__ import annotations

import codecs
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator

from .errors import InputError

BLOCK = 1 << 20  # characters per block when a file is streamed
_BINARY_SNIFF = 8192


@dataclass(frozen=True)
class Block:
    """A piece of an input that ends at a paragraph (or line) break."""

    text: str
    offset: int  # character offset of the block in the whole input
    line: int  # 1-based line number of its first line
    lead: int = 0  # characters at the start that belong to the block before (left context only)


def _open(name: str) -> tuple[BinaryIO, bool]:
    if name == "-":
        return sys.stdin.buffer, False
    p = Path(name)
    if p.is_dir():
        raise InputError(f"{name}: is a directory; pass the files inside it (for example {name}/*.txt)")
    try:
        return open(p, "rb"), True
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except OSError as e:
        raise InputError(f"{name}: cannot read ({e.strerror})") from None


def blocks(name: str, encoding: str = "utf-8", block: int = BLOCK) -> Iterator[Block]:
    """The text of file ``name`` ("-" for stdin) in blocks that end at a blank line when one is
    near, else at a line break, so that memory stays bounded on files of any size.

    Raises `InputError` for a missing file, a directory, an empty or binary file, or bytes that
    are not valid in ``encoding`` (naming the byte offset)."""
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r}; try utf-8, cp1256 or iso-8859-6") from None
    f, close = _open(name)
    try:
        decoder = codecs.getincrementaldecoder(encoding)("strict")
        head = f.read(_BINARY_SNIFF)
        if not head:
            raise InputError(f"{name}: empty file; nothing to check")
        if b"\x00" in head and not encoding.lower().startswith("utf-16"):
            raise InputError(f"{name}: looks like a binary file (it contains NUL bytes); pass a text file")
        if encoding.lower().replace("-", "") in ("utf8", "utf8sig") and head.startswith(codecs.BOM_UTF8):
            head = head[3:]
        pending, offset, line, consumed = "", 0, 1, 0
        chunk = head
        while True:
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as e:
                pos = consumed + e.start
                raise InputError(f"{name}: not valid {encoding} at byte {pos}; "
                                 f"pass --encoding (for example --encoding cp1256) if the file uses another") from None
            consumed += len(chunk)
            pending += text
            while len(pending) >= block:
                cut = _cut(pending, block)
                if cut <= 0:
                    break
                piece, pending = pending[:cut], pending[cut:]
                yield Block(piece, offset, line)
                offset += len(piece)
                line += piece.count("\n")
            if not chunk:
                break
            chunk = f.read(1 << 16)
        if pending:
            yield Block(pending, offset, line)
    finally:
        if close:
            f.close()


def _cut(text: str, block: int) -> int:
    """Where to end a block: after the last blank line in the block's last quarter, else after
    the last line break, else (one huge line) at the last space, else nowhere yet."""
    cut = text.rfind("\n\n", block * 3 // 4, block + block // 2)
    if cut >= 0:
        return cut + 2
    cut = text.rfind("\n", 0, block * 2)
    if cut >= 0:
        return cut + 1
    if len(text) >= block * 4:  # a single enormous line: cut at whitespace to bound memory
        space = text.rfind(" ", 0, block * 4)
        return space + 1 if space > 0 else block * 4
    return 0


def read_text(name: str, encoding: str = "utf-8") -> str:
    """A whole input as one string (for small inputs and `explain`)."""
    return "".join(b.text for b in blocks(name, encoding))
