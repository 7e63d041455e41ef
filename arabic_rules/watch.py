"""Rerunning a command when rule files change (`arules test --watch`), by polling their times.

Polling needs no extra dependency and works on every file system (network drives included);
checking a pack's few files twice a second costs nothing measurable.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Callable, Iterable

from .resources import yaml_files

INTERVAL = 0.5  # seconds between two looks at the files

Stamps = dict[str, tuple[int, int] | None]  # path -> (modification time in ns, size); None: missing


def watched_files(paths: Iterable[str | Path]) -> list[Path]:
    """The files behind ``paths``: a file as given, a folder as the rule files in it (so a file
    added to a pack folder counts as a change too)."""
    out: list[Path] = []
    for p in map(Path, paths):
        out.extend(yaml_files(p) if p.is_dir() else [p])
    return out


def stamps(paths: Iterable[str | Path]) -> Stamps:
    """What `changed` compares: each file's modification time and size (None if it is gone)."""
    out: Stamps = {}
    for f in watched_files(paths):
        try:
            st = f.stat()
        except OSError:
            out[str(f)] = None
        else:
            out[str(f)] = (st.st_mtime_ns, st.st_size)
    return out


def changed(paths: Iterable[str | Path], before: Stamps) -> bool:
    """Whether a file of ``paths`` was saved, added or removed since ``before`` was taken."""
    return stamps(paths) != before


def watch(run: Callable[[], Iterable[str | Path]], paths: Iterable[str | Path], *,
          interval: float = INTERVAL, max_runs: int | None = None,
          sleep: Callable[[float], None] = time.sleep, say: Callable[[str], None] = print) -> int:
    """Call ``run()``, then again each time a file changes, until Ctrl-C (or ``max_runs`` runs,
    for tests). ``run`` returns the files it read beyond ``paths`` (imports): those are watched
    too. Returns how many runs were made; Ctrl-C ends the watch quietly."""
    paths = list(paths)
    runs = 0
    try:
        while True:
            read = list(run())
            runs += 1
            if max_runs is not None and runs >= max_runs:
                return runs
            watched = list(dict.fromkeys([*map(str, paths), *map(str, read)]))
            before = stamps(watched)
            say(f"watching {len(before)} file(s) for changes (Ctrl-C to stop)")
            while not changed(watched, before):
                sleep(interval)
            say("")
    except KeyboardInterrupt:
        return runs
