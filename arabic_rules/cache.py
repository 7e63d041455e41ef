"""On-disk cache of compiled rule packs, keyed by a hash of the rule files, grammar and compiler.

A second ``arules check`` loads the compiled pack instead of parsing YAML and patterns again.
The compiled code of the regexes the Python planner runs (the prefilter and raw scans of the
python back end, `programs`) is kept beside the packs, one file per regex keyed by its source
(`load_code`): a pack compiles without them, and they are built the first time they run.
Set ``ARULES_CACHE_DIR`` to move the cache, or ``ARULES_NO_CACHE=1`` to turn it off. A cache
that cannot be read or written is ignored: it only ever saves time. It is kept under `LIMIT`
bytes: the entries used least recently (old versions of edited packs) are deleted first.
"""
from __future__ import annotations

import gc
import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path

import _sre  # type: ignore[import-not-found]

from .builtins import builtins_path
from .resources import grammar_path

_CODE = ("compiler.py", "sentence_gates.py", "builtins.py", "ir.py", "loader.py", "syntax.py", "normalize.py",
         "morphology.py", "programs.py", "rulefile.py", "shapes.py", "yamltree.py")
FORMAT = 2


def cache_dir() -> Path | None:
    if os.environ.get("ARULES_NO_CACHE"):
        return None
    base = os.environ.get("ARULES_CACHE_DIR")
    if base:
        return Path(base)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "arabic_rules"


def key_for(files: list[Path], requested: list[str]) -> str:
    """Content hash of the rule files, the grammar, the code that compiles them and the Python
    build (the pack holds `re`'s compiled code, see `programs`)."""
    h = hashlib.sha256(f"format {FORMAT}\n{sys.version}\n{_sre.MAGIC}\n{requested!r}\n".encode())
    here = Path(__file__).parent
    for p in [grammar_path(), builtins_path(), *(here / c for c in _CODE)]:
        if p.is_file():
            h.update(p.read_bytes())
    for p in sorted(set(files)):
        h.update(str(p).encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:32]


def load(key: str):
    d = cache_dir()
    if d is None:
        return None
    enabled = gc.isenabled()
    gc.disable()  # a pack is ~100k small objects: collections while they load cost a third more
    try:
        with open(d / f"{key}.pickle", "rb") as f:
            got = pickle.load(f)
    except Exception:  # noqa: BLE001 - a broken cache entry is just a miss
        return None
    finally:
        if enabled:
            gc.enable()
    _used(d / f"{key}.pickle")
    return got


def store(key: str, obj) -> None:
    d = cache_dir()
    if d is not None:
        _write(d, f"{key}.pickle", obj)


def _write(d: Path, name: str, obj) -> None:
    """Write ``obj`` to ``d/name`` whole or not at all (a temporary file renamed: processes that
    fill the cache at once never read half a file), then keep the cache within `LIMIT`."""
    try:
        d.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=d, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            pickle.dump(obj, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, d / name)
    except OSError:
        return
    base = cache_dir()
    if base is not None:
        prune(base)


def _mark_path(fact: str) -> Path | None:
    d = cache_dir()
    if d is None:
        return None
    h = hashlib.sha256(f"mark {FORMAT}\n".encode())
    h.update(fact.encode("utf-8", "surrogatepass"))
    return d / "marks" / h.hexdigest()[:32]


def mark(fact: str) -> None:
    """Remember that ``fact`` (a text naming a check and all it depends on) held, such as a
    rule's lint probe passing: an empty file named by its hash."""
    path = _mark_path(fact)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
    except OSError:
        pass


def has_mark(fact: str) -> bool:
    path = _mark_path(fact)
    return path is not None and path.is_file()


LIMIT = 512 * 2**20  # bytes: an edited pack leaves its old entries behind; the least recently used go


def _used(path: Path) -> None:
    """Mark a cache entry as just used (its modification time: what `prune` keeps the newest of)."""
    try:
        os.utime(path)
    except OSError:
        pass


def prune(d: Path, limit: int = LIMIT) -> None:
    """Delete the least recently used entries of cache folder ``d`` while it holds more than
    ``limit`` bytes, down to three quarters of it."""
    entries = []
    for p in [*d.glob("*.pickle"), *d.glob("regex/*.pickle")]:
        try:
            st = p.stat()
        except OSError:
            continue
        entries.append((st.st_mtime, st.st_size, p))
    total = sum(size for _, size, _ in entries)
    if total <= limit:
        return
    for _, size, p in sorted(entries, key=lambda e: e[0]):
        try:
            p.unlink()
        except OSError:
            continue
        total -= size
        if total <= limit * 3 // 4:
            break


def _code_name(source: str) -> str:
    h = hashlib.sha256(f"code {FORMAT}\n{sys.version}\n{_sre.MAGIC}\n".encode())
    h.update(source.encode("utf-8", "surrogatepass"))
    return h.hexdigest()[:32] + ".pickle"


def load_code(source: str):
    """The stored compiled code of regex ``source`` (see `programs.assemble`), or None."""
    d = cache_dir()
    if d is None:
        return None
    path = d / "regex" / _code_name(source)
    try:
        with open(path, "rb") as f:
            got = pickle.load(f)
    except Exception:  # noqa: BLE001 - a broken cache entry is just a miss
        return None
    if not (isinstance(got, tuple) and got and got[0] == source):
        return None
    _used(path)
    return got


def store_code(source: str, code: tuple) -> None:
    d = cache_dir()
    if d is not None:
        _write(d / "regex", _code_name(source), code)
