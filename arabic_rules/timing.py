"""`arules bench FILE`: how fast the engine runs on a file of yours, through the public API only.

It times what a user's program would do: build the engine (`Engine.default` or
`Engine.from_paths`, from the pack cache when it holds the pack), then `Engine.extract` on each
document of the file, values built. CPU time of this process, best of ``repeat`` passes, so
other programs on the machine do not change the figure much. The throughput suite that compares
the engine with other tools on a whole corpus lives outside the package (`python -m bench`).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Iterable


@dataclass(frozen=True)
class Timing:
    """What `time_engine` measured."""

    documents: int
    characters: int
    megabytes: float  # UTF-8 size of the texts
    ready_seconds: float  # building the engine (CPU)
    extract_seconds: float  # one pass over every document, the best of the passes (CPU)
    passes: int
    matches: dict[str, int] = field(default_factory=dict)  # per label, in one pass

    @property
    def mb_per_second(self) -> float:
        return self.megabytes / self.extract_seconds if self.extract_seconds > 0 else float("inf")


def time_engine(make_engine, texts: Iterable[str], repeat: int = 3, labels=None) -> Timing:
    """Time ``make_engine()`` once, then ``extract`` over ``texts`` ``repeat`` times (best of)."""
    if repeat < 1:
        raise ValueError(f"repeat={repeat}: time at least one pass")
    texts = list(texts)
    t = time.process_time()
    engine = make_engine()
    ready = time.process_time() - t
    best, counts = float("inf"), {}
    for _ in range(repeat):
        counts = {}
        t = time.process_time()
        for text in texts:
            for m in engine.extract(text, labels=labels):
                counts[m.label] = counts.get(m.label, 0) + 1
        best = min(best, time.process_time() - t)
    return Timing(len(texts), sum(map(len, texts)), sum(len(x.encode("utf-8")) for x in texts) / 1e6,
                  ready, best, repeat, dict(sorted(counts.items())))


def report(t: Timing) -> str:
    """The figures of ``t`` as lines for a terminal."""
    lines = [f"{t.documents:,} document(s), {t.characters:,} characters ({t.megabytes:.3f} MB of UTF-8)",
             f"engine ready in {t.ready_seconds:.2f} s",
             f"extract: {t.extract_seconds:.3f} s per pass (best of {t.passes}), {t.mb_per_second:.2f} MB/s",
             "matches per pass: " + (", ".join(f"{k} {v:,}" for k, v in t.matches.items()) or "none")]
    return "\n".join(lines) + "\n(CPU time of this process)"
