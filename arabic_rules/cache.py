"""On-disk cache of compiled rule packs, keyed by a hash of the rule files, grammar and compiler.

A second ``arules check`` loads the compiled pack instead of parsing YAML and patterns again.
Set ``ARULES_CACHE_DIR`` to move the cache, or ``ARULES_NO_CACHE=1`` to turn it off. A cache
that cannot be read or written is ignored: it only ever saves time.
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

from .resources import grammar_path

_CODE = ("compiler.py", "ir.py", "loader.py", "syntax.py", "normalize.py", "morphology.py", "programs.py",
         "rulefile.py", "shapes.py", "yamltree.py")
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
    for p in [grammar_path(), *(here / c for c in _CODE)]:
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
            return pickle.load(f)
    except Exception:  # noqa: BLE001 - a broken cache entry is just a miss
        return None
    finally:
        if enabled:
            gc.enable()


def store(key: str, obj) -> None:
    d = cache_dir()
    if d is None:
        return
    try:
        d.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=d, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            pickle.dump(obj, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, d / f"{key}.pickle")
    except OSError:
        pass
