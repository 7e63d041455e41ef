"""Negated items (`!x`: one word where x does not match) and conditions (`&x`, `&!x`: x matches,
or does not, where the next item starts; at the end, right after the last item), on both back
ends: the native core (the default where it is built) and the reference executor."""
from __future__ import annotations

from dataclasses import replace

import pytest

from arabic_rules import Engine
from arabic_rules.compiler import anchor_index
from arabic_rules.syntax import Cond, Not, parse_pattern, render

LEXICONS = """
lexicons:
  say: [قال, أكد]
  stop: [في, إن, أن, اليوم]
  weekday: [الأحد, الاثنين]
"""


def engines(rules_dir, pattern: str) -> list[Engine]:
    rule = f"rules:\n  - {{name: r, label: x, pattern: '{pattern}'}}\n"
    first = Engine.from_paths([rules_dir(r=LEXICONS + rule) / "r.yaml"], use_cache=False)
    return [first, Engine(first.pack, backend="python")]


def spans(rules_dir, pattern: str, text: str) -> list[str]:
    found = [[m.text for m in e.extract(text)] for e in engines(rules_dir, pattern)]
    assert found[0] == found[1], found  # both back ends agree
    return found[0]


@pytest.mark.parametrize("pattern,text,expected", [
    ("@say !@stop{1,3} إن", "قال رئيس البلدية إن", ["قال رئيس البلدية إن"]),
    ("@say !@stop{1,3} إن", "قال في المؤتمر إن", []),
    ("@say s:!(في | من) _", "أكد الوزير أمس", ["أكد الوزير أمس"]),
    ("@say s:!(في | من) _", "أكد من جديد", []),
    ("@say &!@weekday _", "قال الأحد", []),
    ("@say &!@weekday _", "قال الوزير", ["قال الوزير"]),
    ("@say &@weekday _", "قال الأحد", ["قال الأحد"]),
    ("@say _? &!اليوم", "قال الوزير اليوم", ["قال"]),  # the word is given back to meet the condition
    ("@say _ &\"،\"", "قال الوزير، ثم", ["قال الوزير"]),
    ("@say _ &\"،\"", "قال الوزير ثم", []),
    # glued after a clitic, the negated or tested item is tried right after the clitic
    ("@say ب ~ !@weekday", "قال بالأحد", []),
    ("@say ب ~ !@weekday", "قال بالوزير", ["قال بالوزير"]),
    ("@say ب ~ &!@weekday ~ _", "قال بالأحد", []),
    ("@say ب ~ &!@weekday ~ _", "قال بالوزير", ["قال بالوزير"]),
    ("@say ب ~ &@weekday ~ _", "قال بالأحد", ["قال بالأحد"]),
])
def test_negation_and_conditions(rules_dir, pattern, text, expected):
    assert spans(rules_dir, pattern, text) == expected


def test_a_capture_of_a_negated_word(rules_dir):
    first, python = engines(rules_dir, "@say who:!@stop")
    for e in (first, python):
        m, = e.extract("قال المدير")
        assert m.fields["who"].text == "المدير"


def test_they_parse_and_render_back():
    for text in ("!@say", "a &!@b c", "!(x | y){1,3}", "who:!_ y", "a b &c", "!(x?)"):
        node = parse_pattern(text)
        assert parse_pattern(render(node)) == node
    assert isinstance(parse_pattern("!x"), Not)
    cond = parse_pattern("&!x y").items[0]
    assert isinstance(cond, Cond) and cond.negate


# --- rules from Python ---------------------------------------------------------------------------

def test_rules_from_a_dict_or_yaml_text():
    rule_file = {"lexicons": {"say": ["قال", "أكد"]},
                 "rules": [{"name": "r", "label": "cue", "pattern": "cue:@say !في",
                            "examples": ["[قال الوزير] كلاما", {"not": "قال في المؤتمر"}]}]}
    for rules in (rule_file, "lexicons:\n  say: [قال, أكد]\nrules:\n  - {name: r, label: cue, pattern: 'cue:@say !في'}\n"):
        e = Engine.from_rules(rules)
        assert [m.text for m in e.extract("أكد الوزير")] == ["أكد الوزير"]
        assert e.extract("قال في المؤتمر") == []


def test_rules_from_python_are_checked_like_a_file():
    from arabic_rules import RuleError

    with pytest.raises(RuleError) as err:
        Engine.from_rules("rules:\n  - name: r\n    label: x\n    pattern: '@say (_'\n")
    text = str(err.value)
    assert text.startswith("<rules>:4:22: E101") and "^" in text
    with pytest.raises(RuleError, match="unknown lexicon 'nope'"):
        Engine.from_rules({"rules": [{"name": "r", "label": "x", "pattern": "@nope"}]})
    with pytest.raises(TypeError, match="dict or as YAML text"):
        Engine.from_rules(["not", "rules"])


def test_lint_stats_gives_the_raw_regex_share_of_each_file(rules_dir):
    import subprocess
    import sys

    folder = rules_dir(a="macros:\n  m: 're\"[0-9]+\" _'\nrules:\n  - {name: r, label: x, pattern: 'قال <m>'}\n")
    r = subprocess.run([sys.executable, "-m", "arabic_rules", "lint", "--stats", str(folder)], capture_output=True,
                       text=True)
    raw, total = len('re"[0-9]+"'), len('re"[0-9]+" _') + len("قال <m>")
    assert f"a.yaml: raw regex {raw} of {total} pattern characters ({raw / total:.0%})" in r.stdout, r.stdout + r.stderr


def test_lint_stats_gives_a_pack_folder_as_a_whole(tmp_path):
    import subprocess
    import sys

    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "m.yaml").write_text("macros:\n  m: 're\"[0-9]+\" _'\n", encoding="utf-8")
    (pack / "r.yaml").write_text("imports: [m]\nrules:\n  - {name: r, label: x, pattern: 'قال <m>'}\n", encoding="utf-8")
    (tmp_path / "d.yaml").write_text("rules:\n  - {name: d, label: x, pattern: 'قال _'}\n", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "arabic_rules", "lint", "--stats", str(tmp_path)], capture_output=True,
                       text=True)
    raw, total = len('re"[0-9]+"'), len('re"[0-9]+" _') + len("قال <m>")
    assert f"pack/ (pack folder): raw regex {raw} of {total} pattern characters" in r.stdout, r.stdout + r.stderr


def test_a_zero_width_raw_regex_before_the_first_required_item_is_a_condition(rules_dir):
    # it used to be optional there (skipped whenever it failed), as it once was everywhere
    assert spans(rules_dir, 're"(?!اكد)" _ _', "أكد الوزير اليوم") == ["الوزير اليوم"]


# ---------------------------------------------------------------- built-in items and sentence gates

def test_a_built_in_item_parses_renders_and_names_the_others_when_misspelt():
    from arabic_rules.errors import PatternSyntaxError
    from arabic_rules.syntax import BuiltinRef

    node = parse_pattern("قال content:%quotation")
    assert BuiltinRef("quotation") in set(walk_nodes(node))
    assert parse_pattern(render(node)) == node
    with pytest.raises(PatternSyntaxError) as err:
        parse_pattern("قال %quote")
    assert err.value.offset == 4 and "%quoted_speech" in str(err.value)


def walk_nodes(node):
    from arabic_rules.syntax import walk

    return walk(node)


@pytest.mark.parametrize("pattern,text,expected", [
    ('@say ":" %quotation', "قال: «لن نتراجع»", ["قال: «لن نتراجع»"]),
    ('@say ":" %quotation', "قال: لن نتراجع", []),
    ("@say _ %quoted_name", "قال الوزير «المساء»", ["قال الوزير «المساء»"]),
    ("@say _ %quoted_speech", "قال الوزير «المساء»", []),
    ("@say _ %quoted_speech", 'قال الوزير "لن نتراجع أبداً"', ['قال الوزير "لن نتراجع أبداً"']),
    ('@say ":" %unclosed_quotation', "قال: «لن نتراجع\nثم", ["قال: «لن نتراجع"]),
    # opened with the closing mark, or in single quotes: on one line, not glued to a word
    ('@say ":" %quotation', "قال: ” لن نتراجع”.", ["قال: ” لن نتراجع”"]),
    ("@say _ %quotation", "قال الوزير 'لن نتراجع'", ["قال الوزير 'لن نتراجع'"]),
    ("@say _ %quotation", "قال الوزير ”لن\nنتراجع”", []),
    ("@say _ %quoted_name", "قال الوزير ل ”الوطن”", []),
    ("@say _ ل %quoted_name", "قال الوزير ل ”الوطن”", ["قال الوزير ل ”الوطن”"]),
    ("@say _ %quotation", "قال الوزير' لن نتراجع'", []),
    ("@say _ %quotation", "قال الوزير 'لن نتراجع'أبدا", []),
])
def test_built_in_quotations(rules_dir, pattern, text, expected):
    assert spans(rules_dir, pattern, text) == expected


def has_sentence_gate(program) -> bool:
    """Whether a rule's program holds a sentence gate (`sentence_gates`): a raw lookahead that
    steps over the sentence a word, a space or a mark at a time."""
    from arabic_rules import ir

    seen, stack = set(), [program]
    while stack:
        n = stack.pop()
        if id(n) in seen:  # (programs share their macros' nodes)
            continue
        seen.add(id(n))
        if isinstance(n, ir.Raw) and "\\w++|\\s++|[^" in n.source:
            return True
        stack.extend(n.items if isinstance(n, ir.Cat) else n.options if isinstance(n, ir.Alt) else
                     [n.node] if isinstance(n, (ir.Opt, ir.Rep, ir.Group, ir.Look, ir.Behind)) else [])
    return False


def gated(rules_dir, pattern: str) -> bool:
    first, _ = engines(rules_dir, pattern)
    return has_sentence_gate(first.pack.rules[0].program)


@pytest.mark.parametrize("pattern,has_gate", [
    ("@say _{1,4} إن _", True),  # after the cue, إن must come before the sentence ends
    ("@say _{1,4} %quoted_name? إن _", False),  # a quotation may be long: the gate would look too far
    ("@say _ إن _", False),  # إن too near for a gate to save anything
    ("_ @say _{1,4} إن", False),  # the first item is any word: a gate would run everywhere
    ('@say _{1,4} "."? إن', True),  # a period the rule may read is a step of the gate
    ('@say _{1,4} re"[^،]+" إن', False),  # a raw regex may read past the sentence end
    ("@say _{1,4} _", False),  # nothing literal to look for
])
def test_the_compiler_derives_sentence_gates(rules_dir, pattern, has_gate):
    assert gated(rules_dir, pattern) is has_gate


@pytest.mark.parametrize("text,expected", [
    ("قال رئيس البلدية الجديد إن المشروع", ["قال رئيس البلدية الجديد إن المشروع"]),
    ("قال رئيس البلدية. إن المشروع", []),
    ("قال رئيس البلدية الجديد في المدينة إن المشروع", []),
])
def test_a_gated_rule_finds_what_it_finds_without_the_gate(rules_dir, text, expected):
    pattern = "@say _{1,4} إن _"
    assert gated(rules_dir, pattern)
    assert spans(rules_dir, pattern, text) == expected


@pytest.mark.parametrize("pattern,text,expected", [
    # a group of alternative conditions, and a macro of two conditions, are conditions, not
    # optional items that always pass
    ("@say (&@weekday | &اليوم) _", "قال الأحد", ["قال الأحد"]),
    ("@say (&@weekday | &اليوم) _", "قال الوزير", []),
    ("@say _ <two>", "قال الوزير في", []),
    ("@say _ <two>", "قال الوزير إن", ["قال الوزير"]),
    ("@say <two> _", "قال في", []),
    ("@say <two> _", "قال الوزير", ["قال الوزير"]),
    # a condition at the start of a group glued after a clitic is tried right after the clitic
    ("@say ب ~ w:(&!@weekday _)", "قال بالأحد", []),
    ("@say ب ~ w:(&!@weekday _)", "قال بالوزير", ["قال بالوزير"]),
])
def test_conditions_in_groups_and_macros(rules_dir, pattern, text, expected):
    macros = "macros:\n  two: '&!في &!اليوم'\n"
    rule = f"rules:\n  - {{name: r, label: x, pattern: '{pattern}'}}\n"
    first = Engine.from_paths([rules_dir(r=LEXICONS + macros + rule) / "r.yaml"], use_cache=False)
    found = [[m.text for m in e.extract(text)] for e in (first, Engine(first.pack, backend="python"))]
    assert found[0] == found[1] == expected


def test_a_gate_steps_over_a_literal_that_holds_a_period(rules_dir):
    pattern = '@say (_ | "د.ب.أ"){1,2} إن _'
    assert gated(rules_dir, pattern)
    assert spans(rules_dir, pattern, "قال مراسل د.ب.أ إن الوفد") == ["قال مراسل د.ب.أ إن الوفد"]
    assert spans(rules_dir, pattern, "قال مراسل د. إن الوفد") == []


# --- look backs: <&x, <&!x ------------------------------------------------------------------------

def all_backends(rules_dir, pattern: str, lexicons: str = LEXICONS) -> list[Engine]:
    from arabic_rules.native import available

    rule = f"rules:\n  - {{name: r, label: x, pattern: '{pattern}'}}\n"
    first = Engine.from_paths([rules_dir(r=lexicons + rule) / "r.yaml"], use_cache=False)
    return [Engine(first.pack, backend=b) for b in ("python", "native") if b != "native" or available()]


BACK_LEXICONS = LEXICONS + """
  relative: [التي, الذي, الذين]
  pron: [ه, ها, هم]
  said: [استبعد, استبعده, استبعدها]
"""


@pytest.mark.parametrize("pattern,text,expected", [
    # the word before the speaker is not a relative nor a preposition
    ("<&!(@relative | في) who:_ @say", "وأضاف أن الحكومة التي قالت", []),
    ("<&!(@relative | في) who:_ @say", "التي الحكومة قال", []),
    ("<&!(@relative | في) who:_ @say", "الحكومة قال", ["الحكومة قال"]),
    ("<&!(@relative | في) who:_ @say", "في الاجتماع الوزير قال", ["الوزير قال"]),
    # nothing before the start of the text: a negated look back holds, a positive one does not
    ("<&في _ @say", "في الاجتماع قال", ["الاجتماع قال"]),
    ("<&في _ @say", "الاجتماع قال", []),
    # across punctuation and line breaks: what ends right before, past the gap
    ('<&!"،" @say', "الوزير، قال", []),
    ('<&!"،" @say', "الوزير\nقال", ["قال"]),
    # a bounded reach: no ما within the two words before the cue
    ("<&!(ما _{0,2}) @say", "وهو ما قال", []),
    ("<&!(ما _{0,2}) @say", "ما هو قد قال", []),
    ("<&!(ما _{0,2}) @say", "ما كان هو قد قال", ["قال"]),
    # at the end of a sequence: what the last item ends with
    ("@say _ <&!اليوم", "قال اليوم", []),
    ("@say _ <&!اليوم", "قال الوزير", ["قال الوزير"]),
    # glued: the end of the word it follows (a cue without an object pronoun)
    ("@said ~ <&!@pron أن", "استبعده أن", []),
    ("@said ~ <&!@pron أن", "استبعد أن", ["استبعد أن"]),
    ("ال ~ _ ~ <&(ية | ي)", "أكدت الحكومة الفرنسية", ["الفرنسية"]),
])
def test_look_backs(rules_dir, pattern, text, expected):
    found = [[m.text for m in e.extract(text)] for e in all_backends(rules_dir, pattern, BACK_LEXICONS)]
    assert all(f == found[0] for f in found), found  # every back end agrees
    assert found[0] == expected


def test_look_backs_parse_render_and_report_what_they_cannot_do(rules_dir):
    for text in ("<&!@rel _", "a <&(ما _{0,2}) b", "x ~ <&!ه", "<&<m> y"):
        assert parse_pattern(render(parse_pattern(text))) == parse_pattern(text)
    cond = parse_pattern("<&!x y").items[0]
    assert isinstance(cond, Cond) and cond.negate and cond.back
    for bad in ("<&!(ما _*) @say", "<&(w:_) @say", '<&re"ما" @say'):
        rule = f"rules:\n  - {{name: r, label: x, pattern: '{bad}'}}\n"
        with pytest.raises(Exception) as err:
            Engine.from_paths([rules_dir(r=LEXICONS + rule) / "r.yaml"], use_cache=False)
        assert "E115" in str(err.value), bad


# --- line structure: %line_start, %paragraph_start, %sentence_start ------------------------------

@pytest.mark.parametrize("pattern,text,expected", [
    ("&%line_start _ @say", "خبر\nالوزير قال", ["الوزير قال"]),
    ("&%line_start _ @say", "خبر الوزير قال", []),
    ("%line_start _ @say", "الوزير قال", ["الوزير قال"]),  # the text starts: a line starts
    ("&!%line_start _ @say", "خبر\nالوزير قال", []),
    ("%paragraph_start _ @say", "خبر\n \nالوزير قال", ["الوزير قال"]),
    ("%paragraph_start _ @say", "خبر\nالوزير قال", []),
    ("%sentence_start _ @say", "انتهى.  الوزير قال", ["الوزير قال"]),
    ("%sentence_start _ @say", "انتهى، الوزير قال", []),
    # a repetition that runs over a line break but not a blank line
    ("@say (&!%paragraph_start _)+", "قال الوزير\nكلاما\n\nآخر", ["قال الوزير\nكلاما"]),
])
def test_line_checks(rules_dir, pattern, text, expected):
    found = [[m.text for m in e.extract(text)] for e in all_backends(rules_dir, pattern, BACK_LEXICONS)]
    assert all(f == found[0] for f in found), found
    assert found[0] == expected


@pytest.mark.parametrize("pattern,text,expected", [
    # an alternative of an item that reads and of conditions only: where the conditions hold, it
    # reads nothing; where neither holds, no match (it is no optional item that skips them)
    ('("." | %sentence_start &!@say) who:_ @said', "انتهى. الوزير استبعد", [". الوزير استبعد"]),
    ('("." | %sentence_start &!@say) who:_ @said', "الوزير استبعد", ["الوزير استبعد"]),
    ('("." | %sentence_start &!@say) who:_ @said', "انتهى الوزير استبعد", []),
    ('("." | %sentence_start &!@say) who:_ @said', "قال استبعد", []),
    # after the first required item: a condition looks past the gap
    ('@say ("،" | &@relative) _ @said', "قال، الوزير استبعد", ["قال، الوزير استبعد"]),
    ('@say ("،" | &@relative) _ @said', "قال التي استبعد", ["قال التي استبعد"]),
    ('@say ("،" | &@relative) _ @said', "قال الوزير استبعد", []),
])
def test_an_alternative_of_an_item_and_conditions_is_no_optional_item(rules_dir, pattern, text, expected):
    found = [[m.text for m in e.extract(text)] for e in all_backends(rules_dir, pattern, BACK_LEXICONS)]
    assert all(f == found[0] for f in found), found
    assert found[0] == expected


FAR = 'who:_{1,8} ("،" _{1,8} "،")? @say إن _'  # the cue lies up to 18 tokens after the start


@pytest.mark.parametrize("text,expected", [
    ("الوزير قال إن الطريق", ["الوزير قال إن الطريق"]),
    ("رئيس البلدية، وهو مهندس من المدينة القديمة نفسها، قال إن الطريق",
     ["رئيس البلدية، وهو مهندس من المدينة القديمة نفسها، قال إن الطريق"]),
    ("كلمة " * 12 + "الوزير قال إن الطريق", [" ".join(["كلمة"] * 7 + ["الوزير", "قال", "إن", "الطريق"])]),
    ("الوزير قال الطريق", []),
])
def test_a_rule_is_anchored_on_a_required_word_beyond_twelve_tokens(rules_dir, text, expected):
    """No item within 12 tokens of the start can anchor the rule (any words first): the cue
    further in does, with the whole reach of the items before it. Every back end finds what a
    rule tried at every word finds, and lint has no W201 for it."""
    from arabic_rules.engine import Engine as E
    from arabic_rules.lint import lint
    from arabic_rules.loader import load

    backends = all_backends(rules_dir, FAR)
    rule = backends[0].pack.rules[0]
    assert rule.back == 18 and rule.literals == {"قال", "اكد"}
    found = [[m.text for m in e.extract(text)] for e in backends]
    assert all(f == found[0] for f in found), found
    assert found[0] == expected
    everywhere = E(replace(backends[0].pack, rules=(replace(rule, options=(), back=None),),
                           anchors=anchor_index((replace(rule, options=(), back=None),))), backend="python")
    assert everywhere._unanchored and [m.text for m in everywhere.extract(text)] == expected
    rules = f"rules:\n  - {{name: r, label: x, pattern: '{FAR}'}}\n"
    assert [p.code for p in lint(load([rules_dir(far=LEXICONS + rules) / "far.yaml"]), probe=False)] == []


def test_an_alternation_of_conditions_in_a_repetition_stays_linear(rules_dir):
    # (&!a | &!b) _ repeated: one condition per copy, not two ways to backtrack into at each copy
    import time

    pattern = "@say ((&!%line_start | &!في) _)* أن"
    text = "قال " + "كلمة " * 60
    for e in all_backends(rules_dir, pattern, BACK_LEXICONS):
        started = time.perf_counter()
        assert e.extract(text) == []
        assert time.perf_counter() - started < 5, e.backend
