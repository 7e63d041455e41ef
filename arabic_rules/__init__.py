"""arabic_rules: reported speech, dates and numbers in Arabic text, found with declarative rules.

    from arabic_rules import Engine
    for m in Engine.default().extract(text):
        print(m.label, m.text, m.value)
    docs = (d for d in read_corpus(["news.jsonl.gz"], id_field="id") if isinstance(d, Document))
    for doc_id, matches in Engine.default().extract_many(docs, jobs=2):
        ...
"""
from . import calendars, numerals, speech  # noqa: F401  (register the value builders)
from .corpus import read_corpus, read_documents
from .documents import BadRecord, Document
from .engine import Engine
from .formats import AnnotatedDocument
from .errors import ArabicRulesError, ExtractionTimeout, InputError, PatternSyntaxError, Problem, RuleError
from .match import Match, Span
from .normalize import Normalized, normalize
from .refdates import parse_ref_date
from .syntax import parse_pattern, render
from .tense import TenseWords, read_tense
from .values import Built, BuildContext, FieldView, Reject, builder, role
from .work import Work

__version__ = "0.1.0"

__all__ = [
    "AnnotatedDocument",
    "ArabicRulesError",
    "BadRecord",
    "BuildContext",
    "Built",
    "Document",
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
    "TenseWords",
    "Work",
    "builder",
    "normalize",
    "parse_pattern",
    "parse_ref_date",
    "read_corpus",
    "read_documents",
    "read_tense",
    "render",
    "role",
]
