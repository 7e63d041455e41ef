"""Gold evaluation of the attribution pack (tests/gold/attribution.yaml and three articles).

An attribution is found when its cue span (same occurrence) is matched; then speaker and content
spans are compared exactly. Run with ``-s`` to see the figures; ``python tests/test_attribution_gold.py``
prints every miss.
"""
from __future__ import annotations

import pathlib
import sys
from dataclasses import dataclass, field

import pytest
import yaml

from arabic_rules import Engine

GOLD = pathlib.Path(__file__).resolve().parent / "gold"


def nth_index(text: str, sub: str, n: int) -> int:
    """Start of the n-th (1-based) raw occurrence of ``sub``, overlapping allowed; -1 if none."""
    i = -1
    for _ in range(n):
        i = text.find(sub, i + 1)
        if i < 0:
            return -1
    return i


def span_of(text: str, exp: dict, key: str):
    s = exp.get(key)
    if s is None:
        return None
    i = nth_index(text, s, exp.get(f"{key}_nth", 1))
    assert i >= 0, f"gold {key} {s!r} not found"
    return (i, i + len(s))


@dataclass
class Score:
    gold: int = 0
    found: int = 0
    correct: int = 0
    speaker_total: int = 0
    speaker_ok: int = 0
    content_total: int = 0
    content_ok: int = 0
    misses: list = field(default_factory=list)

    def add(self, other: "Score") -> None:
        for k in ("gold", "found", "correct", "speaker_total", "speaker_ok", "content_total", "content_ok"):
            setattr(self, k, getattr(self, k) + getattr(other, k))
        self.misses += other.misses

    @property
    def precision(self) -> float:
        return self.correct / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.gold if self.gold else 1.0

    @property
    def speaker(self) -> float:
        return self.speaker_ok / self.speaker_total if self.speaker_total else 1.0

    @property
    def content(self) -> float:
        return self.content_ok / self.content_total if self.content_total else 1.0

    def line(self, name: str) -> str:
        return (f"{name}: cues gold {self.gold} found {self.found} correct {self.correct} "
                f"P={self.precision:.3f} R={self.recall:.3f} speaker={self.speaker:.3f} "
                f"({self.speaker_ok}/{self.speaker_total}) content={self.content:.3f} "
                f"({self.content_ok}/{self.content_total})")


def score_text(engine: Engine, text: str, expect: list[dict], where: str) -> Score:
    sc = Score()
    found = [m for m in engine.extract(text, labels={"attribution"})]
    by_cue = {}
    for m in found:
        cue = m.fields.get("cue")
        if cue is not None:
            by_cue[(cue.start, cue.end)] = m
    sc.found = len(found)
    sc.gold = len(expect)
    matched = set()
    for exp in expect:
        cue = span_of(text, exp, "cue")
        m = by_cue.get(cue)
        if m is None:
            sc.misses.append(f"{where}: missed cue {exp['cue']!r}")
            continue
        matched.add(id(m))
        sc.correct += 1
        if exp.get("speaker") is not None:
            sc.speaker_total += 1
            got = m.fields.get("speaker")
            if got is not None and (got.start, got.end) == span_of(text, exp, "speaker"):
                sc.speaker_ok += 1
            else:
                sc.misses.append(f"{where}: speaker {exp['speaker']!r} got {got.text if got else None!r}")
        if exp.get("content") is not None:
            sc.content_total += 1
            got = m.fields.get("content")
            if got is not None and (got.start, got.end) == span_of(text, exp, "content"):
                sc.content_ok += 1
            else:
                sc.misses.append(f"{where}: content {exp['content'][:40]!r} got {got.text[:60] if got else None!r}")
    for m in found:
        if id(m) not in matched:
            sc.misses.append(f"{where}: spurious {m.rule} {m.text[:60]!r}")
    return sc


def evaluate(engine: Engine) -> tuple[Score, Score]:
    items = yaml.safe_load((GOLD / "attribution.yaml").read_text(encoding="utf-8"))["items"]
    sentences = Score()
    for k, item in enumerate(items):
        sentences.add(score_text(engine, item["text"], item["expect"], item.get("id", str(k))))
    articles = Score()
    for txt in sorted((GOLD / "articles").glob("*.txt")):
        expect = yaml.safe_load(txt.with_suffix(".yaml").read_text(encoding="utf-8"))["expect"]
        articles.add(score_text(engine, txt.read_text(encoding="utf-8"), expect, txt.stem))
    return sentences, articles


@pytest.fixture(scope="module")
def scores():
    if not (GOLD / "attribution.yaml").exists():
        pytest.skip("no attribution gold set")
    return evaluate(Engine.default())


def test_gold_sentences_meet_the_targets(scores):
    s, _ = scores
    print("\n" + s.line("sentences"))
    assert s.precision >= 0.95 and s.recall >= 0.90
    assert s.speaker >= 0.85 and s.content >= 0.85


def test_gold_articles_meet_the_targets(scores):
    _, a = scores
    print("\n" + a.line("articles"))
    assert a.precision >= 0.95 and a.recall >= 0.90
    assert a.speaker >= 0.85 and a.content >= 0.85


if __name__ == "__main__":
    s, a = evaluate(Engine.default())
    for miss in s.misses + a.misses:
        print(miss)
    print(s.line("sentences"))
    print(a.line("articles"))
    sys.exit(0)
