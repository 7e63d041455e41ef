"""Every example written in patterns/*.yaml, run as a test (Duckling-style corpus)."""
import pytest

from arabic_rules.engine import Engine, compile_files
from arabic_rules.examples import check_example
from arabic_rules.lint import lint
from arabic_rules.loader import load
from arabic_rules.resources import data_dir

PACK = load([data_dir("patterns")])
ENGINE = Engine(compile_files([data_dir("patterns")], loaded=PACK))  # (the cache entry of Engine.default())
CASES = [(rule, ex) for rule in PACK.rules for ex in rule.examples]


@pytest.mark.parametrize("rule,example", CASES, ids=[f"{r.name}:{e.loc.line}" for r, e in CASES])
def test_example(rule, example):
    result = check_example(ENGINE, rule, example)
    assert result.ok, f"{example.loc}: {result.message}"


def test_every_rule_has_positive_and_negative_examples():
    for rule in PACK.rules:
        kinds = {ex.positive for ex in rule.examples}
        assert kinds == {True, False}, f"{rule.loc}: rule {rule.name} needs positive and `not:` examples"


def test_no_shipped_rule_warns():
    """Every shipped rule has an anchor (W201: tried at every word otherwise), and no lexicon is
    named like a number lexicon without its role (W202)."""
    assert [str(p) for p in lint(PACK, ENGINE.pack, probe=False)] == []


@pytest.mark.slow  # (lint probes every rule with adversarial texts)
def test_shipped_packs_lint_clean():
    errors = [p for p in lint(PACK) if p.code.startswith("E")]
    assert errors == []
