"""arabic_rules: reported speech, dates and numbers in Arabic text, found with declarative rules.

    from arabic_rules import Engine
    for m in Engine.default().extract(text):
        print(m.label, m.text, m.value)
"""
from . import calendars, numerals, speech  # noqa: F401  (register the value builders)
from .engine import Engine
from .errors import ArabicRulesError, ExtractionTimeout, InputError, PatternSyntaxError, Problem, RuleError
from .match import Match, Span
from .normalize import Normalized, normalize
from .syntax import parse_pattern, render
from .values import Built, BuildContext, FieldView, Reject, builder

__version__ = "0.1.0"

__all__ = [
    "ArabicRulesError",
    "BuildContext",
    "Built",
    "Engine",
    "ExtractionTimeout",
    "FieldView",
    "InputError",
    "Match",
    "Normalized",
    "PatternSyntaxError",
    "Problem",
    "Reject",
    "RuleError",
    "Span",
    "builder",
    "normalize",
    "parse_pattern",
    "render",
]
