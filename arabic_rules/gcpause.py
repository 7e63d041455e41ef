"""Python's cyclic garbage collector paused while a pack is loaded, compiled and laid out (and
for a whole `arules lint` / `arules test` run).

Those steps build a few million small objects that all stay alive (the pack, its programs, the
layout's tables), and the collector, triggered by the allocations alone, walks the whole growing
heap again and again without finding garbage: a third of a cold layout and a fifth of a cold
compile of the shipped packs went to it. Reference counting still frees everything as usual;
only the search for reference cycles waits until the step is done.

    with paused():        # or @paused on a function
        ...

Nesting and threads: the collector is turned off by the first step to enter and back on (if it
was on) when the last one leaves.
"""
from __future__ import annotations

import contextlib
import gc
import threading

_lock = threading.Lock()
_depth = 0
_was_enabled = False


class paused(contextlib.ContextDecorator):
    """Pause cyclic garbage collection for the ``with`` block (or the decorated call)."""

    def __enter__(self) -> "paused":
        global _depth, _was_enabled
        with _lock:
            if _depth == 0:
                _was_enabled = gc.isenabled()
                gc.disable()
            _depth += 1
        return self

    def __exit__(self, *exc: object) -> None:
        global _depth
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
