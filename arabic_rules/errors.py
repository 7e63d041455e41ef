"""Errors and problems: every message says where (``file:line:col``) and how to fix it."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One problem found in a rule file or an input, printed pyflakes-style.

    ``code`` is a stable identifier (``E101`` ...) that tests and users can grep for;
    ``context`` holds extra lines (a pattern with a caret under the column).
    """

    path: str
    line: int
    col: int
    code: str
    message: str
    context: str = ""

    def __str__(self) -> str:
        head = f"{self.path}:{self.line}:{self.col}: {self.code} {self.message}"
        return f"{head}\n{self.context}" if self.context else head


class ArabicRulesError(Exception):
    """Base class of every error this library raises on purpose."""


class RuleError(ArabicRulesError):
    """Rule files did not load; ``problems`` lists every problem found, not only the first."""

    def __init__(self, problems: list[Problem], partial: Any = None):
        self.problems = list(problems)
        self.partial = partial  # a loader.Pack of the rules that loaded without a problem, or None
        super().__init__("\n".join(str(p) for p in self.problems))


class PatternSyntaxError(ArabicRulesError):
    """A pattern string does not parse; ``offset`` is the 0-based column in the pattern."""

    def __init__(self, message: str, pattern: str, offset: int):
        self.message = message
        self.pattern = pattern
        self.offset = offset
        super().__init__(f"{message}\n{caret(pattern, offset)}")


class InputError(ArabicRulesError):
    """An input text cannot be read (missing, binary, wrong encoding, ...)."""


class ExtractionTimeout(ArabicRulesError):
    """A text took longer than the engine's time guard allows."""


def caret(source: str, offset: int, indent: str = "    ") -> str:
    """The line of ``source`` holding ``offset`` with a ``^`` under that column."""
    start = source.rfind("\n", 0, offset) + 1
    end = source.find("\n", offset)
    line = source[start:] if end < 0 else source[start:end]
    return f"{indent}{line}\n{indent}{' ' * (offset - start)}^"
