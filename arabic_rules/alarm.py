"""A time limit that stops running Python code, even inside one `re` match.

`re` checks for signals while it matches, so a SIGALRM handler that raises interrupts a
runaway match that no clock check between matches could. Alarms exist only on the main
thread (and not on Windows): elsewhere `limit` sets none and `available` says so.
"""
from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from typing import Callable


def available() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def limit(seconds: float | None, error: Callable[[], BaseException]):
    """Raise ``error()`` in the body if it runs longer than ``seconds`` (None: no limit)."""
    if seconds is None or not available():
        yield
        return

    def ring(signum, frame):
        raise error()

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def each(seconds: float, error: Callable[[], BaseException]):
    """Like `limit` for many short steps: yields ``run(fn, *args)``, which calls ``fn(*args)``
    under a limit of ``seconds`` (the handler is set once, not once per step: lint's probes
    run 25,000 steps). Without alarms (off the main thread) ``run`` sets no limit."""
    if not available():
        yield lambda fn, *args: fn(*args)
        return

    def ring(signum, frame):
        raise error()

    def run(fn, *args):
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            return fn(*args)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)

    previous = signal.signal(signal.SIGALRM, ring)
    try:
        yield run
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
