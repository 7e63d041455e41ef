"""Lexicons declare their role for the value builders (``role:``) and may include other lexicons
(``include:``); the built-in items %digits and %integer read numbers written in digits."""
import pytest

from arabic_rules import Engine
from arabic_rules.errors import RuleError
from arabic_rules.lint import lint
from arabic_rules.loader import load

NUMBER_RULE = """
rules:
  - name: t.n
    label: number
    pattern: 'n:(@units ((و ~ @tens | و @tens) | @big)?)'
    value: number(n)
"""
DECLARED = """
lexicons:
  joiner: {role: number.joiner, forms: [و]}
  ones: {role: number.value, forms: {3: [ثلاثة], 5: [خمسة]}}
  tens: {role: number.value, forms: {20: [عشرون, عشرين]}}
  big: {role: number.scale, forms: {1000: [ألف, آلاف]}}
  units:
    role: number.value
    include: [ones]
    forms: {7: [سبعة]}
""" + NUMBER_RULE


def _values(engine: Engine, text: str) -> list:
    return [m.value for m in engine.extract(text)]


def test_the_number_builder_reads_the_declared_roles():
    e = Engine.from_rules(DECLARED)
    assert _values(e, "وصل خمسة وعشرون لاجئاً") == [25]
    assert _values(e, "حضر ثلاثة آلاف مشجع") == [3000]
    assert _values(e, "بقي سبعة فقط") == [7]  # the include's own forms, with their values


def test_a_name_gives_no_role_and_lint_says_how_to_move_the_lexicon():
    """The same words in lexicons named as they once had to be, without roles: no number (the
    joiner and the scale are not read), and W202 names the role to declare."""
    old = """
lexicons:
  joiner: [و]
  num_ones: {3: [ثلاثة], 5: [خمسة]}
  num_tens: {20: [عشرون, عشرين]}
  scale_big: {1000: [ألف, آلاف]}
  units: {include: [num_ones]}
rules:
  - name: t.n
    label: number
    pattern: 'n:(@units ((و ~ @num_tens | و @num_tens) | @scale_big)?)'
    value: number(n)
"""
    e = Engine.from_rules(old)
    assert _values(e, "وصل خمسة وعشرون لاجئاً") == []
    warnings = {p.message.split("'")[1]: p.message for p in lint(load([], texts={"<old>": old}), probe=False)
                if p.code == "W202"}
    assert set(warnings) == {"joiner", "num_ones", "num_tens", "scale_big"}
    assert "role: number.scale" in warnings["scale_big"] and "role: number.joiner" in warnings["joiner"]


def test_an_include_holds_the_entries_and_values_of_the_lexicons_it_names(tmp_path):
    (tmp_path / "base.yaml").write_text("lexicons:\n  month:\n    12: [ديسمبر]\n    7: [تموز]\n", encoding="utf-8")
    (tmp_path / "user.yaml").write_text(
        "imports: [base]\nlexicons:\n  maghreb:\n    include: [month, more]\n    forms: {12: [دجنبر]}\n"
        "  more: {include: [extra]}\n  extra: {7: [يوليوز]}\n", encoding="utf-8")
    pack = load([tmp_path / "user.yaml"])
    assert dict(pack.lexicons["maghreb"].entries) == {"دجنبر": 12, "ديسمبر": 12, "تموز": 7, "يوليوز": 7}
    assert pack.lexicons["more"].entries == (("يوليوز", 7),)
    (tmp_path / "other.yaml").write_text("lexicons:\n  all: {include: [month]}\n", encoding="utf-8")
    with pytest.raises(RuleError) as err:
        load([tmp_path / "other.yaml", tmp_path / "base.yaml"])
    assert [p.code for p in err.value.problems] == ["E105"]
    assert "imports: [base]" in err.value.problems[0].message


def test_a_declared_lexicon_needs_forms_or_an_include(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("lexicons:\n  x: {role: number.value}\n", encoding="utf-8")
    with pytest.raises(RuleError) as err:
        load([path])
    assert [(p.code, p.line) for p in err.value.problems] == [("E005", 2)]


def test_a_verb_group_gives_its_form_classes_their_roles():
    pack = load([], texts={"<v>": "imports: [morphology]\nverbs:\n  say:\n"
                                  "    - {root: ق و ل, measure: I-hollow-waw, lemma: قال}\n"})
    assert pack.lexicons["say.passive"].role == "verb.passive"
    assert pack.lexicons["say.perfect"].role == "verb.perfect"
    assert pack.lexicons["say"].role is None


def test_a_declared_passive_lexicon_makes_an_attribution_passive():
    """The role, not the name: a passive cue takes no speaker from the attribution before it. A
    lexicon declared verb.passive is passive, whatever its name; a plain one named x.passive is not."""
    rules = """
lexicons:
  heard: {role: verb.passive, forms: [أفيد]}
  said.passive: [قيل]
rules:
  - name: t.say
    label: attribution
    pattern: 'cue:قال speaker:_ إن content:_'
    value: attribution(cue, speaker, content)
  - name: t.passive
    label: attribution
    pattern: 'cue:(@heard | @said.passive) أن content:_'
    value: attribution(cue, content=content)
"""
    e = Engine.from_rules(rules)
    for cue, inferred in (("أفيد", False), ("قيل", True)):
        found = {m.fields["cue"].text: m for m in e.extract(f"قال الوزير إن الطريق. {cue} أن الباب")}
        assert found[cue].attrs.get("speaker_inferred", False) is inferred, cue
        assert (found[cue].value["speaker"] == "الوزير") is inferred


DIGITS = """
rules:
  - name: t.d
    label: number
    pattern: 'n:%digits'
    value: number(n)
  - name: t.i
    label: integer
    pattern: 'n:%integer'
"""


@pytest.mark.parametrize("backend", ["python", "native"])
def test_digits_and_integers_on_every_back_end(backend):
    if backend == "native":
        pytest.importorskip("arabic_rules._core", reason="the native core is not built")
    e = Engine.from_rules(DIGITS, backend=backend)
    # (glued to و, a number is no item of its own, nor is the end of it: و٣٫٥ gives no 5)
    text = "بلغ 12,400 ثم -7 و٣٫٥ و1،5 ثم ٣٫٥ و 1،5 بين 40-55 عند 7:45 في كوفيد-19 ثم 1 250 نسمة"
    found = {(m.label, m.text, m.value if m.label == "number" else None) for m in e.extract(text)}
    assert {(t, v) for label, t, v in found if label == "number"} == {
        ("12,400", 12400), ("-7", -7), ("٣٫٥", 3.5), ("1،5", 1.5), ("40", 40), ("55", 55), ("1 250", 1250)}
    # (a space joins no digits for %integer: 1 250 is two of them)
    assert {t for label, t, _ in found if label == "integer"} == {"40", "55", "7", "45", "19", "1", "250"}


def test_the_built_in_numbers_pass_the_raw_regex_checks_of_lint():
    """Built-in items are raw regexes a pack does not see: they must pass what lint asks of one
    (no nested quantifiers, no backreference), and lint's probe on their own characters."""
    from arabic_rules.builtins import builtin
    from arabic_rules.lint import _raw_problems_of

    for name in ("digits", "integer"):
        for source in builtin(name).alternatives:
            assert _raw_problems_of(source) == (), name
    pack = load([], texts={"<d>": DIGITS})
    assert [p for p in lint(pack) if p.code.startswith("E")] == []
