"""The loader reports every problem at once, as file:line:col with a code and a fix."""
import pytest

from arabic_rules.errors import RuleError
from arabic_rules.loader import load

GOOD_RULE = """
rules:
  - name: r1
    label: word
    pattern: 'قال'
"""

BAD_FILES = [
    ("unknown top key", "lexicon:\n  x: [a]\n", [("E004", 1, 1, "did you mean 'lexicons'")]),
    ("unknown rule key", "rules:\n  - name: r\n    label: l\n    pattern: x\n    patern: y\n",
     [("E004", 5, 5, "did you mean 'pattern'")]),
    ("missing keys", "rules:\n  - name: r\n", [("E005", 2, 5, "'label', 'pattern'")]),
    ("pattern syntax", "rules:\n  - name: r\n    label: l\n    pattern: 'قال الوزير:'\n",
     [("E101", 4, 25, "quote punctuation")]),
    ("block pattern syntax", "rules:\n  - name: r\n    label: l\n    pattern: |\n      قال\n      x )\n",
     [("E101", 6, 9, "unexpected ')'")]),
    ("unknown lexicon", "rules:\n  - name: r\n    label: l\n    pattern: 'x @mnth'\n",
     [("E102", 4, 17, "unknown lexicon 'mnth'")]),
    ("unknown macro", "macros:\n  day: 'x'\nrules:\n  - name: r\n    label: l\n    pattern: '<dy>'\n",
     [("E103", 6, 15, "did you mean 'day'")]),
    ("macro cycle", "macros:\n  a: '<b> x'\n  b: '<a> y'\nrules:\n  - {name: r, label: l, pattern: '<a>'}\n",
     [("E104", 3, 3, "cycle a -> b -> a")]),
    ("unknown lexicon role", "lexicons:\n  x: {role: number.scal, forms: [b]}\n",
     [("E116", 2, 13, "did you mean 'number.scale'")]),
    ("lexicon include cycle", "lexicons:\n  x: {include: [y]}\n  y: {include: [x]}\n",
     [("E104", 3, 3, "include cycle x -> y -> x")]),
    ("unknown included lexicon", "lexicons:\n  x: {include: [yy]}\n  y: [a]\n",
     [("E102", 2, 3, "did you mean 'y'")]),
    ("duplicate rule", "rules:\n  - {name: r, label: l, pattern: x}\n  - {name: r, label: l, pattern: y}\n",
     [("E106", 3, 12, "already defined")]),
    ("duplicate yaml key", "rules:\n  - {name: r, label: l, pattern: x, pattern: y}\n", [("E002", 2, 37, "duplicate key")]),
    ("broken yaml", "rules: [\n  - {name: r\n", [("E002", 2, 3, "does not parse")]),
    ("unknown builder", "rules:\n  - {name: r, label: l, pattern: 'n:x', value: nope(n)}\n",
     [("E108", 2, 48, "unknown value builder 'nope'")]),
    ("value field not captured", "rules:\n  - {name: r, label: l, pattern: 'x', value: number(n)}\n",
     [("E108", 2, 46, "does not capture")]),
    ("bad example", "rules:\n  - name: r\n    label: l\n    pattern: x\n    examples: ['no brackets here']\n",
     [("E110", 5, 16, "mark the expected match")]),
    ("empty lexicon form", "lexicons:\n  x: ['َ']\n", [("E111", 2, 7, "not a word")]),
    ("not a mapping", "- a\n- b\n", [("E003", 1, 1, "a rule file is a mapping")]),
    ("import missing", "imports: [nowhere]\n", [("E109", 1, 11, "not found")]),
]


@pytest.mark.parametrize("name,text,expected", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_files_give_located_errors(tmp_path, name, text, expected):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleError) as err:
        load([path])
    got = [(p.code, p.line, p.col) for p in err.value.problems]
    for code, line, col, fragment in expected:
        assert (code, line, col) in got, f"{name}: {err.value}"
        assert any(fragment in p.message for p in err.value.problems), str(err.value)
        assert str(path) in str(err.value)


def test_every_problem_is_reported_at_once(tmp_path):
    path = tmp_path / "many.yaml"
    path.write_text("rules:\n  - {name: a, label: l, pattern: '@x'}\n  - {name: b, label: l, pattern: 'y:'}\n"
                    "  - {name: c, label: l, pattern: '<z>', colour: red}\n", encoding="utf-8")
    with pytest.raises(RuleError) as err:
        load([path])
    assert {p.code for p in err.value.problems} == {"E102", "E101", "E103", "E004"}


def test_pattern_error_shows_a_caret(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("rules:\n  - {name: r, label: l, pattern: 'قال )'}\n", encoding="utf-8")
    with pytest.raises(RuleError) as err:
        load([path])
    assert "    قال )\n        ^" in str(err.value)


def test_not_utf8(tmp_path):
    path = tmp_path / "latin.yaml"
    path.write_bytes("rules: []\n# caf\xe9\n".encode("latin-1"))
    with pytest.raises(RuleError) as err:
        load([path])
    assert err.value.problems[0].code == "E001" and "UTF-8" in err.value.problems[0].message


def test_imports_make_names_visible_and_are_required(rules_dir):
    d = rules_dir(base="lexicons:\n  month:\n    12: [ديسمبر]\n",
                  user="imports: [base]\nrules:\n  - {name: r, label: date, pattern: 'm:@month'}\n",
                  other="rules:\n  - {name: s, label: date, pattern: 'm:@month'}\n")
    pack = load([d / "user.yaml"])
    assert "month" in pack.lexicons and [r.name for r in pack.rules] == ["r"]
    with pytest.raises(RuleError) as err:
        load([d])
    assert any(p.code == "E105" and "imports: [base]" in p.message for p in err.value.problems)


def test_import_cycle(rules_dir):
    d = rules_dir(a="imports: [b]\n", b="imports: [a]\n")
    with pytest.raises(RuleError) as err:
        load([d / "a.yaml"])
    assert any(p.code == "E109" and "cycle" in p.message for p in err.value.problems)


def test_lexicon_maps_and_lists(rules_dir):
    d = rules_dir(x="lexicons:\n  month:\n    12: [كانون الأول, ديسمبر]\n    7: تموز\n  say: [قال, أكّد]\n" + GOOD_RULE)
    pack = load([d])
    assert dict(pack.lexicons["month"].entries) == {"كانون الاول": 12, "ديسمبر": 12, "تموز": 7}
    assert [f for f, _ in pack.lexicons["say"].entries] == ["قال", "اكد"]


def test_verbs_become_lexicons_of_their_forms(rules_dir):
    d = rules_dir(v="imports: [morphology]\nverbs:\n  say:\n    - {root: ق و ل, measure: I-hollow, lemma: قال}\n")
    pack = load([d / "v.yaml"])
    forms = dict(pack.lexicons["say"].entries)
    assert forms["قالت"] == "قال" and forms["يقولون"] == "قال" and forms["قاله"] == "قال"
    assert "وقال" not in forms  # proclitics are the patterns' business: (و | ف)? ~ @say
    assert {f for f, _ in pack.lexicons["say.participle"].entries} >= {"قائلا", "قائلين"}


def test_verb_errors_are_located(rules_dir):
    d = rules_dir(v="imports: [morphology]\nverbs:\n  say:\n    - {root: ق و ل, measure: I-holow, lemma: قال}\n",
                  w="verbs:\n  say2:\n    - {root: ق و ل, measure: I-hollow, lemma: قال}\n")
    with pytest.raises(RuleError) as err:
        load([d / "v.yaml"])
    (p,) = err.value.problems
    assert (p.code, p.line) == ("E113", 4) and "did you mean 'I-hollow'" in p.message
    with pytest.raises(RuleError) as err:
        load([d / "w.yaml"])
    assert "imports: [morphology]" in str(err.value)


def test_lint_rejects_raw_regexes_that_explode_on_runs_of_their_own_characters(tmp_path):
    """(a|aa)*b and (a|a)+c have no nested quantifier, yet split a run of a's in exponentially
    many ways before failing; the audit found lint passing them."""
    f = tmp_path / "bt.yaml"
    f.write_text("rules:\n"
                 "  - {name: t.a, label: x, pattern: 'قال re\"(a|aa)*b\"'}\n"
                 "  - {name: t.b, label: x, pattern: 'قال re\"(a|a)+c\"'}\n"
                 "  - {name: t.ok, label: x, pattern: 'قال re\"(?:ab|c)+d\"'}\n", encoding="utf-8")
    from arabic_rules.lint import lint
    from arabic_rules.loader import load

    problems = lint(load([f]), probe=False)
    flagged = {p.message.split("'")[1] for p in problems if p.code == "E107"}
    assert flagged == {"t.a", "t.b"}


def test_the_time_guard_stops_one_runaway_match(tmp_path):
    """A rule that explodes inside one `re` match (the reference executor runs a raw regex with
    `re`) is stopped by the engine's timeout (an alarm: checking the clock between tries cannot
    interrupt a single match)."""
    import time

    import pytest

    from arabic_rules.engine import Engine
    from arabic_rules.errors import ExtractionTimeout

    (tmp_path / "bt.yaml").write_text("rules:\n  - {name: t.a, label: x, pattern: 'قال re\"(a|aa)*b\"'}\n",
                                      encoding="utf-8")
    engine = Engine.from_paths([tmp_path], use_cache=False, timeout=0.3, backend="python")
    t = time.monotonic()
    with pytest.raises(ExtractionTimeout, match="t.a"):
        engine.extract("قال " + "a" * 60 + "!")
    assert time.monotonic() - t < 5


def test_the_time_guard_stops_one_runaway_native_run(tmp_path):
    """In the native core a raw regex without lookarounds runs in linear time (that one is no
    runaway there), and a program that backtracks without end is stopped inside its run, in
    time for the error to name the rule."""
    import time

    import pytest

    from arabic_rules.engine import Engine
    from arabic_rules.errors import ExtractionTimeout
    from arabic_rules.native import available

    if not available():
        pytest.skip("the native core is not built")
    (tmp_path / "bt.yaml").write_text("rules:\n  - {name: t.a, label: x, pattern: 'قال re\"(a|aa)*b\"'}\n"
                                      "  - {name: t.b, label: y, pattern: 'قال (_ | _ _)* \"!\" &!\"c\"'}\n",
                                      encoding="utf-8")
    engine = Engine.from_paths([tmp_path], use_cache=False, timeout=0.3, backend="native")
    t = time.monotonic()
    assert engine.extract("قال " + "a" * 60 + "!", labels={"x"}) == [] and time.monotonic() - t < 0.3
    assert [m.rule for m in engine.extract("قال " + "a" * 60 + "b", labels={"x"})] == ["t.a"]
    t = time.monotonic()
    # (the "!" is there, right after the words: the sentence gate and the core's guard, which
    # turns a start away where a mark no word can cover comes before the "!", let it try; the
    # lookahead after it fails only once the words are read, in every one of their splits)
    with pytest.raises(ExtractionTimeout, match="t.b"):
        engine.extract("قال " + "ab " * 60 + "!c")
    assert time.monotonic() - t < 5
    # (a comma before the "!": no match can reach it, and the guard says so before any run)
    assert engine.extract("قال " + "ab " * 60 + "، !", labels={"y"}) == []
