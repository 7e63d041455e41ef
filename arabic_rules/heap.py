"""The C heap of a long run (`arules check`): big buffers mapped on their own, given back whole.

glibc's malloc takes a buffer of 128 KB or more from the system by itself (mmap) and gives it
back when it is freed; but each such free raises that threshold to the buffer's size, after
which buffers as big come from the heap. A streaming run frees a few of those per chunk (the
chunk's text, the native core's copy of it and its per-text tables), and the heap they land in
is then kept in pieces: on the news corpus as one file that was 60 MB of peak memory more
(the findings are the same either way). Fixing the threshold keeps it where it starts.
"""
from __future__ import annotations

import sys

_M_MMAP_THRESHOLD = -3  # mallopt's parameter number (glibc's malloc.h)
THRESHOLD = 128 << 10  # glibc's own starting value


def bound_heap() -> bool:
    """Fix the C heap's mmap threshold of this process (and of the workers it forks); whether
    it was set (only where the C library is glibc: elsewhere nothing is done)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None)
        if not hasattr(libc, "gnu_get_libc_version"):  # not glibc (musl has its own malloc)
            return False
        return bool(libc.mallopt(_M_MMAP_THRESHOLD, THRESHOLD))
    except (OSError, AttributeError):
        return False
