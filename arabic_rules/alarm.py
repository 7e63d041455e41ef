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
