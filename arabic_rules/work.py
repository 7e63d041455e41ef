"""What an extraction visited, counted: a deterministic measure of its cost.

The same text and pack give the same counts on any machine and under any load, so tests can
prove that extraction time is linear in a text's length (10 times the text: at most about 10
times the counts) without timing anything.
"""
from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass
class Work:
    """Characters (or items) each stage of one or more extractions visited; pass one to
    `Engine.extract` (``work=``) and read it afterwards. The counts add up across calls."""

    normalized: int = 0  # characters normalized
    prefiltered: int = 0  # characters the anchor prefilter read
    scanned: int = 0  # characters raw anchor scans were given
    tried: int = 0  # characters of the windows rules were tried in (rest checks included)
    tokens_back: int = 0  # tokens read backwards from anchors, for rules anchored inside
    quotation_marks: int = 0  # quotation marks and line breaks the quotation pass looked at
    finished: int = 0  # matches the finishers went through

    @property
    def total(self) -> int:
        return sum(getattr(self, f.name) for f in fields(self))
