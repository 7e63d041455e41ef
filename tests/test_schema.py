"""One description of a rule file's shape (arabic_rules/rulefile.py) gives both the loader's shape
checks and the JSON Schema editors read: every shipped and documented pack fits the schema, and
each shape mistake the loader rejects (with its code, at its file:line:col) the schema rejects too."""
import io
import json
import re
from contextlib import redirect_stdout
from pathlib import Path

import pytest
import yaml
from hypothesis import example, given, settings, strategies as st

from arabic_rules import rulefile
from arabic_rules.cli import main
from arabic_rules.errors import RuleError
from arabic_rules.loader import load
from arabic_rules.resources import data_dir, default_pattern_files

jsonschema = pytest.importorskip("jsonschema", reason="jsonschema (the `test` extra) validates against the schema")

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = rulefile.json_schema()
VALIDATOR = jsonschema.Draft7Validator(SCHEMA)


def schema_errors(text: str) -> list[str]:
    """What the JSON Schema finds wrong with rule file ``text`` (as an editor sees it)."""
    data = rulefile.json_view(yaml.safe_load(text))
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in VALIDATOR.iter_errors(data)]


def doc_packs() -> list[tuple[str, str]]:
    """The example packs: the rule files written in docs/patterns.md, and examples/**/*.yaml."""
    out = []
    doc = ROOT / "docs" / "patterns.md"
    if doc.exists():
        blocks = re.findall(r"```yaml\n(.*?)```", doc.read_text(encoding="utf-8"), re.S)
        out += [(f"patterns.md#{i}", b) for i, b in enumerate(blocks)]
    out += [(str(p.relative_to(ROOT)), p.read_text(encoding="utf-8")) for p in sorted(ROOT.glob("examples/**/*.yaml"))]
    return out


# --- the schema that ships ----------------------------------------------------------------------

def test_the_schema_is_a_valid_draft7_schema():
    jsonschema.Draft7Validator.check_schema(SCHEMA)


def test_the_shipped_schema_file_is_the_description():
    shipped = data_dir("patterns") / rulefile.SCHEMA_FILE
    want = json.dumps(SCHEMA, ensure_ascii=False, indent=2) + "\n"
    assert shipped.read_text(encoding="utf-8") == want, (
        f"{shipped} is out of date with arabic_rules/rulefile.py; regenerate it: arules schema > {shipped}")


def test_arules_schema_prints_it():
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["schema"]) == 0
    assert json.loads(out.getvalue()) == SCHEMA


@pytest.mark.parametrize("path", default_pattern_files(), ids=lambda p: p.name)
def test_every_shipped_pack_fits_the_schema_and_names_it_in_its_first_line(path):
    text = path.read_text(encoding="utf-8")
    assert schema_errors(text) == []
    first = text.splitlines()[0]
    m = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
    assert m, f"{path}: the first line should be '# yaml-language-server: $schema=...', not {first!r}"
    assert (path.parent / m.group(1)).resolve() == (data_dir("patterns") / rulefile.SCHEMA_FILE).resolve()


@pytest.mark.parametrize("name,text", doc_packs(), ids=[n for n, _ in doc_packs()])
def test_every_example_pack_fits_the_schema(name, text):
    assert schema_errors(text) == []


# --- each shape mistake: the loader's error (code, line, col) and the schema's rejection --------

R = "rules:\n  - name: r\n    label: l\n    pattern: x\n"
V = "imports: [morphology]\nverbs:\n  say:\n"
MISTAKES = [  # name, rule file, the loader's problems (code, line, col)
    ("file not a mapping", "- a\n- b\n", [("E003", 1, 1)]),
    ("file a string", "just words\n", [("E003", 1, 1)]),
    ("unknown key", "lexicon:\n  x: [a]\n", [("E004", 1, 1)]),
    ("imports not a list", "imports: numbers\n", [("E003", 1, 10)]),
    ("import not a string", "imports: [[a]]\n", [("E003", 1, 11)]),
    ("ref_date not a date", "ref_date: yesterday\n", [("E003", 1, 11)]),
    ("lexicons not a mapping", "lexicons: [a, b]\n", [("E003", 1, 11)]),
    ("bad lexicon name", "lexicons:\n  9x: [a]\n", [("E003", 2, 3)]),
    ("lexicon a single word", "lexicons:\n  x: a\n", [("E003", 2, 6)]),
    ("lexicon form a mapping", "lexicons:\n  x: [a, {b: c}]\n", [("E111", 2, 10)]),
    ("lexicon form empty", "lexicons:\n  x: [a, '']\n", [("E111", 2, 10)]),
    ("empty lexicon list", "lexicons:\n  x: []\n", [("E111", 2, 6)]),
    ("empty lexicon mapping", "lexicons:\n  x: {}\n", [("E111", 2, 6)]),
    ("value -> form a list of lists", "lexicons:\n  x:\n    1: [a, [b]]\n", [("E111", 3, 12)]),
    ("declared lexicon with an unknown key", "lexicons:\n  x: {role: number.value, form: [a]}\n",
     [("E005", 2, 6), ("E004", 2, 27)]),
    ("declared lexicon role not a string", "lexicons:\n  x: {role: [a], forms: [b]}\n", [("E003", 2, 13)]),
    ("declared lexicon include not a list", "lexicons:\n  x: {include: u, forms: [b]}\n", [("E003", 2, 16)]),
    ("declared lexicon with empty forms", "lexicons:\n  x:\n    forms: []\n", [("E111", 3, 12)]),
    ("macros not a mapping", "macros: [a]\n", [("E003", 1, 9)]),
    ("bad macro name", "macros:\n  _x: 'a'\n", [("E003", 2, 3)]),
    ("macro not a string", "macros:\n  x: [a]\n", [("E003", 2, 6)]),
    ("rules not a list", "rules:\n  name: r\n", [("E003", 2, 3)]),
    ("rule not a mapping", "rules:\n  - r\n", [("E003", 2, 5)]),
    ("unknown rule key", R + "    patern: y\n", [("E004", 5, 5)]),
    ("missing name", "rules:\n  - label: l\n    pattern: x\n", [("E005", 2, 5)]),
    ("missing label", "rules:\n  - name: r\n    pattern: x\n", [("E005", 2, 5)]),
    ("missing pattern", "rules:\n  - name: r\n    label: l\n", [("E005", 2, 5)]),
    ("name not a string", "rules:\n  - name: [r]\n    label: l\n    pattern: x\n", [("E003", 2, 5)]),
    ("label empty", "rules:\n  - name: r\n    label: ''\n    pattern: x\n", [("E003", 2, 5)]),
    ("pattern not a string", "rules:\n  - name: r\n    label: l\n    pattern: [x]\n", [("E003", 4, 14)]),
    ("value not a string", R + "    value: {number: n}\n", [("E003", 5, 12)]),
    ("priority not an integer", R + "    priority: high\n", [("E003", 5, 15)]),
    ("priority a boolean", R + "    priority: true\n", [("E003", 5, 15)]),
    ("absorbs not a list", R + "    absorbs: number\n", [("E003", 5, 14)]),
    ("absorbs item not a string", R + "    absorbs: [1]\n", [("E003", 5, 15)]),
    ("span not a string", R + "    span: [n]\n", [("E003", 5, 11)]),
    ("doc not a string", R + "    doc: [a]\n", [("E003", 5, 10)]),
    ("examples not a list", R + "    examples: '[x]'\n", [("E003", 5, 15)]),
    ("example a list", R + "    examples: [[x]]\n", [("E110", 5, 16)]),
    ("example without brackets", R + "    examples: ['x here']\n", [("E110", 5, 16)]),
    ("example with two matches", R + "    examples: ['[x] and [x]']\n", [("E110", 5, 16)]),
    ("example with [ unclosed", R + "    examples: ['[x here']\n", [("E110", 5, 16)]),
    ("example with ] unopened", R + "    examples: ['x] here']\n", [("E110", 5, 16)]),
    ("example arrow inside the match", R + "    examples: ['[x -> y] here']\n", [("E110", 5, 16)]),
    ("example with text and not", R + "    examples:\n      - {text: '[x]', not: 'x'}\n", [("E110", 6, 9)]),
    ("example with neither text nor not", R + "    examples:\n      - {value: 3}\n", [("E110", 6, 9)]),
    ("unknown example key", R + "    examples:\n      - {text: '[x]', valeu: 3}\n", [("E004", 6, 23)]),
    ("example text not a string", R + "    examples:\n      - {text: 3}\n", [("E110", 6, 9)]),
    ("negative example with ] unopened", R + "    examples:\n      - not: 'x ] y'\n", [("E110", 6, 9)]),
    ("example mapping without brackets", R + "    examples:\n      - {text: 'x', value: 3}\n", [("E110", 6, 9)]),
    ("example value given twice", R + "    examples:\n      - {text: '[x] -> [y]', value: 3}\n", [("E110", 6, 9)]),
    ("example ref_date not a date", R + "    examples:\n      - {text: '[x]', ref_date: soon}\n", [("E110", 6, 9)]),
    ("example attrs not a mapping", R + "    examples:\n      - {text: '[x]', attrs: [a]}\n", [("E110", 6, 9)]),
    ("verbs not a mapping", "imports: [morphology]\nverbs: [a]\n", [("E003", 2, 8)]),
    ("verb group not a list", V + "    {root: ق و ل}\n", [("E003", 4, 5)]),
    ("verb not a mapping", V + "    - قال\n", [("E003", 4, 7)]),
    ("unknown verb key", V + "    - {root: ق و ل, measure: I-hollow, lemma: قال, lema: x}\n", [("E004", 4, 52)]),
    ("verb without lemma", V + "    - {root: ق و ل, measure: I-hollow}\n", [("E005", 4, 7)]),
    ("bad verb group name", "imports: [morphology]\nverbs:\n  9say:\n    - {root: ق و ل, measure: I-hollow, lemma: قال}\n",
     [("E003", 3, 3)]),
    # measures and clitics: morphology.load_measures checks them (E113), the schema says the same
    ("measure templates not a list",
     "measures:\n  I:\n    perfect: فعل\nclitics:\n  classes:\n    perfect: {proclitics: [و]}\n",
     [("E113", 3, 5), ("E113", 3, 14)]),
    ("clitics without classes", "measures:\n  I:\n    perfect: [فعل]\nclitics:\n  joins: []\n",
     [("E113", 3, 5), ("E113", 3, 14), ("E113", 5, 3)]),
]


@pytest.mark.parametrize("name,text,expected", MISTAKES, ids=[m[0] for m in MISTAKES])
def test_a_shape_mistake_is_rejected_by_the_loader_and_by_the_schema(tmp_path, name, text, expected):
    path = tmp_path / "mistake.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleError) as err:
        load([path])
    assert [(p.code, p.line, p.col) for p in err.value.problems] == expected, str(err.value)
    assert all(p.path == str(path) for p in err.value.problems)
    assert schema_errors(text), f"the schema accepts a file the loader rejects: {name}"


ACCEPTED = [  # the loader takes these: so must the schema
    ("empty keys", "imports:\nlexicons:\nmacros:\nrules:\n  - {name: r, label: l, pattern: x, value: , examples: , "
                   "span: , absorbs: }\n"),
    ("value -> one form, numbers as forms", "lexicons:\n  m:\n    12: ديسمبر\n    7: [تموز, 7]\n" + R),
    ("a date as a lexicon value", "lexicons:\n  d:\n    2021-12-13: [اليوم]\n" + R),
    ("every form of example",
     R + "    examples:\n      - '[x] -> 3'\n      - '[x] -> a -> b'\n      - 'a \\[b\\] [x]'\n"
         "      - {text: '[x] -> y', value: {a: 1}, attrs: {k: v}, ref_date: 2021-12-13}\n"
         "      - {text: 'x [x]'}\n      - {not: 'y'}\n      - {not: 'y [x] z', ref_date: }\n"),
    ("declared lexicons: a role, forms, an include", "lexicons:\n  u: {role: number.value, forms: {1: واحد}}\n"
                                                      "  v:\n    include: [u]\n    doc: every number word\n" + R),
    ("a verb with extra forms", V + "    - {root: ق و ل, measure: I-hollow, lemma: قال, extra: مقالة, exclude: []}\n"),
]


@pytest.mark.parametrize("name,text", ACCEPTED, ids=[a[0] for a in ACCEPTED])
def test_what_the_loader_accepts_the_schema_accepts(tmp_path, name, text):
    path = tmp_path / "ok.yaml"
    path.write_text(text, encoding="utf-8")
    load([path])
    assert schema_errors(text) == []


def test_what_a_schema_cannot_say_stays_with_the_loader(tmp_path):
    """A macro that does not exist, a pattern that does not parse: the shape is right."""
    text = "rules:\n  - {name: r, label: l, pattern: '<nowhere> @nothing'}\n  - {name: s, label: l, pattern: 'x )'}\n"
    assert schema_errors(text) == []
    path = tmp_path / "refs.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleError) as err:
        load([path])
    assert {p.code for p in err.value.problems} == {"E101", "E102", "E103"}


# --- the form of an example: the loader's reading and the schema's regular expressions agree ----

TEXTS = st.text(alphabet="ab []\\->\n", max_size=14)
FORMS = [  # a Text shape's authority (explain) and the regex it gives the schema
    ("'text [match] -> value'", rulefile._expected_match_and_value, rulefile.EXPECTED_MATCH_AND_VALUE),
    ("{text: '[match]', value: ...}", rulefile._expected_match, rulefile.EXPECTED_MATCH),
    ("{not: 'text'}", rulefile._no_match, rulefile.NO_MATCH),
]


@pytest.mark.parametrize("form,explain,regex", FORMS, ids=[f[0] for f in FORMS])
@settings(max_examples=200, deadline=None)
@given(raw=TEXTS)
@example(raw="a [b] -> [c]").via("a value after the arrow may hold brackets")
@example(raw="[a -> b] c").via("an arrow inside the match")
@example(raw="[a] -> -> b").via("overlapping arrows: the last one counts")
@example(raw="\\[a] [b]").via("an escaped bracket")
@example(raw="\\\\[a]").via("a backslash before an escaped bracket")
@example(raw="[a]\n").via("a line break at the end")
def test_the_example_regexes_say_what_the_loader_says(form, explain, regex, raw):
    loader_ok = explain(raw) == ""
    schema_ok = re.search(f"^(?:{regex})$", raw) is not None  # as jsonschema reads a "pattern"
    assert loader_ok == schema_ok, f"{form}: {raw!r}: loader {explain(raw)!r}"
