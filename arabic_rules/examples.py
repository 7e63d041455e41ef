"""Running the examples written inside rule files: each rule's own corpus test."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from .compiler import compile_pack
from .engine import Engine
from .loader import Example, Pack, Rule


@dataclass(frozen=True)
class ExampleResult:
    rule: Rule
    example: Example
    ok: bool
    message: str = ""


def same_value(expected: Any, got: Any) -> bool:
    """Equality for example values: floats within 1e-3, mappings compared on the expected keys."""
    if isinstance(expected, dict):
        return isinstance(got, dict) and all(k in got and same_value(v, got[k]) for k, v in expected.items())
    if isinstance(expected, float) or isinstance(got, float):
        try:
            return math.isclose(float(expected), float(got), rel_tol=1e-6, abs_tol=1e-3)
        except (TypeError, ValueError):
            return False
    if isinstance(expected, list) and isinstance(got, (list, tuple)):
        return len(expected) == len(got) and all(same_value(a, b) for a, b in zip(expected, got))
    return expected == got


def _show(text: str, span: tuple[int, int]) -> str:
    s, e = span
    return f"{text[:s]}[{text[s:e]}]{text[e:]}"


def check_example(engine: Engine, rule: Rule, ex: Example) -> ExampleResult:
    found = engine.extract(ex.text, ref_date=ex.ref_date, labels={rule.label})
    if not ex.positive:
        bad = [m for m in found if ex.span is None or (m.start, m.end) == ex.span]
        if bad:
            m = bad[0]
            return ExampleResult(rule, ex, False, f"expected no {rule.label} but {m.rule} matched "
                                                  f"{_show(ex.text, (m.start, m.end))}")
        return ExampleResult(rule, ex, True)
    hits = [m for m in found if (m.start, m.end) == ex.span]
    if not hits:
        others = "; ".join(f"{m.rule} {_show(ex.text, (m.start, m.end))}" for m in found) or "nothing"
        return ExampleResult(rule, ex, False, f"expected {_show(ex.text, ex.span)}; found {others}")
    m = hits[0]
    if m.rule != rule.name:
        return ExampleResult(rule, ex, False, f"the span was matched by rule {m.rule}, not {rule.name}")
    if ex.has_value and not same_value(ex.value, m.value):
        return ExampleResult(rule, ex, False, f"value {m.value!r}, expected {ex.value!r}")
    for k, v in ex.attrs:
        if not same_value(v, m.attrs.get(k)):
            return ExampleResult(rule, ex, False, f"attrs[{k!r}] is {m.attrs.get(k)!r}, expected {v!r}")
    return ExampleResult(rule, ex, True)


def run_examples(pack: Pack, engine: Engine | None = None) -> list[ExampleResult]:
    """Check every example of every rule in ``pack``."""
    engine = engine or Engine(compile_pack(pack))
    return [check_example(engine, rule, ex) for rule in pack.rules for ex in rule.examples]
